using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Performance;

namespace StreamingCL.Processors.Performance;

/// <summary>The open windows of one model version.</summary>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The version.</param>
/// <param name="Windows">Windows not yet closed, at most one per start and task.</param>
internal sealed record PerformanceState(string ModelName, int ModelVersion, IReadOnlyList<PerformanceWindow> Windows);

/// <summary>
/// One window's accumulator, as the statistics library's snapshot: exactly one of the two is set,
/// by the task the model had when the window opened.
/// </summary>
/// <param name="StartMs">Start of the window (inclusive), Unix ms.</param>
/// <param name="Classification">Binary classification metrics so far.</param>
/// <param name="Regression">Regression metrics so far.</param>
internal sealed record PerformanceWindow(long StartMs, ClassificationMetricsSnapshot? Classification, RegressionMetricsSnapshot? Regression)
{
    public ModelTask Task => Classification is null ? ModelTask.Regression : ModelTask.BinaryClassification;
}

/// <summary>The stream time of a task, kept so that windows published before a restart stay closed after it.</summary>
/// <param name="Ms">Largest record timestamp seen when windows were last closed, Unix ms.</param>
internal sealed record StreamTime(long Ms);
