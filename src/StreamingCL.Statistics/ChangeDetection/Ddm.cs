namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// DDM, the Drift Detection Method (Gama et al. 2004), on a stream of errors (1) and correct
/// predictions (0): with p the error rate and s = sqrt(p (1 - p) / n), it warns when
/// p + s &gt; p_min + warning_threshold · s_min and reports a change when
/// p + s &gt; p_min + drift_threshold · s_min, (p_min, s_min) being taken where p + s was lowest.
/// Port of River's <c>drift.binary.DDM</c>.
/// </summary>
public sealed class Ddm : IChangeDetector
{
    private readonly int _warmStart;
    private readonly double _warningThreshold;
    private readonly double _driftThreshold;

    private RunningMean _errorRate;
    private double _pMin;
    private double _sMin;
    private double _psMin;

    /// <summary>Creates a DDM detector; parameters and defaults are River's.</summary>
    /// <param name="warmStart">Values seen before a warning or change can be reported.</param>
    /// <param name="warningThreshold">Standard deviations above the minimum that raise a warning.</param>
    /// <param name="driftThreshold">Standard deviations above the minimum that report a change.</param>
    public Ddm(int warmStart = 30, double warningThreshold = 2.0, double driftThreshold = 3.0)
    {
        ParameterGuard.AtLeast(warmStart, 0, nameof(warmStart));
        ParameterGuard.Positive(warningThreshold, nameof(warningThreshold));
        ParameterGuard.Positive(driftThreshold, nameof(driftThreshold));

        _warmStart = warmStart;
        _warningThreshold = warningThreshold;
        _driftThreshold = driftThreshold;
        Reset();
    }

    /// <inheritdoc />
    public bool DriftDetected { get; private set; }

    /// <inheritdoc />
    public bool WarningDetected { get; private set; }

    /// <inheritdoc />
    public void Update(double x)
    {
        DetectorInput.RequireBit(x);
        if (DriftDetected)
        {
            Reset();
        }

        _errorRate.Update(x);
        var p = _errorRate.Value;
        var n = _errorRate.Count;
        var s = Math.Sqrt(p * (1 - p) / n);

        if (n <= _warmStart)
        {
            return;
        }

        if (p + s <= _psMin)
        {
            _pMin = p;
            _sMin = s;
            _psMin = _pMin + _sMin;
        }

        WarningDetected = p + s > _pMin + _warningThreshold * _sMin;
        if (p + s > _pMin + _driftThreshold * _sMin)
        {
            DriftDetected = true;
            WarningDetected = false;
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        _errorRate = default;
        _pMin = double.PositiveInfinity;
        _sMin = double.PositiveInfinity;
        _psMin = double.PositiveInfinity;
        DriftDetected = false;
        WarningDetected = false;
    }
}
