using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Demo;

/// <summary>What the live view shows at one moment: a copy, taken under the observer's lock.</summary>
internal sealed record DemoSnapshot(
    double At,
    long Predictions,
    long Feedback,
    long LabeledExamples,
    long DeadLetters,
    IReadOnlyList<(int Version, ModelStage Stage, double Share)> Serving,
    IReadOnlyList<(string Feature, double Psi, DriftSeverity Severity)> Drift,
    DriftSeverity Concept,
    IReadOnlyList<(int Version, double Accuracy)> RecentAccuracy,
    IReadOnlyList<TriggerPoint> Triggers,
    IReadOnlyList<(int Version, ModelStage Stage, TrainingKind Kind, double? HoldoutAuc)> Versions)
{
    /// <summary>How far back the accuracy of the view looks.</summary>
    public const double RecentSeconds = 10;

    public static DemoSnapshot Of(DemoTimeline timeline, double at)
    {
        var production = timeline.ProductionAt(at);
        var stages = timeline.Versions.ToDictionary(pair => pair.Key, pair => pair.Value.Stage);
        var serving = timeline.SharesAt(at)
            .Where(share => share.Weight > 0)
            .Select(share => (share.Version, stages.GetValueOrDefault(share.Version, ModelStage.Candidate), share.Weight))
            .ToList();
        var drift = timeline.Drift
            .Where(point => point.Version == production && point.Kind == DriftKind.Data)
            .GroupBy(point => point.Feature)
            .Select(group => group.MaxBy(point => point.At)!)
            .OrderBy(point => point.Feature, StringComparer.Ordinal)
            .Select(point => (point.Feature, point.Psi, point.Severity))
            .ToList();
        var concept = timeline.Drift.LastOrDefault(point => point.Version == production && point.Kind == DriftKind.Concept)?.Severity ?? DriftSeverity.None;
        var recent = timeline.Outcomes
            .Where(outcome => outcome.At >= at - RecentSeconds && outcome.Version > 0)
            .GroupBy(outcome => outcome.Version)
            .OrderBy(group => group.Key)
            .Select(group => (group.Key, group.Count(outcome => outcome.Correct) / (double)group.Count()))
            .ToList();
        return new DemoSnapshot(
            at,
            timeline.Predictions,
            timeline.Feedback,
            timeline.LabeledExamples,
            timeline.DeadLetters,
            serving,
            drift,
            concept,
            recent,
            [.. timeline.Triggers.TakeLast(4)],
            [.. timeline.Versions.Values.Select(version => (version.Version, version.Stage, version.TrainingKind, version.HoldoutAuc))]);
    }
}
