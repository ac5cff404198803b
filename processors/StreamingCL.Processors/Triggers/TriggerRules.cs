using System.Globalization;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors.Triggers;

/// <summary>
/// Turns a model's evidence into retrain triggers. Each rule is a function of the model's state and
/// one input, so a replay of the same inputs gives the same triggers with the same ids:
/// <list type="bullet">
/// <item>Evidence is first checked for its age, by <see cref="IsStale"/> (the transformer skips stale
/// evidence before any rule sees it).</item>
/// <item>DRIFT: the features reported for one window of one version (same model_version and
/// window_end; drift of the score counts as a feature) are tallied; the window fires once when at
/// least N of them are at severity DRIFT, as soon as the N-th arrives. The reason says how many
/// features were reported so far (M); the evidence holds every drifted feature's statistics as
/// feature.statistic, and the version. A CONCEPT metric at severity DRIFT (a change detector on the
/// error) fires on its own. Ids: {model}:drift:{version}:{window end ms} and
/// {model}:drift:{version}:{feature}:{change time ms}.</item>
/// <item>PERFORMANCE: a window with fewer than <see cref="PerformanceTriggerOptions.MinExamples"/>
/// examples is skipped (counted, reason too_few_examples). Otherwise it fires when the watched metric
/// is worse than the absolute threshold, or worse than the version's baseline by more than the
/// relative drop ((baseline - value) / |baseline| when higher is better). The baseline is the
/// version's first window that has the metric and enough examples; a zero baseline has no relative
/// drop. Id: {model}:performance:{version}:{window end ms}.</item>
/// <item>Every version's drift and performance count: the metrics carry no stage, so a shadow or
/// canary version's drift or degradation asks for a retrain of the model like the production
/// version's (the version is in the id and the evidence, for the trainer to judge).</item>
/// <item>VOLUME: N served, labeled examples since the model's last trigger of any kind. Id:
/// {model}:volume:{labeled time ms of the N-th}.</item>
/// <item>SCHEDULE: each model seen fires once per interval, at the first check after each multiple of
/// the interval since the epoch; the interval a model was first seen in does not fire. Id:
/// {model}:scheduled:{interval start ms}.</item>
/// <item>Cooldown: a trigger of any kind silences the model's automatic triggers for the cooldown,
/// in event time for evidence (its event time minus the last trigger's; evidence older than the last
/// trigger is inside it too) and in wall-clock time for the schedule. What it silences is counted
/// (streamingcl_retrain_triggers_suppressed_total), once per window, schedule interval or volume
/// threshold reached; the volume count goes on, and fires at its first example after the cooldown.</item>
/// </list>
/// State is bounded: per model, the tallies of the latest <see cref="DriftWindowsKept"/> drift windows
/// of its versions, by window end then version (a drift metric older than all of them when they are
/// full is counted as late and skipped; room for a production, a canary and a shadow version's
/// latest windows) and the baselines of the <see cref="BaselinesKept"/> highest versions.
/// </summary>
internal sealed class TriggerRules(TriggerOptions options, ProcessorMetrics metrics)
{
    public const int DriftWindowsKept = 8;
    public const int BaselinesKept = 16;

    private readonly long _cooldownMs = (long)options.Cooldown.TotalMilliseconds;
    private readonly long _scheduleMs = (long)options.Schedule.Interval.TotalMilliseconds;

    /// <summary>Start of the schedule interval holding <paramref name="now"/>, Unix ms.</summary>
    public long ScheduleBucket(DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        return nowMs - (nowMs % _scheduleMs);
    }

    /// <summary>
    /// Whether the evidence's event time is more than <see cref="TriggerOptions.MaxEvidenceAge"/>
    /// before the wall-clock time <paramref name="now"/>: it is then ignored, and does not even make
    /// its model known to the schedule (a first deployment reading from the earliest offset would
    /// otherwise fire on months-old evidence, and schedule retired models).
    /// </summary>
    public bool IsStale(TriggerInput input, DateTimeOffset now) => now - input.EventTime() > options.MaxEvidenceAge;

    /// <summary>Takes one piece of evidence; <paramref name="now"/> is the wall clock, for the schedule's cooldown.</summary>
    public (ModelTriggerState State, RetrainTrigger? Trigger) On(string model, ModelTriggerState state, TriggerInput input, DateTimeOffset now)
    {
        var seen = state with { LatestEventMs = Math.Max(state.LatestEventMs, input.EventTime().ToUnixTimeMilliseconds()) };
        var (next, candidate) = input switch
        {
            { Drift: { } drift } => OnDrift(model, seen, drift),
            { Performance: { } performance } => OnPerformance(model, seen, performance),
            _ => OnLabeled(model, seen, input.LabeledAt!.Value),
        };
        return candidate is null ? (next, null) : Decide(model, next, candidate, now);
    }

