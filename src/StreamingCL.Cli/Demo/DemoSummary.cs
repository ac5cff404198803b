using StreamingCL.Cli.Simulation;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Demo;

/// <summary>
/// The outcome of a demo run (written by --summary as JSON): what was produced and read, when the
/// drift was injected and detected, the triggers and versions, and accuracy in the three phases of
/// the loop. Times are seconds from the start.
/// </summary>
internal sealed record DemoSummary(
    double DurationSeconds,
    int Seed,
    EventTotals Events,
    SimulatedTotals Simulated,
    double DriftInjectedAt,
    double? FirstDriftDetectedAt,
    IReadOnlyList<TriggerSummary> Triggers,
    IReadOnlyList<VersionSummary> Versions,
    AccuracySummary Accuracy,
    Percentiles TriggerToPublishMs,
    bool Accounted,
    bool LoopClosed)
{
    /// <summary>Outcomes a phase needs before its accuracy can close the loop.</summary>
    public const int MinPhaseOutcomes = 200;

    /// <summary>
    /// Phases: before the drift, the version in production then; after the drift until a version
    /// trained after it serves traffic, that same version; after the first such version replaces it
    /// in production, every version from it on. None when no version was in production at the drift.
    /// The drift begins when the app served its first request of the new trend.
    /// </summary>
    public static DemoSummary From(DemoTimeline timeline, SimulationCounters simulated, SimulationOptions simulation, double duration, long unreadable)
    {
        var driftAt = simulated.DriftStartedAt is { } served ? timeline.Seconds(served) : simulation.DriftAt.TotalSeconds;
        var before = timeline.ProductionAt(driftAt);
        var versions = timeline.Versions.Values.Where(version => version.Version > before && version.CreatedAt >= driftAt).ToList();
        var update = versions.FirstOrDefault(version => version.ReachedAt(ModelStage.Canary) is not null || version.ReachedAt(ModelStage.Production) is not null);
        var updateServes = update is null ? double.PositiveInfinity : Math.Min(update.ReachedAt(ModelStage.Canary) ?? double.PositiveInfinity, update.ReachedAt(ModelStage.Production) ?? double.PositiveInfinity);
        var promoted = versions.FirstOrDefault(version => version.ReachedAt(ModelStage.Production) is not null);
        var (beforeDrift, _) = before is { } first ? timeline.Accuracy(timeline.Versions[first].ReachedAt(ModelStage.Production)!.Value, driftAt, version => version == first) : (null, 0);
        var (afterDrift, afterDriftCount) = before is { } stale ? timeline.Accuracy(driftAt, updateServes, version => version == stale) : (null, 0);
        var (afterPromotion, afterPromotionCount) = promoted is null ? (null, 0) : timeline.Accuracy(promoted.ReachedAt(ModelStage.Production)!.Value, double.PositiveInfinity, version => version >= promoted.Version);
        var accuracy = new AccuracySummary(beforeDrift, afterDrift, afterPromotion);

        var triggerTimes = timeline.Triggers.ToDictionary(trigger => trigger.Id, trigger => trigger.At);
        // Read times: the observer may read a trigger after the version it caused, when it is behind.
        var latencies = timeline.Versions.Values
            .Where(version => version.TriggerId is { } id && triggerTimes.ContainsKey(id))
            .Select(version => Math.Max(0, 1000 * (version.CreatedAt - triggerTimes[version.TriggerId!])))
            .Order()
            .ToList();

        var events = new EventTotals(timeline.Predictions, timeline.ShadowPredictions, timeline.Feedback, timeline.LabeledExamples, timeline.DuplicateLabeledExamples, timeline.DeadLetters, unreadable);
        var accounted = events.Predictions == simulated.Predictions
            && events.ShadowPredictions == simulated.ShadowPredictions
            && events.Feedback == simulated.Feedback
            && timeline.Outcomes.Count == simulated.Feedback
            && events.DeadLetters == 0
            && unreadable == 0;
        var loopClosed = timeline.FirstDriftDetectedAt >= driftAt
            && afterDriftCount >= MinPhaseOutcomes
            && afterPromotionCount >= MinPhaseOutcomes
            && afterPromotion > afterDrift;
        return new DemoSummary(
            duration,
            simulation.Seed,
            events,
            new SimulatedTotals(simulated.Predictions, simulated.ColdStartPredictions, simulated.ShadowPredictions, simulated.Feedback, simulated.LostFeedback),
            driftAt,
            timeline.FirstDriftDetectedAt,
            [.. timeline.Triggers.Select(trigger => new TriggerSummary(trigger.Kind, trigger.At, trigger.Model, trigger.Reason))],
            [.. timeline.Versions.Values.Select(version => new VersionSummary(
                version.Version,
                version.Stage,
                version.TrainingKind,
                version.TriggerId,
                version.LineageExamples,
                version.HoldoutAuc,
                version.CreatedAt,
                version.ReachedAt(ModelStage.Canary),
                version.ReachedAt(ModelStage.Production)))],
            accuracy,
            new Percentiles(Percentile(latencies, 0.5), Percentile(latencies, 0.95)),
            accounted,
            loopClosed);
    }

    private static double? Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>Records read from the topics; duplicates were read again (at-least-once processing), unreadable ones did not decode.</summary>
internal sealed record EventTotals(long Predictions, long ShadowPredictions, long Feedback, long LabeledExamples, long DuplicateLabeledExamples, long DeadLetters, long Unreadable);

/// <summary>What the simulated serving app sent (cold-start predictions were served by popularity, before the first version).</summary>
internal sealed record SimulatedTotals(long Predictions, long ColdStartPredictions, long ShadowPredictions, long Feedback, long LostFeedback);

internal sealed record TriggerSummary(TriggerKind Kind, double At, string Model, string Reason);

internal sealed record VersionSummary(
    int Version,
    ModelStage Stage,
    TrainingKind TrainingKind,
    string? TriggerId,
    long LineageExamples,
    double? HoldoutAuc,
    double CreatedAt,
    double? CanaryAt,
    double? ProductionAt);

internal sealed record AccuracySummary(double? BeforeDrift, double? AfterDriftBeforeUpdate, double? AfterPromotion);

internal sealed record Percentiles(double? P50, double? P95);
