using System.Globalization;
using Prometheus;
using StreamingCL.Kafka.Events;
using StreamingCL.Trainer;

namespace StreamingCL.Cli.Hosting;

/// <summary>
/// Prometheus metrics of the trainer worker and the registry it hosts, on the process's shared
/// registry (prefix streamingcl_). Dead letters share <c>streamingcl_dead_letters_total</c> with
/// the stream processors: one counter of everything rejected, by processor and kind.
/// </summary>
internal sealed class TrainerMetrics
{
    private readonly Counter _published;
    private readonly Counter _triggers;
    private readonly Histogram _training;
    private readonly Histogram _triggerToPublished;
    private readonly Gauge _stage;
    private readonly Counter _examples;
    private readonly Counter _rejected;
    private readonly Counter _deadLetters;
    private readonly Gauge _buffer;
    private readonly Counter _restarts;
    private readonly Dictionary<(string Model, int Version), ModelStage> _stages = [];

    public TrainerMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _published = factory.CreateCounter("streamingcl_trainer_versions_published_total", "Model versions the trainer published, by training kind.", ["model", "kind"]);
        _triggers = factory.CreateCounter("streamingcl_trainer_triggers_total", "Retrain triggers handled, by outcome (trained, duplicate, skipped, failed).", ["model", "outcome"]);
        _training = factory.CreateHistogram(
            "streamingcl_trainer_training_duration_seconds",
            "Time to handle a trigger that trained a version: curation, fit, holdout evaluation, profiles, artifact.",
            ["model", "kind"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 14) });
        _triggerToPublished = factory.CreateHistogram(
            "streamingcl_trainer_trigger_to_published_seconds",
            "From a trigger's timestamp to its version being durably published (transaction committed, or flushed).",
            ["model"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.025, 2, 15) });
        _stage = factory.CreateGauge("streamingcl_registry_version_stage", "1 for the current stage of each model version in the registry.", ["model", "version", "stage"]);
        _examples = factory.CreateCounter("streamingcl_trainer_examples_total", "Labeled examples read live, by what became of them (accepted, other_model, shadow, rejected).", ["model", "disposition"]);
        _rejected = factory.CreateCounter("streamingcl_trainer_examples_rejected_total", "Labeled examples of the model that cannot be trained on, by dead-letter kind.", ["model", "kind"]);
        _deadLetters = factory.CreateCounter("streamingcl_dead_letters_total", "Records written to dead-letters, by the application that rejected them and why.", ["processor", "kind"]);
        _buffer = factory.CreateGauge("streamingcl_trainer_buffer_examples", "Examples in the training buffer, by part (holdout, window, reservoir).", ["model", "part"]);
        _restarts = factory.CreateCounter("streamingcl_trainer_restarts_total", "Times the trainer's loop was rebuilt from the topics after a failure.", ["model"]);
    }

    public void Example(string model, ExampleDisposition disposition, EventProblem? problem)
    {
        _examples.WithLabels(model, disposition switch
        {
            ExampleDisposition.Accepted => "accepted",
            ExampleDisposition.OtherModel => "other_model",
            _ => "rejected",
        }).Inc();
        if (problem is { } rejected)
        {
            _rejected.WithLabels(model, rejected.Kind.ToString()).Inc();
        }
    }

    public void ShadowExample(string model) => _examples.WithLabels(model, "shadow").Inc();

    public void DeadLetter(DeadLetter deadLetter) => _deadLetters.WithLabels(deadLetter.Processor, deadLetter.ErrorKind.ToString()).Inc();

    public void Trigger(string model, string outcome) => _triggers.WithLabels(model, outcome).Inc();

    public void Trained(string model, TrainingOutcome outcome) =>
        _training.WithLabels(model, Kind(outcome.Kind)).Observe(outcome.TotalDuration.TotalSeconds);

    public void Published(string model, TrainingKind kind, TimeSpan sinceTrigger)
    {
        _published.WithLabels(model, Kind(kind)).Inc();
        _triggerToPublished.WithLabels(model).Observe(Math.Max(0, sinceTrigger.TotalSeconds));
    }

    /// <summary>The version's stage as the registry now holds it: its series is 1, its former stage's series is removed.</summary>
    public void Stage(ModelVersion version)
    {
        var key = (version.ModelName, version.Version);
        var number = version.Version.ToString(CultureInfo.InvariantCulture);
        if (_stages.TryGetValue(key, out var former) && former != version.Stage)
        {
            _stage.RemoveLabelled(version.ModelName, number, Stage(former));
        }

        _stages[key] = version.Stage;
        _stage.WithLabels(version.ModelName, number, Stage(version.Stage)).Set(1);
    }

    public void Buffer(string model, ContinualTrainer trainer)
    {
        _buffer.WithLabels(model, "holdout").Set(trainer.HoldoutCount);
        _buffer.WithLabels(model, "window").Set(trainer.WindowCount);
        _buffer.WithLabels(model, "reservoir").Set(trainer.ReservoirCount);
    }

    public void Restarted(string model) => _restarts.WithLabels(model).Inc();

    /// <summary>Count and sum of the training durations of a kind (for `bench trainer`).</summary>
    public (long Count, double SumSeconds) TrainingDurations(string model, TrainingKind kind)
    {
        var child = _training.WithLabels(model, Kind(kind));
        return (child.Count, child.Sum);
    }

    /// <summary>Triggers handled with an outcome so far (for tests and `bench trainer`).</summary>
    public double Triggers(string model, string outcome) => _triggers.WithLabels(model, outcome).Value;

    private static string Kind(TrainingKind? kind) => kind switch
    {
        TrainingKind.Stateful => "stateful",
        TrainingKind.Stateless => "stateless",
        _ => "none",
    };

    private static string Stage(ModelStage stage) => stage switch
    {
        ModelStage.RolledBack => "rolled-back",
        _ => stage.ToString().ToLowerInvariant(),
    };
}
