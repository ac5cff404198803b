namespace StreamingCL.Statistics.Performance;

/// <summary>
/// Binary classification metrics accumulated in fixed memory, for tumbling windows: add the
/// window's predictions, read the metrics, <see cref="Clear"/>. Definitions follow scikit-learn.
/// </summary>
/// <remarks>
/// <para>Each example is the predicted probability p of the positive class and the actual label.
/// The predicted label is positive when p &gt;= the decision threshold (0.5 unless given).</para>
/// <list type="bullet">
/// <item><see cref="Accuracy"/>: share of correctly predicted labels (<c>accuracy_score</c>).</item>
/// <item><see cref="LogLoss"/>: mean of -ln p for positives and -ln(1 - p) for negatives, each
/// probability clipped to [ε, 1 - ε] with ε = 2^-52 = 2.220446049250313e-16, the float64 machine
/// epsilon, as scikit-learn's <c>log_loss</c> does since 1.2 (it used 1e-15 before).</item>
/// <item><see cref="BrierScore"/>: mean of (y - p)² (<c>brier_score_loss</c>).</item>
/// <item><see cref="ExpectedCalibrationError"/>: top-label ECE with equal-width bins, see
/// <see cref="CalibrationHistogram"/>.</item>
/// <item><see cref="RocAucEstimate"/>: ROC AUC from a histogram of the scores, within
/// <see cref="RocAucErrorBound"/> of the exact value (<c>roc_auc_score</c>).</item>
/// </list>
/// <para>Every metric is NaN while it is undefined: without examples, and for ROC AUC without both
/// classes (where scikit-learn raises). Adding costs O(1); reading ECE costs O(calibration bins)
/// and the AUC estimate O(ROC AUC bins). Not thread-safe.</para>
/// <para><see cref="Snapshot"/> and <see cref="Restore"/> turn the accumulator into plain data and
/// back, exactly, for state that must survive a restart (a stream processor's window).</para>
/// </remarks>
public sealed class ClassificationMetrics : IWindowMetrics<ScoredLabel>
{
    /// <summary>The clipping ε of the log loss: the float64 machine epsilon, 2^-52.</summary>
    public const double LogLossEpsilon = 2.220446049250313e-16;

    private readonly CalibrationHistogram _calibration;
    private readonly HistogramRocAuc _rocAuc;
    private long _correct;
    private CompensatedSum _logLossSum;
    private CompensatedSum _brierSum;

    /// <summary>Creates an empty accumulator.</summary>
    /// <param name="calibrationBins">Equal-width confidence bins of the expected calibration error.</param>
    /// <param name="rocAucBins">Equal-width score bins of the ROC AUC estimate; its error bound shrinks as they grow.</param>
    /// <param name="decisionThreshold">
    /// The predicted label is positive when p &gt;= this, for <see cref="Accuracy"/>. Calibration is
    /// about the probabilities themselves, so the ECE keeps the top label (p &gt;= 0.5) whatever it is.
    /// </param>
    public ClassificationMetrics(int calibrationBins = 10, int rocAucBins = 1000, double decisionThreshold = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(calibrationBins, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rocAucBins, 1);
        if (!(decisionThreshold is >= 0.0 and <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(decisionThreshold), decisionThreshold, "A decision threshold must be in [0, 1].");
        }

        _calibration = new CalibrationHistogram(calibrationBins);
        _rocAuc = new HistogramRocAuc(rocAucBins);
        DecisionThreshold = decisionThreshold;
    }

    private ClassificationMetrics(ClassificationMetricsSnapshot snapshot)
    {
        if (!(snapshot.DecisionThreshold is >= 0.0 and <= 1.0))
        {
            throw new ArgumentException($"The snapshot's decision threshold {snapshot.DecisionThreshold} is not in [0, 1].", nameof(snapshot));
        }

        _calibration = CalibrationHistogram.Restore(snapshot.Calibration);
        _rocAuc = HistogramRocAuc.Restore(snapshot.RocAuc);
        DecisionThreshold = snapshot.DecisionThreshold;
        _correct = snapshot.Correct;
        _logLossSum = new CompensatedSum(snapshot.LogLossSum);
        _brierSum = new CompensatedSum(snapshot.BrierSum);
    }

    /// <summary>The predicted label is positive when p &gt;= this (see <see cref="Accuracy"/>).</summary>
    public double DecisionThreshold { get; }

