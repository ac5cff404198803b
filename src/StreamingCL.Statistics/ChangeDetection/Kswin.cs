using StreamingCL.Statistics.Drift;

namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// KSWIN (Kolmogorov-Smirnov WINdowing, Raab, Heusinger and Schleif 2020): keeps a sliding window
/// of the last <c>window_size</c> values and, once it is full, compares on every update the most
/// recent <c>stat_size</c> values with <c>stat_size</c> values drawn uniformly without replacement
/// from the older part of the window, by a two-sample Kolmogorov-Smirnov test. Port of River's
/// <c>drift.KSWIN</c> (newest version); no warning zone.
/// </summary>
/// <remarks>
/// <para>
/// As in River: the test is scipy's <c>ks_2samp</c> with <c>method="auto"</c> (exact for samples
/// of at most 10 000 values, with scipy's asymptotic fallback; see <see cref="KolmogorovSmirnov"/>),
/// a change is reported when <c>p_value &lt;= alpha</c> and the statistic exceeds 0.1, the window
/// then keeps only its most recent <c>stat_size</c> values, and the update after a change starts
/// afresh (River's <c>_reset</c>): window emptied, generator reseeded, <see cref="PValue"/> back to 0.
/// So, in River as here, the kept values are only visible until that next update, and every
/// detection after the first needs <c>window_size</c> new values. River's docstring states the
/// criterion as D &gt; sqrt(-ln(alpha) / r); its code, ported here, uses the p-value.
/// </para>
/// <para>
/// Each test has a false-alarm probability of at most <c>alpha</c> (0.0025 for the defaults: the
/// exact test is discrete) and one runs on every update, so a long stationary stream does raise false
/// alarms: with the defaults, about one per 650 to 800 updates of continuous noise, in River as here.
/// </para>
/// <para>
/// Differences from River: the draw from the older part uses this library's seeded xoshiro256**
/// generator rather than CPython's <c>random.Random(seed).sample</c>, so the same seed draws
/// different positions and the detection indices can differ from River's by the chance of the draw
/// (they are identical when <c>window_size = 2 stat_size</c>, where the draw takes the whole older
/// part). River's optional initial <c>window</c> is not offered: it does not fit a constructor that
/// configuration can call, and feeding the values through <see cref="Update"/> is not equivalent
/// (it tests as it goes). River accepts <c>stat_size &lt;= window_size &lt; 2 stat_size</c> and then
/// fails on the first full window; here such sizes are refused at construction. Non-finite values
/// are refused, as by every detector here.
/// </para>
/// <para>
/// Cost: once the window is full an update draws, sorts and merges two samples of <c>stat_size</c>
/// values, O(stat_size log stat_size). The statistic of two samples of that size is a multiple of
/// 1 / stat_size, so the constructor computes the p-value of each of the stat_size + 1 possible
/// values, in O(stat_size²) time, and the tests look them up. Buffers are allocated at construction
/// and updates allocate nothing.
/// </para>
/// </remarks>
public sealed class Kswin : IChangeDetector
{
    // River reports a change only if the statistic also exceeds this fixed floor.
    private const double MinimumStatistic = 0.1;

    private readonly double _alpha;
    private readonly int _windowSize;
    private readonly int _statSize;
    private readonly int? _seed;
    private readonly RandomSource _random = new(0);

    // Ring buffer: the window's oldest value is at _start, the newest at _start + _count - 1 (mod _windowSize).
    private readonly double[] _window;
    private int _start;
    private int _count;

    // A permutation of the older part's positions. Each draw is a partial Fisher-Yates shuffle of its
    // first stat_size entries, which picks a uniform subset whatever order the last draw left; Reset
    // restores the identity so that a seeded detector repeats its draws.
    private readonly int[] _olderPositions;
    private readonly double[] _reference;
    private readonly double[] _recent;

    // P-value of the statistic h / stat_size, the only values D takes for two samples of stat_size.
    private readonly double[] _pValues;

