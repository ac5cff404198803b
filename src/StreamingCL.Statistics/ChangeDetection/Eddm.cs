namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// EDDM, the Early Drift Detection Method (Baena-García et al. 2006), on a stream of errors (1) and
/// correct predictions (0): tracks the mean p' and standard deviation s' of the distance between
/// consecutive errors; with m the maximum of p' + 2s', it warns when (p' + 2s') / m &lt; alpha and
/// reports a change when it falls below beta. Port of River's <c>drift.binary.EDDM</c>.
/// </summary>
/// <remarks>As in River, the flags only move when an error arrives.</remarks>
public sealed class Eddm : IChangeDetector
{
    private readonly int _warmStart;
    private readonly double _alpha;
    private readonly double _beta;

    private RunningVariance _errorDistances;
    private long _count;
    private long _lastError;
    private long _errors;
    private double _maxSpread;

    /// <summary>Creates an EDDM detector; parameters and defaults are River's.</summary>
    /// <param name="warmStart">Values and errors seen before a warning or change can be reported.</param>
    /// <param name="alpha">Warning level, in (0, 1]; at least <paramref name="beta"/>.</param>
    /// <param name="beta">Change level, in (0, 1].</param>
    public Eddm(int warmStart = 30, double alpha = 0.95, double beta = 0.9)
    {
        ParameterGuard.AtLeast(warmStart, 0, nameof(warmStart));
        ParameterGuard.InUnitInterval(alpha, nameof(alpha), includeZero: false);
        ParameterGuard.InUnitInterval(beta, nameof(beta), includeZero: false);
        if (beta > alpha)
        {
            throw ParameterGuard.OutOfRange(beta, nameof(beta), "must not exceed alpha");
        }

        _warmStart = warmStart;
        _alpha = alpha;
        _beta = beta;
        Reset();
    }

    /// <inheritdoc />
    public bool DriftDetected { get; private set; }

    /// <inheritdoc />
    public bool WarningDetected { get; private set; }

    /// <inheritdoc />
    public void Update(double x)
    {
        var isError = DetectorInput.RequireBit(x);
        if (DriftDetected)
        {
            Reset();
        }

        _count++;
        if (!isError)
        {
            return;
        }

        _errors++;
        _errorDistances.Update(_count - _lastError);
        _lastError = _count;
        if (_count <= _warmStart)
        {
            return;
        }

        // River takes the root as `** 0.5` (libm pow), which can differ from sqrt in the last bit.
        var spread = _errorDistances.Mean + 2 * Math.Pow(_errorDistances.Value, 0.5);
        if (spread > _maxSpread)
        {
            _maxSpread = spread;
        }
        else if (_errors > _warmStart)
        {
            var level = spread / _maxSpread;
            if (level < _beta)
            {
                DriftDetected = true;
            }
            else
            {
                WarningDetected = level < _alpha;
            }
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        _errorDistances = default;
        _count = 0;
        _lastError = 0;
        _errors = 0;
        _maxSpread = -1.0;
        DriftDetected = false;
        WarningDetected = false;
    }
}
