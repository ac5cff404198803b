using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Demo;

/// <summary>
/// What the demo saw on the topics, on one time axis (seconds from the start): the source of the
/// live view, the summary and the report. Filled by <see cref="DemoObserver"/> only.
/// </summary>
internal sealed class DemoTimeline(DateTimeOffset start)
{
    public long Predictions { get; private set; }

    public long ShadowPredictions { get; private set; }

    public long Feedback { get; private set; }

    public long LabeledExamples { get; private set; }

    public long DeadLetters { get; private set; }

    /// <summary>Served (not shadow) labeled examples: when the prediction was made, by which version, whether its decision was right.</summary>
    public List<Outcome> Outcomes { get; } = [];

    public List<DriftPoint> Drift { get; } = [];

    /// <summary>When the first metric at severity DRIFT was read.</summary>
    public double? FirstDriftDetectedAt { get; private set; }

    public List<TriggerPoint> Triggers { get; } = [];

    public SortedDictionary<int, VersionHistory> Versions { get; } = [];

    public List<AllocationPoint> Allocations { get; } = [];

    public List<DeadLetter> RecentDeadLetters { get; } = [];

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
        if (!example.Shadow && example.Label is { } label)
        {
            Outcomes.Add(new Outcome(Seconds(example.PredictionTimestamp), example.ModelVersion, (example.Score >= decisionThreshold) == (label >= 0.5)));
        }
    }

    public void Add(DriftMetric metric, DateTimeOffset readAt)
    {
        Drift.Add(new DriftPoint(Seconds(metric.WindowEnd), metric.ModelVersion, metric.Feature, metric.Kind, metric.Statistics.GetValueOrDefault("psi", double.NaN), metric.Severity));
        if (metric.Severity == DriftSeverity.Drift)
        {
            FirstDriftDetectedAt ??= Seconds(readAt);
        }
    }

    /// <summary>A trigger, at when it was read (its own timestamp is its evidence's event time).</summary>
    public void Add(RetrainTrigger trigger, DateTimeOffset readAt) =>
        Triggers.Add(new TriggerPoint(Seconds(readAt), trigger.Kind, trigger.ModelName, trigger.TriggerId, trigger.Reason));

    public void Add(ModelVersion version)
    {
        if (!Versions.TryGetValue(version.Version, out var history))
        {
            Versions[version.Version] = history = new VersionHistory(version.Version, version.TrainingKind, Seconds(version.CreatedAt), version.TriggerId, version.Lineage.ExampleCount);
        }

        history.HoldoutAuc ??= version.HoldoutMetrics.TryGetValue("auc", out var auc) ? auc : null;
        history.Stages.Add((Seconds(version.UpdatedAt), version.Stage));
    }

    public void Add(TrafficAllocation allocation) =>
        Allocations.Add(new AllocationPoint(Seconds(allocation.Timestamp), [.. allocation.Arms.Where(arm => !arm.Shadow && arm.ModelVersion is not null).Select(arm => (arm.ModelVersion!.Value, arm.Weight))]));

    public void Add(DeadLetter letter)
    {
        DeadLetters++;
        RecentDeadLetters.Add(letter);
        if (RecentDeadLetters.Count > 5)
        {
            RecentDeadLetters.RemoveAt(0);
        }
    }

    /// <summary>The traffic share of each version at <paramref name="at"/>, from the latest allocation then.</summary>
    public IReadOnlyList<(int Version, double Weight)> SharesAt(double at) =>
        Allocations.LastOrDefault(allocation => allocation.At <= at)?.Shares ?? [];

    /// <summary>Share of right decisions among served outcomes from <paramref name="from"/> to <paramref name="to"/> (seconds) by the versions <paramref name="servedBy"/> accepts; null when there are none.</summary>
    public double? Accuracy(double from, double to, Func<int, bool> servedBy)
    {
        var (right, all) = (0, 0);
        foreach (var outcome in Outcomes)
        {
            if (outcome.At >= from && outcome.At < to && servedBy(outcome.Version))
            {
                all++;
                right += outcome.Correct ? 1 : 0;
            }
        }

        return all == 0 ? null : (double)right / all;
    }

    /// <summary>The version in production at <paramref name="at"/>, if any.</summary>
    public int? ProductionAt(double at) =>
        Versions.Values.Where(version => version.ReachedAt(ModelStage.Production) <= at).Select(version => (int?)version.Version).LastOrDefault();
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
