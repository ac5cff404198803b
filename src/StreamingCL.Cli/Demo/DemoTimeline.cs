using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Demo;

/// <summary>
/// What the demo saw on the topics, on one time axis (seconds from the start): the source of the
/// live view, the summary and the report. Filled by <see cref="DemoObserver"/> only. The processors
/// run at-least-once on the embedded broker, so a record read twice (a trigger, a labeled example)
/// counts once.
/// </summary>
internal sealed class DemoTimeline(DateTimeOffset start, string model)
{
    private readonly List<Outcome> _outcomes = [];
    private readonly HashSet<string> _labeled = new(StringComparer.Ordinal);
    private readonly List<DriftPoint> _drift = [];
    private readonly List<TriggerPoint> _triggers = [];
    private readonly HashSet<string> _triggerIds = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, VersionHistory> _versions = [];
    private readonly List<AllocationPoint> _allocations = [];

    public long Predictions { get; private set; }

    public long ShadowPredictions { get; private set; }

    public long Feedback { get; private set; }

    public long LabeledExamples { get; private set; }

    /// <summary>Labeled examples read again (the join reprocessing after a restart).</summary>
    public long DuplicateLabeledExamples { get; private set; }

    public long DeadLetters { get; private set; }

    /// <summary>Served (not shadow) labeled examples: when the prediction was made, by which version, whether its decision was right.</summary>
    public IReadOnlyList<Outcome> Outcomes => _outcomes;

    public IReadOnlyList<DriftPoint> Drift => _drift;

    /// <summary>When the first metric at severity DRIFT about a registered version (not the cold start) was read.</summary>
    public double? FirstDriftDetectedAt { get; private set; }

    public IReadOnlyList<TriggerPoint> Triggers => _triggers;

    public IReadOnlyDictionary<int, VersionHistory> Versions => _versions;

    public IReadOnlyList<AllocationPoint> Allocations => _allocations;

    public double Seconds(DateTimeOffset time) => (time - start).TotalSeconds;

    public void Add(Prediction prediction)
    {
        if (prediction.Shadow)
        {
            ShadowPredictions++;
        }
        else
        {
            Predictions++;
        }
    }

    public void Add(Feedback _) => Feedback++;

    public void Add(LabeledExample example, double decisionThreshold)
    {
        LabeledExamples++;
        if (example.Shadow || example.Label is not { } label)
        {
            return;
        }

        if (!_labeled.Add(example.PredictionId))
        {
            DuplicateLabeledExamples++;
            return;
        }

        _outcomes.Add(new Outcome(Seconds(example.PredictionTimestamp), example.ModelVersion, (example.Score >= decisionThreshold) == (label >= 0.5)));
    }

    public void Add(DriftMetric metric, DateTimeOffset readAt)
    {
        _drift.Add(new DriftPoint(Seconds(metric.WindowEnd), metric.ModelVersion, metric.Feature, metric.Kind, metric.Statistics.GetValueOrDefault("psi", double.NaN), metric.Severity));
        if (metric.Severity == DriftSeverity.Drift && metric.ModelVersion > 0)
        {
            FirstDriftDetectedAt ??= Seconds(readAt);
        }
    }

    /// <summary>A trigger, at when it was read (its own timestamp is its evidence's event time).</summary>
    public void Add(RetrainTrigger trigger, DateTimeOffset readAt)
    {
        if (_triggerIds.Add(trigger.TriggerId))
        {
            _triggers.Add(new TriggerPoint(Seconds(readAt), trigger.Kind, trigger.ModelName, trigger.TriggerId, trigger.Reason));
        }
    }

    public void Add(ModelVersion version)
    {
        if (version.ModelName != model)
        {
            return;
        }

        if (!_versions.TryGetValue(version.Version, out var history))
        {
            _versions[version.Version] = history = new VersionHistory(version.Version, version.TrainingKind, Seconds(version.CreatedAt), version.TriggerId, version.Lineage.ExampleCount);
        }

        history.HoldoutAuc ??= version.HoldoutMetrics.TryGetValue("auc", out var auc) ? auc : null;
        history.Stages.Add((Seconds(version.UpdatedAt), version.Stage));
    }

    public void Add(TrafficAllocation allocation)
    {
        if (allocation.Target == model)
        {
            _allocations.Add(new AllocationPoint(Seconds(allocation.Timestamp), [.. allocation.Arms.Where(arm => !arm.Shadow && arm.ModelVersion is not null).Select(arm => (arm.ModelVersion!.Value, arm.Weight))]));
        }
    }

    public void Add(DeadLetter _) => DeadLetters++;

    /// <summary>The traffic share of each version at <paramref name="at"/>, from the latest allocation then.</summary>
    public IReadOnlyList<(int Version, double Weight)> SharesAt(double at) =>
        _allocations.LastOrDefault(allocation => allocation.At <= at)?.Shares ?? [];

    /// <summary>Share of right decisions among served outcomes from <paramref name="from"/> to <paramref name="to"/> (seconds) by the versions <paramref name="servedBy"/> accepts, with how many there were.</summary>
    public (double? Accuracy, int Count) Accuracy(double from, double to, Func<int, bool> servedBy)
    {
        var (right, all) = (0, 0);
        foreach (var outcome in _outcomes)
        {
            if (outcome.At >= from && outcome.At < to && servedBy(outcome.Version))
            {
                all++;
                right += outcome.Correct ? 1 : 0;
            }
        }

        return (all == 0 ? null : (double)right / all, all);
    }

    /// <summary>The version in production at <paramref name="at"/>, if any.</summary>
    public int? ProductionAt(double at) =>
        _versions.Values.Where(version => version.StageAt(at) == ModelStage.Production).Select(version => (int?)version.Version).LastOrDefault();
}

internal sealed record Outcome(double At, int Version, bool Correct);

internal sealed record DriftPoint(double At, int Version, string Feature, DriftKind Kind, double Psi, DriftSeverity Severity);

internal sealed record TriggerPoint(double At, TriggerKind Kind, string Model, string Id, string Reason);

internal sealed record AllocationPoint(double At, IReadOnlyList<(int Version, double Weight)> Shares);

/// <summary>A version's life: its stages in order, with when each began.</summary>
internal sealed class VersionHistory(int version, TrainingKind trainingKind, double createdAt, string? triggerId, long lineageExamples)
{
    public int Version => version;

    public TrainingKind TrainingKind => trainingKind;

    public double CreatedAt => createdAt;

    public string? TriggerId => triggerId;

    /// <summary>Examples the version was trained on, by its lineage.</summary>
    public long LineageExamples => lineageExamples;

    public double? HoldoutAuc { get; set; }

    public List<(double At, ModelStage Stage)> Stages { get; } = [];

    public ModelStage Stage => Stages[^1].Stage;

    /// <summary>The stage at <paramref name="at"/>: the last change by then, or null before the version existed.</summary>
    public ModelStage? StageAt(double at)
    {
        ModelStage? stage = null;
        foreach (var change in Stages.TakeWhile(change => change.At <= at))
        {
            stage = change.Stage;
        }

        return stage;
    }

    /// <summary>When the version first reached <paramref name="stage"/>, if it did.</summary>
    public double? ReachedAt(ModelStage stage)
    {
        foreach (var (at, reached) in Stages)
        {
            if (reached == stage)
            {
                return at;
            }
        }

        return null;
    }
}
