namespace StreamingCL.Statistics.Performance;

/// <summary>A compensated running sum as plain data: the sum and the low-order bits kept aside.</summary>
/// <param name="Sum">The running sum.</param>
/// <param name="Compensation">The rounding error carried so far.</param>
public readonly record struct CompensatedSumSnapshot(double Sum, double Compensation);

/// <summary>
/// Everything a <see cref="ClassificationMetrics"/> holds, as plain data a stream processor can keep
/// in a state store (e.g. as JSON): <see cref="ClassificationMetrics.Restore"/> gives back an
/// accumulator that goes on bit for bit as the original would have, so a window survives a restart
/// without the processor knowing how the metrics are computed.
/// </summary>
/// <param name="DecisionThreshold">The accumulator's decision threshold.</param>
/// <param name="Correct">Examples whose predicted label (at the threshold) was right.</param>
/// <param name="LogLossSum">Sum of the clipped cross-entropies.</param>
/// <param name="BrierSum">Sum of the squared errors.</param>
/// <param name="Calibration">The calibration histogram.</param>
/// <param name="RocAuc">The score histogram of the ROC AUC estimate.</param>
public sealed record ClassificationMetricsSnapshot(
    double DecisionThreshold,
    long Correct,
    CompensatedSumSnapshot LogLossSum,
    CompensatedSumSnapshot BrierSum,
    CalibrationSnapshot Calibration,
    RocAucSnapshot RocAuc);

/// <summary>The calibration histogram of a <see cref="ClassificationMetricsSnapshot"/>, one entry per bin.</summary>
/// <param name="Counts">Predictions per confidence bin.</param>
/// <param name="Correct">Predictions whose top label was right, per bin.</param>
/// <param name="ConfidenceSums">Sum of the confidences, per bin.</param>
public sealed record CalibrationSnapshot(IReadOnlyList<long> Counts, IReadOnlyList<long> Correct, IReadOnlyList<CompensatedSumSnapshot> ConfidenceSums);

/// <summary>The score histogram of a <see cref="ClassificationMetricsSnapshot"/>, one entry per bin.</summary>
/// <param name="Positives">Positive examples per score bin.</param>
/// <param name="Negatives">Negative examples per score bin.</param>
public sealed record RocAucSnapshot(IReadOnlyList<long> Positives, IReadOnlyList<long> Negatives);

/// <summary>Everything a <see cref="RegressionMetrics"/> holds, as plain data (see <see cref="ClassificationMetricsSnapshot"/>).</summary>
/// <param name="Count">Examples added.</param>
/// <param name="AbsoluteErrorSum">Sum of the absolute errors.</param>
/// <param name="SquaredErrorSum">Sum of the squared errors.</param>
public sealed record RegressionMetricsSnapshot(long Count, CompensatedSumSnapshot AbsoluteErrorSum, CompensatedSumSnapshot SquaredErrorSum);
