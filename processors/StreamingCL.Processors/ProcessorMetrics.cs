using Prometheus;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors;

/// <summary>
/// Prometheus metrics of the stream applications (prefix streamingcl_), on an injected registry so
/// a host exposes one endpoint and tests read their own. Gauges are set from the events exactly as
/// they are published, so a dashboard and the topics never disagree.
/// </summary>
public sealed class ProcessorMetrics
{
    private readonly Counter _events;
    private readonly Counter _deadLetters;
    private readonly Counter _skipped;
    private readonly Gauge _drift;
    private readonly Counter _driftSignals;
    private readonly Gauge _performance;
    private readonly Gauge _experiment;
    private readonly Counter _verdicts;
    private readonly Gauge _trafficWeights;
    private readonly Counter _triggers;
    private readonly Counter _suppressedTriggers;

    /// <summary>Registers the metrics on <paramref name="registry"/>.</summary>
    public ProcessorMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _events = factory.CreateCounter("streamingcl_events_total", "Events accepted by a stream application, by input topic.", ["application", "topic"]);
        _deadLetters = factory.CreateCounter("streamingcl_dead_letters_total", "Records written to dead-letters, by the application that rejected them and why.", ["processor", "kind"]);
        _skipped = factory.CreateCounter("streamingcl_skipped_total", "Valid input an application deliberately left unused, by reason (later than its window's grace, unlabeled, a window too small to compare, ...).", ["application", "reason"]);
        _drift = factory.CreateGauge("streamingcl_drift_statistic", "Latest drift statistic of a model's feature (or __score__, __error__).", ["model", "feature", "statistic"]);
        _driftSignals = factory.CreateCounter("streamingcl_drift_signals_total", "Drift metrics published at drift severity: windows over threshold and detector changes.", ["model", "feature", "kind"]);
        _performance = factory.CreateGauge("streamingcl_model_metric", "Latest windowed quality metric of a model version.", ["model", "version", "metric"]);
        _experiment = factory.CreateGauge("streamingcl_experiment_statistic", "Latest statistic of an experiment variant against its control (lift, p-value, SRM, ...), by scope (window, cumulative).", ["experiment", "variant", "scope", "statistic"]);
        _verdicts = factory.CreateCounter("streamingcl_experiment_verdicts_total", "Experiment verdicts published, by verdict.", ["experiment", "variant", "verdict"]);
        _trafficWeights = factory.CreateGauge("streamingcl_traffic_weight", "Current traffic share of an arm of an experiment or rollout.", ["target", "arm"]);
        _triggers = factory.CreateCounter("streamingcl_retrain_triggers_total", "Retrain triggers fired, by model and kind.", ["model", "kind"]);
        _suppressedTriggers = factory.CreateCounter("streamingcl_retrain_triggers_suppressed_total", "Retrain triggers whose evidence came within the model's cooldown, by model and kind.", ["model", "kind"]);
    }

    /// <summary>An event accepted from an input topic.</summary>
    public void Accepted(string application, string topic) => _events.WithLabels(application, topic).Inc();

    /// <summary>
    /// Valid input deliberately left unused by a documented rule (not bad input, which is
    /// dead-lettered): counted so that nothing is dropped silently.
    /// </summary>
    public void Skipped(string application, string reason) => _skipped.WithLabels(application, reason).Inc();

    /// <summary>A record rejected to the dead-letter topic.</summary>
    public void Observe(DeadLetter deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        _deadLetters.WithLabels(deadLetter.Processor, deadLetter.ErrorKind.ToString()).Inc();
    }

    /// <summary>A drift metric published.</summary>
    public void Observe(DriftMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        foreach (var (statistic, value) in metric.Statistics)
        {
            _drift.WithLabels(metric.ModelName, metric.Feature, statistic).Set(value);
        }

        if (metric.Severity == DriftSeverity.Drift)
        {
            _driftSignals.WithLabels(metric.ModelName, metric.Feature, metric.Kind.ToString()).Inc();
        }
    }

    /// <summary>A performance metric published.</summary>
    public void Observe(PerformanceMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        foreach (var (name, value) in metric.Metrics)
        {
            _performance.WithLabels(metric.ModelName, metric.ModelVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), name).Set(value);
        }
    }

    /// <summary>An experiment metric published.</summary>
    public void Observe(ExperimentMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        // Windows and the cumulative scope are published side by side: one gauge each, or they would overwrite each other.
        var scope = metric.Scope == MetricScope.Window ? "window" : "cumulative";
        foreach (var (statistic, value) in metric.Statistics)
        {
            _experiment.WithLabels(metric.ExperimentId, metric.Variant, scope, statistic).Set(value);
        }

        _experiment.WithLabels(metric.ExperimentId, metric.Variant, scope, "units").Set(metric.Units);
        _verdicts.WithLabels(metric.ExperimentId, metric.Variant, metric.Verdict.ToString()).Inc();
    }

    /// <summary>A traffic allocation published.</summary>
    public void Observe(TrafficAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        foreach (var arm in allocation.Arms)
        {
            _trafficWeights.WithLabels(allocation.Target, arm.Arm).Set(arm.Weight);
        }
    }

    /// <summary>A retrain trigger fired.</summary>
    public void Observe(RetrainTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        _triggers.WithLabels(trigger.ModelName, trigger.Kind.ToString()).Inc();
    }

    /// <summary>A retrain trigger that did not fire because the model was in its cooldown.</summary>
    public void Suppressed(string model, TriggerKind kind) => _suppressedTriggers.WithLabels(model, kind.ToString()).Inc();
}
