using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors.Triggers;

/// <summary>
/// One piece of evidence about a model, merged from the three input topics into one stream keyed by
/// model (exactly one member is set). A labeled example is reduced to when it was labeled: volume
/// is all the triggers need of it.
/// </summary>
/// <param name="Drift">A drift metric.</param>
/// <param name="Performance">A performance metric.</param>
/// <param name="LabeledAt">When a served example was labeled.</param>
internal sealed record TriggerInput(DriftMetric? Drift, PerformanceMetric? Performance, DateTimeOffset? LabeledAt)
{
    /// <summary>The evidence's event time: a window's end, or when the example was labeled.</summary>
    public DateTimeOffset EventTime() => Drift?.WindowEnd ?? Performance?.WindowEnd ?? LabeledAt!.Value;
}

/// <summary>What the triggers remember about one model.</summary>
internal sealed record ModelTriggerState
{
    /// <summary>Event time of the last trigger's evidence (for a scheduled one, the latest event time then): starts the event-time cooldown.</summary>
    public long? LastTriggerEventMs { get; init; }

    /// <summary>Wall-clock time of the last trigger: starts the schedule's cooldown.</summary>
    public long? LastTriggerWallClockMs { get; init; }

    /// <summary>Latest event time of the model's evidence.</summary>
    public long LatestEventMs { get; init; } = long.MinValue;

    /// <summary>Served, labeled examples since the last trigger.</summary>
    public long ExamplesSinceTrigger { get; init; }

    /// <summary>Start of the last schedule interval handled (fired, suppressed, or current when the model was first seen).</summary>
    public long ScheduleBucketMs { get; init; }

    /// <summary>Drift reported for the latest windows of the model's versions, oldest first.</summary>
    public IReadOnlyList<DriftTally> DriftWindows { get; init; } = [];

    /// <summary>Baselines of the model's latest versions.</summary>
    public IReadOnlyList<VersionBaseline> Baselines { get; init; } = [];
}

/// <summary>The drift metrics reported for one window of a model version.</summary>
/// <param name="Version">The model version.</param>
/// <param name="WindowEndMs">End of the window, Unix ms.</param>
/// <param name="Reported">Features reported for the window (M).</param>
/// <param name="Drifted">Those at severity DRIFT, with their statistics.</param>
/// <param name="Decided">Whether the window already asked for a trigger (fired or suppressed): it asks once.</param>
internal sealed record DriftTally(int Version, long WindowEndMs, IReadOnlyList<string> Reported, IReadOnlyList<DriftedFeature> Drifted, bool Decided);

/// <summary>A feature at severity DRIFT.</summary>
/// <param name="Feature">The feature (or __score__).</param>
/// <param name="Statistics">Its drift statistics.</param>
internal sealed record DriftedFeature(string Feature, IReadOnlyDictionary<string, double> Statistics);

/// <summary>The watched metric of a version's first performance window.</summary>
/// <param name="Version">The model version.</param>
/// <param name="Value">The metric's value.</param>
/// <param name="WindowEndMs">End of that window, Unix ms.</param>
internal sealed record VersionBaseline(int Version, double Value, long WindowEndMs);

/// <summary>A trigger the evidence asks for, before the cooldown has its say.</summary>
/// <param name="Kind">Kind.</param>
/// <param name="Id">Deterministic id: model, kind and the evidence's window end or schedule bucket.</param>
/// <param name="At">Event time of the evidence (start of the schedule interval for a scheduled trigger).</param>
/// <param name="Reason">Human-readable explanation.</param>
/// <param name="Evidence">The values that caused it.</param>
internal sealed record TriggerCandidate(TriggerKind Kind, string Id, DateTimeOffset At, string Reason, IReadOnlyDictionary<string, double> Evidence);