    /// <summary>Number of examples added since creation or the last <see cref="Clear"/>.</summary>
    public long Count => _rocAuc.PositiveCount + _rocAuc.NegativeCount;

    /// <summary>Share of examples whose predicted label (p &gt;= <see cref="DecisionThreshold"/>) is the actual one.</summary>
    public double Accuracy => Mean(_correct);

    /// <summary>Mean cross-entropy with probabilities clipped to [<see cref="LogLossEpsilon"/>, 1 - <see cref="LogLossEpsilon"/>].</summary>
    public double LogLoss => Mean(_logLossSum.Value);

    /// <summary>Mean squared difference between the label (0 or 1) and the probability.</summary>
    public double BrierScore => Mean(_brierSum.Value);

    /// <summary>Top-label expected calibration error over equal-width bins.</summary>
    public double ExpectedCalibrationError => _calibration.ExpectedCalibrationError(Count);

    /// <summary>ROC AUC estimated from the score histogram, ties counting 1/2.</summary>
    public double RocAucEstimate => _rocAuc.Value;

    /// <summary>Largest possible distance between <see cref="RocAucEstimate"/> and the exact ROC AUC.</summary>
    public double RocAucErrorBound => _rocAuc.ErrorBound;

    /// <summary>
    /// The log loss of one example: -ln p for a positive, -ln(1 - p) for a negative, p clipped to
    /// [<see cref="LogLossEpsilon"/>, 1 - <see cref="LogLossEpsilon"/>]; <see cref="LogLoss"/> is its mean.
    /// </summary>
    /// <param name="probability">Predicted probability of the positive class, in [0, 1].</param>
    /// <param name="label">Whether the example is actually positive.</param>
    public static double ExampleLogLoss(double probability, bool label) =>
        -Math.Log(Math.Clamp(label ? probability : 1 - probability, LogLossEpsilon, 1 - LogLossEpsilon));

    /// <summary>Adds one prediction.</summary>
    /// <param name="probability">Predicted probability of the positive class, in [0, 1].</param>
    /// <param name="label">Whether the example is actually positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is NaN or outside [0, 1].</exception>
    public void Add(double probability, bool label)
    {
        if (!(probability is >= 0.0 and <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability must be in [0, 1].");
        }

        Accumulate(probability, label, 1);
    }

    /// <summary>An accumulator in the state of <paramref name="snapshot"/>: adding to it gives exactly what adding to the original would have.</summary>
    /// <exception cref="ArgumentException">The snapshot is inconsistent (bins of different lengths, a threshold outside [0, 1]).</exception>
    public static ClassificationMetrics Restore(ClassificationMetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new ClassificationMetrics(snapshot);
    }

    /// <summary>The whole state as plain data; see <see cref="Restore"/>.</summary>
    public ClassificationMetricsSnapshot Snapshot() =>
        new(DecisionThreshold, _correct, _logLossSum.Snapshot(), _brierSum.Snapshot(), _calibration.Snapshot(), _rocAuc.Snapshot());

    /// <summary>Forgets every example.</summary>
    public void Clear()
    {
        _calibration.Clear();
        _rocAuc.Clear();
        _correct = 0;
        _logLossSum = default;
        _brierSum = default;
    }

    void IWindowMetrics<ScoredLabel>.Add(ScoredLabel example) => Add(example.Probability, example.Label);

    void IWindowMetrics<ScoredLabel>.Remove(ScoredLabel example) => Accumulate(example.Probability, example.Label, -1);

    private void Accumulate(double probability, bool label, int weight)
    {
        var topLabelPositive = probability >= 0.5;
        var error = (label ? 1.0 : 0.0) - probability;

        _correct += (probability >= DecisionThreshold) == label ? weight : 0;
        _logLossSum.Add(weight * ExampleLogLoss(probability, label));
        _brierSum.Add(weight * error * error);
        _calibration.Add(topLabelPositive ? probability : 1 - probability, topLabelPositive == label, weight);
        _rocAuc.Add(probability, label, weight);
    }

    // A sum of non-negative terms can still end a hair below zero once removals have cancelled it.
    private double Mean(double sum) => Count == 0 ? double.NaN : Math.Max(sum, 0.0) / Count;
}

/// <summary>A predicted probability of the positive class and the actual label.</summary>
internal readonly record struct ScoredLabel(double Probability, bool Label);
