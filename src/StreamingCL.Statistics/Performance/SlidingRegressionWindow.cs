namespace StreamingCL.Statistics.Performance;

/// <summary>
/// The regression metrics of <see cref="RegressionMetrics"/> over the last <see cref="Capacity"/>
/// examples, updated in O(1) per example without allocating; the running sums are compensated, so
/// evictions leave no rounding residue to speak of. Not thread-safe.
/// </summary>
public sealed class SlidingRegressionWindow
{
    private readonly SlidingWindow<RegressionExample, RegressionMetrics> _window;

    /// <summary>Creates an empty window.</summary>
    /// <param name="capacity">Number of most recent examples the metrics cover.</param>
    public SlidingRegressionWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _window = new(capacity, new RegressionMetrics());
    }

    /// <summary>Maximum number of examples in the window.</summary>
    public int Capacity => _window.Capacity;

    /// <summary>Number of examples in the window.</summary>
    public int Count => _window.Count;

    /// <inheritdoc cref="RegressionMetrics.MeanAbsoluteError"/>
    public double MeanAbsoluteError => _window.Metrics.MeanAbsoluteError;

    /// <inheritdoc cref="RegressionMetrics.RootMeanSquaredError"/>
    public double RootMeanSquaredError => _window.Metrics.RootMeanSquaredError;

    /// <summary>Adds an example, evicting the oldest when the window is full.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The target or the prediction is not finite.</exception>
    public void Add(double target, double prediction) => _window.Add(new RegressionExample(target, prediction));

    /// <summary>Empties the window.</summary>
    public void Clear() => _window.Clear();
}