    /// <summary>The schedule's check at wall-clock time <paramref name="now"/>.</summary>
    public (ModelTriggerState State, RetrainTrigger? Trigger) OnSchedule(string model, ModelTriggerState state, DateTimeOffset now)
    {
        var bucket = ScheduleBucket(now);
        if (state.ScheduleBucketMs >= bucket)
        {
            return (state, null);
        }

        var candidate = new TriggerCandidate(
            TriggerKind.Scheduled,
            $"{model}:scheduled:{bucket}",
            DateTimeOffset.FromUnixTimeMilliseconds(bucket),
            $"Scheduled retrain of {model}, every {options.Schedule.Interval}.",
            new Dictionary<string, double> { ["labeled_examples"] = state.ExamplesSinceTrigger });
        return Decide(model, state with { ScheduleBucketMs = bucket }, candidate, now);
    }

    private (ModelTriggerState, TriggerCandidate?) OnDrift(string model, ModelTriggerState state, DriftMetric metric)
    {
        if (!options.Drift.Enabled)
        {
            return (state, null);
        }

        var endMs = metric.WindowEnd.ToUnixTimeMilliseconds();
        if (metric.Kind == DriftKind.Concept)
        {
            return (state, metric.Severity == DriftSeverity.Drift && options.Drift.OnConceptDrift ? ConceptDrift(model, metric, endMs) : null);
        }

        var version = metric.ModelVersion;
        var tally = state.DriftWindows.FirstOrDefault(window => window.Version == version && window.WindowEndMs == endMs);
        if (tally is null && state.DriftWindows.Count >= DriftWindowsKept && (endMs, version).CompareTo((state.DriftWindows[0].WindowEndMs, state.DriftWindows[0].Version)) < 0)
        {
            metrics.Skipped(options.ApplicationId, "late");
            return (state, null);
        }

        tally ??= new DriftTally(version, endMs, [], [], Decided: false);
        tally = tally with
        {
            Reported = tally.Reported.Contains(metric.Feature) ? tally.Reported : [.. tally.Reported, metric.Feature],
            Drifted = metric.Severity != DriftSeverity.Drift || tally.Drifted.Any(drifted => drifted.Feature == metric.Feature)
                ? tally.Drifted
                : [.. tally.Drifted, new DriftedFeature(metric.Feature, metric.Statistics)],
        };

        TriggerCandidate? candidate = null;
        if (!tally.Decided && tally.Drifted.Count >= options.Drift.MinDriftedFeatures)
        {
            candidate = DataDrift(model, metric.WindowEnd, tally);
            tally = tally with { Decided = true };
        }

        var windows = state.DriftWindows
            .Where(window => window.Version != version || window.WindowEndMs != endMs)
            .Append(tally)
            .OrderBy(window => window.WindowEndMs)
            .ThenBy(window => window.Version)
            .TakeLast(DriftWindowsKept);
        return (state with { DriftWindows = [.. windows] }, candidate);
    }

    private TriggerCandidate DataDrift(string model, DateTimeOffset windowEnd, DriftTally tally)
    {
        var evidence = tally.Drifted
            .SelectMany(drifted => drifted.Statistics.Select(statistic => KeyValuePair.Create($"{drifted.Feature}.{statistic.Key}", statistic.Value)))
            .ToDictionary();
        evidence["drifted_features"] = tally.Drifted.Count;
        evidence["reported_features"] = tally.Reported.Count;
        evidence["model_version"] = tally.Version;
        return new TriggerCandidate(
            TriggerKind.Drift,
            $"{model}:drift:{tally.Version}:{tally.WindowEndMs}",
            windowEnd,
            $"Drift in {tally.Drifted.Count} of the {tally.Reported.Count} features reported so far for the window of version {tally.Version} ending {Time(windowEnd)} "
            + $"({options.Drift.MinDriftedFeatures} needed): {string.Join(", ", tally.Drifted.Select(drifted => drifted.Feature))}.",
            evidence);
    }

    private static TriggerCandidate ConceptDrift(string model, DriftMetric metric, long changeMs)
    {
        var evidence = metric.Statistics.ToDictionary(statistic => $"{metric.Feature}.{statistic.Key}", statistic => statistic.Value);
        evidence["model_version"] = metric.ModelVersion;
        return new TriggerCandidate(
            TriggerKind.Drift,
            $"{model}:drift:{metric.ModelVersion}:{metric.Feature}:{changeMs}",
            metric.WindowEnd,
            $"Concept drift: {metric.Detector ?? "the change detector"} signalled a change in {metric.Feature} of version {metric.ModelVersion} at {Time(metric.WindowEnd)}.",
            evidence);
    }

