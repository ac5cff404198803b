namespace StreamingCL.Statistics.Performance;

/// <summary>
/// The binary classification metrics of <see cref="ClassificationMetrics"/> over the last
/// <see cref="Capacity"/> predictions, plus the exact ROC AUC on demand.
/// </summary>
/// <remarks>
/// Adding a prediction evicts the oldest and updates the metrics in O(1), without allocating; the
/// running sums are compensated, so evictions leave no rounding residue to speak of. Not thread-safe.
/// </remarks>
public sealed class SlidingClassificationWindow
{
    private readonly SlidingWindow<ScoredLabel, ClassificationMetrics> _window;
    private readonly double[] _scratch;

    /// <summary>Creates an empty window.</summary>
    /// <param name="capacity">Number of most recent predictions the metrics cover.</param>
    /// <param name="calibrationBins">Equal-width confidence bins of the expected calibration error.</param>
    /// <param name="rocAucBins">Equal-width score bins of the ROC AUC estimate.</param>
    public SlidingClassificationWindow(int capacity, int calibrationBins = 10, int rocAucBins = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _window = new(capacity, new ClassificationMetrics(calibrationBins, rocAucBins));
        _scratch = new double[capacity];
    }

    /// <summary>Maximum number of predictions in the window.</summary>
    public int Capacity => _window.Capacity;

    /// <summary>Number of predictions in the window.</summary>
    public int Count => _window.Count;

    /// <inheritdoc cref="ClassificationMetrics.Accuracy"/>
    public double Accuracy => _window.Metrics.Accuracy;

    /// <inheritdoc cref="ClassificationMetrics.LogLoss"/>
    public double LogLoss => _window.Metrics.LogLoss;

    /// <inheritdoc cref="ClassificationMetrics.BrierScore"/>
    public double BrierScore => _window.Metrics.BrierScore;

    /// <inheritdoc cref="ClassificationMetrics.ExpectedCalibrationError"/>
    public double ExpectedCalibrationError => _window.Metrics.ExpectedCalibrationError;

    /// <inheritdoc cref="ClassificationMetrics.RocAucEstimate"/>
    public double RocAucEstimate => _window.Metrics.RocAucEstimate;

    /// <inheritdoc cref="ClassificationMetrics.RocAucErrorBound"/>
    public double RocAucErrorBound => _window.Metrics.RocAucErrorBound;

    /// <summary>Adds a prediction, evicting the oldest when the window is full.</summary>
    /// <param name="probability">Predicted probability of the positive class, in [0, 1].</param>
    /// <param name="label">Whether the example is actually positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is NaN or outside [0, 1].</exception>
    public void Add(double probability, bool label) => _window.Add(new ScoredLabel(probability, label));

    /// <summary>Empties the window.</summary>
    public void Clear() => _window.Clear();

    /// <summary>
    /// Exact ROC AUC of the window: the Mann-Whitney statistic with ties counting 1/2, as
    /// scikit-learn's <c>roc_auc_score</c>; NaN without both classes. Sorts a copy of the scores:
    /// O(n log n), no allocation.
    /// </summary>
    public double RocAuc()
    {
        // Positives fill the scratch array from the front, negatives from the back.
        int positives = 0, negatives = _scratch.Length;
        foreach (var prediction in _window.Examples)
        {
            if (prediction.Label)
            {
                _scratch[positives++] = prediction.Probability;
            }
            else
            {
                _scratch[--negatives] = prediction.Probability;
            }
        }

        return ExactRocAuc.Compute(_scratch.AsSpan(0, positives), _scratch.AsSpan(negatives));
    }
}
