namespace StreamingCL.Statistics.ChangeDetection;

// The running statistics River's detectors are built on, with River's exact arithmetic: the same
// operations in the same order, so that the detectors cross their thresholds on the same sample.

/// <summary>River's <c>stats.Mean</c>: incremental mean whose count is a float sum of weights.</summary>
internal struct RunningMean
{
    public double Count { get; private set; }

    public double Value { get; private set; }

    public void Update(double x)
    {
        Count += 1.0;
        Value += (x - Value) / Count;
    }
}

/// <summary>River's <c>stats.Var</c> with ddof = 1 (Welford's algorithm).</summary>
internal struct RunningVariance
{
    private RunningMean _mean;
    private double _sumOfSquaredDeviations;

    public readonly double Mean => _mean.Value;

    public readonly double Value => _mean.Count > 1.0 ? _sumOfSquaredDeviations / (_mean.Count - 1.0) : 0.0;

    public void Update(double x)
    {
        var previousMean = _mean.Value;
        _mean.Update(x);
        _sumOfSquaredDeviations += (x - previousMean) * (x - _mean.Value);
    }
}

/// <summary>
/// River's <c>stats.EWMean</c> (backed by watermill's EWMean), including its seeding rule: while the
/// mean is exactly 0 the next value replaces it instead of being blended in. On a stream of bits the
/// mean therefore jumps to 1 at the first error, which is what River's HDDM-W sees.
/// </summary>
internal struct ExponentialMean(double alpha)
{
    public double Value { get; private set; }

    public void Update(double x) => Value = Value == 0.0 ? x : alpha * x + (1.0 - alpha) * Value;
}