    /// <summary>Creates a KSWIN detector; parameters and defaults are River's.</summary>
    /// <param name="alpha">
    /// Significance level of each Kolmogorov-Smirnov test, in [0, 1] as River accepts (0 never
    /// reports a change, 1 reports one whenever the statistic exceeds 0.1); River advises below 0.01.
    /// </param>
    /// <param name="windowSize">Length of the sliding window; at least twice <paramref name="statSize"/>.</param>
    /// <param name="statSize">Size of each of the two samples compared, at least 1.</param>
    /// <param name="seed">
    /// Seed of the draws from the older part of the window, for reproducible detections; null (River's
    /// <c>None</c>) seeds from the shared generator at construction and after every change.
    /// </param>
    public Kswin(double alpha = 0.005, int windowSize = 100, int statSize = 30, int? seed = null)
    {
        ParameterGuard.InUnitInterval(alpha, nameof(alpha), includeZero: true);
        ParameterGuard.AtLeast(statSize, 1, nameof(statSize));
        if (windowSize < 2L * statSize)
        {
            // River's own check (window_size >= stat_size) lets through sizes whose draw of stat_size
            // distinct positions among the window_size - stat_size older ones fails later.
            throw ParameterGuard.OutOfRange(windowSize, nameof(windowSize), $"must be at least twice stat_size ({2L * statSize})");
        }

        _alpha = alpha;
        _windowSize = windowSize;
        _statSize = statSize;
        _seed = seed;
        _window = new double[windowSize];
        _olderPositions = new int[windowSize - statSize];
        _reference = new double[statSize];
        _recent = new double[statSize];
        _pValues = new double[statSize + 1];
        for (var h = 0; h <= statSize; h++)
        {
            // Computed once here: scipy's asymptotic fallback, taken near p = 1, may allocate.
            _pValues[h] = KolmogorovSmirnov.FromStatistic(h, statSize, statSize, statSize, KolmogorovSmirnovMethod.Auto).PValue;
        }

        Reset();
    }

    /// <inheritdoc />
    public bool DriftDetected { get; private set; }

    /// <inheritdoc />
    /// <remarks>KSWIN has no warning zone.</remarks>
    public bool WarningDetected => false;

    /// <summary>
    /// P-value of the last Kolmogorov-Smirnov test (River's <c>p_value</c>); 0, as in River, until a
    /// test has run since creation or the last change.
    /// </summary>
    public double PValue { get; private set; }

    /// <summary>
    /// Statistic D of the last Kolmogorov-Smirnov test (River computes it but does not keep it);
    /// 0 until a test has run since creation or the last change.
    /// </summary>
    public double Statistic { get; private set; }

    /// <summary>
    /// Number of values in the window: tests run once it reaches <c>window_size</c>, and right after
    /// a change it is <c>stat_size</c>.
    /// </summary>
    public int WindowCount => _count;

    /// <summary>The sorted sample drawn from the older part of the window for the last test.</summary>
    internal ReadOnlySpan<double> ReferenceSample => _reference;

    /// <summary>The sorted most recent <c>stat_size</c> values of the last test.</summary>
    internal ReadOnlySpan<double> RecentSample => _recent;

    /// <summary>A copy of the window, oldest value first.</summary>
    internal double[] WindowValues()
    {
        var values = new double[_count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _window[Physical(i)];
        }

        return values;
    }

    /// <inheritdoc />
    public void Update(double x)
    {
        DetectorInput.RequireFinite(x);
        if (DriftDetected)
        {
            Reset();
        }

        Append(x);
        DriftDetected = _count == _windowSize && Test();
    }

    /// <inheritdoc />
    /// <remarks>Without a seed, the draws after a reset differ from those after creation.</remarks>
    public void Reset()
    {
        _start = 0;
        _count = 0;
        for (var i = 0; i < _olderPositions.Length; i++)
        {
            _olderPositions[i] = i;
        }

        // River re-creates random.Random(seed) on every reset: a seeded detector repeats its draws.
        _random.Reseed(_seed is { } seed ? (ulong)seed : (ulong)Random.Shared.NextInt64());
        PValue = 0.0;
        Statistic = 0.0;
        DriftDetected = false;
    }

    private void Append(double x)
    {
        if (_count < _windowSize)
        {
            _window[Physical(_count)] = x;
            _count++;
        }
        else
        {
            _window[_start] = x;
            _start = Physical(1);
        }
    }

    /// <summary>Runs the test on the full window; on a change keeps only the most recent stat_size values.</summary>
    private bool Test()
    {
        var olderLength = _olderPositions.Length;
        for (var i = 0; i < _statSize; i++)
        {
            var j = i + _random.NextBelow(olderLength - i);
            (_olderPositions[i], _olderPositions[j]) = (_olderPositions[j], _olderPositions[i]);
            _reference[i] = _window[Physical(_olderPositions[i])];
            _recent[i] = _window[Physical(olderLength + i)];
        }

        _reference.AsSpan().Sort();
        _recent.AsSpan().Sort();

        // Equal sizes: the statistic is h / stat_size exactly, so its p-value can be looked up.
        var (h, _, _) = EmpiricalDistributions.Compare(_reference, _recent);
        Statistic = (double)h / _statSize;
        PValue = _pValues[h];
        if (PValue <= _alpha && Statistic > MinimumStatistic)
        {
            _start = Physical(olderLength);
            _count = _statSize;
            return true;
        }

        return false;
    }

    private int Physical(int logical)
    {
        var index = _start + logical;
        return index >= _windowSize ? index - _windowSize : index;
    }
}