    private (ModelTriggerState, TriggerCandidate?) OnPerformance(string model, ModelTriggerState state, PerformanceMetric metric)
    {
        var watched = options.Performance;
        if (!watched.Enabled || !metric.Metrics.TryGetValue(watched.Metric, out var value))
        {
            return (state, null);
        }

        if (metric.ExampleCount < watched.MinExamples)
        {
            metrics.Skipped(options.ApplicationId, "too_few_examples");
            return (state, null);
        }

        var endMs = metric.WindowEnd.ToUnixTimeMilliseconds();
        var baseline = state.Baselines.FirstOrDefault(known => known.Version == metric.ModelVersion);
        var next = baseline is not null
            ? state
            : state with { Baselines = [.. state.Baselines.Append(new VersionBaseline(metric.ModelVersion, value, endMs)).OrderBy(known => known.Version).TakeLast(BaselinesKept)] };
        var higherIsBetter = watched.EffectiveDirection == MetricDirection.HigherIsBetter;
        var id = $"{model}:performance:{metric.ModelVersion}:{endMs}";
        var window = $"{watched.Metric} of version {metric.ModelVersion} was {Number(value)} in the window ending {Time(metric.WindowEnd)} ({metric.ExampleCount} examples)";
        var evidence = new Dictionary<string, double>
        {
            [watched.Metric] = value,
            ["model_version"] = metric.ModelVersion,
            ["example_count"] = metric.ExampleCount,
        };

        if (watched.Threshold is { } threshold && (higherIsBetter ? value < threshold : value > threshold))
        {
            evidence[$"{watched.Metric}_threshold"] = threshold;
            return (next, new TriggerCandidate(TriggerKind.Performance, id, metric.WindowEnd, $"{window}, {(higherIsBetter ? "under" : "over")} the threshold {Number(threshold)}.", evidence));
        }

        if (baseline is { Value: not 0.0 } && watched.MaxRelativeDrop is { } maxDrop)
        {
            var drop = (higherIsBetter ? baseline.Value - value : value - baseline.Value) / Math.Abs(baseline.Value);
            if (drop > maxDrop)
            {
                evidence[$"{watched.Metric}_baseline"] = baseline.Value;
                evidence["relative_drop"] = drop;
                evidence["max_relative_drop"] = maxDrop;
                return (next, new TriggerCandidate(
                    TriggerKind.Performance,
                    id,
                    metric.WindowEnd,
                    $"{window}: {Number(100 * drop)}% worse than its baseline {Number(baseline.Value)} (its first window of at least {watched.MinExamples} examples, ending {Time(DateTimeOffset.FromUnixTimeMilliseconds(baseline.WindowEndMs))}); at most {Number(100 * maxDrop)}% allowed.",
                    evidence));
            }
        }

        return (next, null);
    }

    private (ModelTriggerState, TriggerCandidate?) OnLabeled(string model, ModelTriggerState state, DateTimeOffset labeledAt)
    {
        var next = state with { ExamplesSinceTrigger = state.ExamplesSinceTrigger + 1 };
        if (!options.Volume.Enabled || next.ExamplesSinceTrigger < options.Volume.Examples)
        {
            return (next, null);
        }

        return (next, new TriggerCandidate(
            TriggerKind.Volume,
            $"{model}:volume:{labeledAt.ToUnixTimeMilliseconds()}",
            labeledAt,
            $"{next.ExamplesSinceTrigger} new labeled examples of {model} since its last trigger ({options.Volume.Examples} needed).",
            new Dictionary<string, double> { ["labeled_examples"] = next.ExamplesSinceTrigger }));
    }

    /// <summary>The candidate fires unless the model is in its cooldown.</summary>
    private (ModelTriggerState, RetrainTrigger?) Decide(string model, ModelTriggerState state, TriggerCandidate candidate, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var atMs = candidate.At.ToUnixTimeMilliseconds();
        var scheduled = candidate.Kind == TriggerKind.Scheduled;
        // Without an earlier trigger the difference is null, and null < cooldown is false: no cooldown.
        var cooling = scheduled ? nowMs - state.LastTriggerWallClockMs < _cooldownMs : atMs - state.LastTriggerEventMs < _cooldownMs;
        if (cooling)
        {
            if (candidate.Kind != TriggerKind.Volume || state.ExamplesSinceTrigger == options.Volume.Examples)
            {
                metrics.Suppressed(model, candidate.Kind);
            }

            return (state, null);
        }

        var trigger = new RetrainTrigger
        {
            TriggerId = candidate.Id,
            ModelName = model,
            Kind = candidate.Kind,
            Timestamp = candidate.At,
            Reason = candidate.Reason,
            Evidence = candidate.Evidence,
            TrainingKind = options.TrainingKind,
            RequestedBy = options.ApplicationId,
        };
        return (state with { LastTriggerEventMs = scheduled ? state.LatestEventMs : atMs, LastTriggerWallClockMs = nowMs, ExamplesSinceTrigger = 0 }, trigger);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
