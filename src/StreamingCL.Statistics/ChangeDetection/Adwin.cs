namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// ADWIN (ADaptive WINdowing, Bifet and Gavaldà 2007): keeps a window of recent values summarised
/// in an exponential histogram, and reports a change when two sub-windows have significantly
/// different means, dropping the oldest data. Port of River's <c>drift.ADWIN</c> (newest
/// <c>AdaptiveWindowing</c>), with its parameters, defaults, clock, grace period and bucket merging;
/// like River, the whole detector starts afresh on the update after a change.
/// </summary>
/// <remarks>
/// A cut between W0 (older) and W1 (newer) is significant when
/// |mean(W0) - mean(W1)| &gt; sqrt(2 m σ²_W δ') + (2/3) δ' m, with δ' = ln(2 ln|W| / delta) and
/// m = 1 / (|W0| - min_window_length + 1) + 1 / (|W1| - min_window_length + 1).
/// Cuts are only examined at bucket boundaries, every <c>clock</c> updates, once the window holds
/// more than <c>grace_period</c> values.
/// </remarks>
public sealed class Adwin : IChangeDetector
{
    private readonly double _delta;
    private readonly int _clock;
    private readonly double _minWindowLength;
    private readonly double _gracePeriod;
    private readonly AdwinBuckets _buckets;

    private double _width;
    private double _total;
    private double _variance;
    private long _tick;

    /// <summary>Creates an ADWIN detector; parameters and defaults are River's.</summary>
    /// <param name="delta">Significance of the cut test, in (0, 1).</param>
    /// <param name="clock">Examine cuts every this many updates (1 = every update).</param>
    /// <param name="maxBuckets">
    /// Buckets kept per size before two are merged; at least 2 (River accepts 1, but a row can then
    /// empty out and its deletion fails).
    /// </param>
    /// <param name="minWindowLength">Minimum length of each sub-window of a cut.</param>
    /// <param name="gracePeriod">No cut is examined while the window holds this many values or fewer.</param>
    public Adwin(double delta = 0.002, int clock = 32, int maxBuckets = 5, int minWindowLength = 5, int gracePeriod = 10)
    {
        ParameterGuard.Probability(delta, nameof(delta));
        ParameterGuard.AtLeast(clock, 1, nameof(clock));
        ParameterGuard.AtLeast(maxBuckets, 2, nameof(maxBuckets));
        ParameterGuard.AtLeast(minWindowLength, 1, nameof(minWindowLength));
        ParameterGuard.AtLeast(gracePeriod, 0, nameof(gracePeriod));

        _delta = delta;
        _clock = clock;
        _minWindowLength = minWindowLength;
        _gracePeriod = gracePeriod;
        _buckets = new AdwinBuckets(maxBuckets);
    }

    /// <inheritdoc />
    public bool DriftDetected { get; private set; }

    /// <inheritdoc />
    /// <remarks>ADWIN has no warning zone.</remarks>
    public bool WarningDetected => false;

    /// <summary>Number of values in the current window.</summary>
    public double Width => _width;

    /// <summary>Mean of the current window (River's <c>estimation</c>); 0 when it is empty.</summary>
    public double Mean => _width == 0.0 ? 0.0 : _total / _width;

    /// <inheritdoc />
    public void Update(double x)
    {
        DetectorInput.RequireFinite(x);
        if (DriftDetected)
        {
            Reset();
        }

        Insert(x);
        DriftDetected = ShrinkWhileCutIsSignificant();
    }

    /// <inheritdoc />
    public void Reset()
    {
        _buckets.Clear();
        _width = 0.0;
        _total = 0.0;
        _variance = 0.0;
        _tick = 0;
        DriftDetected = false;
    }

    private void Insert(double x)
    {
        _buckets.Append(x);
        _width += 1.0;
        if (_width > 1.0)
        {
            var deviation = x - _total / (_width - 1.0);
            _variance += (_width - 1.0) * deviation * deviation / _width;
        }

        _total += x;
    }

    private bool ShrinkWhileCutIsSignificant()
    {
        _tick++;
        if (_tick % _clock != 0 || _width <= _gracePeriod)
        {
            return false;
        }

        var changed = false;
        while (HasSignificantCut())
        {
            RemoveOldestBucket();
            changed = true;
        }

        return changed;
    }

    /// <summary>Scans the cuts from the oldest bucket to the newest and stops at the first significant one.</summary>
    private bool HasSignificantCut()
    {
        // These only change when the window does, i.e. between two scans.
        var deltaPrime = Math.Log(2.0 * Math.Log(_width) / _delta);
        var windowVariance = _variance / _width;
        var twoThirdsDeltaPrime = 2.0 / 3.0 * deltaPrime;

        double olderLength = 0.0, newerLength = _width, olderTotal = 0.0, newerTotal = _total;
        for (var row = _buckets.RowCount - 1; row >= 0; row--)
        {
            var bucketSize = AdwinBuckets.BucketSize(row);
            var count = _buckets.CountAt(row);
            for (var bucket = 0; bucket < count; bucket++)
            {
                var bucketTotal = _buckets.TotalAt(row, bucket);
                olderLength += bucketSize;
                newerLength -= bucketSize;
                olderTotal += bucketTotal;
                newerTotal -= bucketTotal;

                if (row == 0 && bucket == count - 1)
                {
                    return false;
                }

                if (newerLength < _minWindowLength || olderLength < _minWindowLength)
                {
                    continue;
                }

                var harmonic = 1.0 / (olderLength - _minWindowLength + 1.0) + 1.0 / (newerLength - _minWindowLength + 1.0);
                var epsilon = Math.Sqrt(2.0 * harmonic * windowVariance * deltaPrime) + twoThirdsDeltaPrime * harmonic;
                if (Math.Abs(olderTotal / olderLength - newerTotal / newerLength) > epsilon)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void RemoveOldestBucket()
    {
        var (size, total, variance) = _buckets.RemoveOldest();
        var bucketMean = total / size;
        _width -= size;
        _total -= total;
        var windowMean = _total / _width;
        _variance -= variance + size * _width * (bucketMean - windowMean) * (bucketMean - windowMean) / (size + _width);
    }
}
