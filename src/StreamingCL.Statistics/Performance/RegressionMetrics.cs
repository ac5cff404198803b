namespace StreamingCL.Statistics.Performance;

/// <summary>
/// Regression metrics accumulated in fixed memory, for tumbling windows: mean absolute error and
/// root mean squared error, as scikit-learn's <c>mean_absolute_error</c> and
/// <c>root_mean_squared_error</c>. NaN without examples. Not thread-safe. <see cref="Snapshot"/>
/// and <see cref="Restore"/> turn it into plain data and back, exactly.
/// </summary>
public sealed class RegressionMetrics : IWindowMetrics<RegressionExample>
{
    private long _count;
    private CompensatedSum _absoluteErrorSum;
    private CompensatedSum _squaredErrorSum;

    /// <summary>An accumulator in the state of <paramref name="snapshot"/>: adding to it gives exactly what adding to the original would have.</summary>
    public static RegressionMetrics Restore(RegressionMetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new RegressionMetrics
        {
            _count = snapshot.Count,
            _absoluteErrorSum = new CompensatedSum(snapshot.AbsoluteErrorSum),
            _squaredErrorSum = new CompensatedSum(snapshot.SquaredErrorSum),
        };
    }

    /// <summary>The whole state as plain data; see <see cref="Restore"/>.</summary>
    public RegressionMetricsSnapshot Snapshot() => new(_count, _absoluteErrorSum.Snapshot(), _squaredErrorSum.Snapshot());

    /// <summary>Number of examples added since creation or the last <see cref="Clear"/>.</summary>
    public long Count => _count;

    /// <summary>Mean of |target - prediction|.</summary>
    public double MeanAbsoluteError => Mean(_absoluteErrorSum.Value);

    /// <summary>Square root of the mean of (target - prediction)².</summary>
    public double RootMeanSquaredError => Math.Sqrt(Mean(_squaredErrorSum.Value));

    /// <summary>Adds one example.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The target or the prediction is not finite.</exception>
    public void Add(double target, double prediction)
    {
        if (!double.IsFinite(target))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "Regression metrics need finite values.");
        }

        if (!double.IsFinite(prediction))
        {
            throw new ArgumentOutOfRangeException(nameof(prediction), prediction, "Regression metrics need finite values.");
        }

        Accumulate(target, prediction, 1);
    }

    /// <summary>Forgets every example.</summary>
    public void Clear()
    {
        _count = 0;
        _absoluteErrorSum = default;
        _squaredErrorSum = default;
    }

    void IWindowMetrics<RegressionExample>.Add(RegressionExample example) => Add(example.Target, example.Prediction);

    void IWindowMetrics<RegressionExample>.Remove(RegressionExample example) => Accumulate(example.Target, example.Prediction, -1);

    private void Accumulate(double target, double prediction, int weight)
    {
        var error = target - prediction;
        _count += weight;
        _absoluteErrorSum.Add(weight * Math.Abs(error));
        _squaredErrorSum.Add(weight * error * error);
    }

    // A sum of non-negative terms can still end a hair below zero once removals have cancelled it.
    private double Mean(double sum) => _count == 0 ? double.NaN : Math.Max(sum, 0.0) / _count;
}

/// <summary>A regression target and the model's prediction of it.</summary>
internal readonly record struct RegressionExample(double Target, double Prediction);
