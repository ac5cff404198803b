namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>Which changes of the mean <see cref="PageHinkley"/> reports.</summary>
public enum PageHinkleyMode
{
    /// <summary>Increases of the mean (River's <c>"up"</c>).</summary>
    Up,

    /// <summary>Decreases of the mean (River's <c>"down"</c>).</summary>
    Down,

    /// <summary>Increases and decreases (River's <c>"both"</c>, the default).</summary>
    Both,
}

/// <summary>
/// Page-Hinkley test (Page 1954): cumulative sums of the deviations from the running mean, with a
/// forgetting factor, compared with their running extremes. Port of River's
/// <c>drift.PageHinkley</c>, including its <c>mode</c>; no warning zone.
/// </summary>
public sealed class PageHinkley : IChangeDetector
{
    private readonly int _minInstances;
    private readonly double _delta;
    private readonly double _threshold;
    private readonly double _alpha;
    private readonly PageHinkleyMode _mode;

    private RunningMean _mean;
    private double _sumIncrease;
    private double _sumDecrease;
    private double _minIncrease;
    private double _maxDecrease;

    /// <summary>Creates a Page-Hinkley detector; parameters and defaults are River's.</summary>
    /// <param name="minInstances">Values seen before a change can be reported.</param>
    /// <param name="delta">Tolerated magnitude of change, non-negative (a negative one would alarm on a constant stream).</param>
    /// <param name="threshold">Detection threshold (lambda).</param>
    /// <param name="alpha">Forgetting factor of the cumulative sums, in (0, 1].</param>
    /// <param name="mode">Which direction of change to report.</param>
    public PageHinkley(int minInstances = 30, double delta = 0.005, double threshold = 50.0, double alpha = 1 - 0.0001, PageHinkleyMode mode = PageHinkleyMode.Both)
    {
        ParameterGuard.AtLeast(minInstances, 0, nameof(minInstances));
        ParameterGuard.NonNegative(delta, nameof(delta));
        ParameterGuard.Positive(threshold, nameof(threshold));
        ParameterGuard.InUnitInterval(alpha, nameof(alpha), includeZero: false);
        if (!Enum.IsDefined(mode))
        {
            throw ParameterGuard.OutOfRange(mode, nameof(mode), "must be up, down or both");
        }

        _minInstances = minInstances;
        _delta = delta;
        _threshold = threshold;
        _alpha = alpha;
        _mode = mode;
        Reset();
    }

    /// <inheritdoc />
    public bool DriftDetected { get; private set; }

    /// <inheritdoc />
    /// <remarks>Page-Hinkley has no warning zone.</remarks>
    public bool WarningDetected => false;

    /// <inheritdoc />
    public void Update(double x)
    {
        DetectorInput.RequireFinite(x);
        if (DriftDetected)
        {
            Reset();
        }

        _mean.Update(x);
        var deviation = x - _mean.Value;
        _sumIncrease = _alpha * _sumIncrease + deviation - _delta;
        _sumDecrease = _alpha * _sumDecrease + deviation + _delta;
        _minIncrease = Math.Min(_minIncrease, _sumIncrease);
        _maxDecrease = Math.Max(_maxDecrease, _sumDecrease);

        if (_mean.Count >= _minInstances)
        {
            var increase = _sumIncrease - _minIncrease > _threshold;
            var decrease = _maxDecrease - _sumDecrease > _threshold;
            DriftDetected = _mode switch
            {
                PageHinkleyMode.Up => increase,
                PageHinkleyMode.Down => decrease,
                _ => increase || decrease,
            };
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        _mean = default;
        _sumIncrease = 0.0;
        _sumDecrease = 0.0;
        _minIncrease = double.PositiveInfinity;
        // River starts the running maximum at -1, not at -infinity; kept for identical detections.
        _maxDecrease = -1.0;
        DriftDetected = false;
    }
}
