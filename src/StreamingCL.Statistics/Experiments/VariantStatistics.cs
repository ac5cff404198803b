namespace StreamingCL.Statistics.Experiments;

/// <summary>
/// Sufficient statistics of one variant (or bandit arm): the unit count and either the sum and sum
/// of squares of a metric, or the number of conversions. Mean and variance follow gbstats:
/// the sample variance (n - 1 denominator) for means, p (1 - p) for proportions.
/// </summary>
public readonly record struct VariantStatistics
{
    private VariantStatistics(long count, double sum, double sumOfSquares, bool isProportion)
    {
        Count = count;
        Sum = sum;
        SumOfSquares = sumOfSquares;
        IsProportion = isProportion;
    }

    /// <summary>Number of units (users, requests...).</summary>
    public long Count { get; }

    /// <summary>Sum of the metric (the number of conversions for a proportion).</summary>
    public double Sum { get; }

    /// <summary>Sum of the squared metric (equal to <see cref="Sum"/> for a proportion).</summary>
    public double SumOfSquares { get; }

    /// <summary>Whether the metric is a 0/1 conversion.</summary>
    public bool IsProportion { get; }

    /// <summary>The mean, 0 when there are no units.</summary>
    public double Mean => Count == 0 ? 0.0 : Sum / Count;

    /// <summary>The per-unit variance: p (1 - p) for proportions, the sample variance otherwise (0 below two units).</summary>
    public double Variance => IsProportion
        ? Mean * (1.0 - Mean)
        : Count <= 1 ? 0.0 : (SumOfSquares - Sum * Sum / Count) / (Count - 1);

    /// <summary>Statistics of a continuous metric from n, Σx and Σx².</summary>
    public static VariantStatistics FromMoments(long count, double sum, double sumOfSquares)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!double.IsFinite(sum))
        {
            throw new ArgumentException($"The sum must be finite, got {sum}.", nameof(sum));
        }

        if (!(sumOfSquares >= 0) || double.IsInfinity(sumOfSquares))
        {
            throw new ArgumentException($"The sum of squares must be finite and non-negative, got {sumOfSquares}.", nameof(sumOfSquares));
        }

        return new VariantStatistics(count, sum, sumOfSquares, isProportion: false);
    }

    /// <summary>Statistics of a conversion metric from the number of units and of conversions.</summary>
    public static VariantStatistics FromConversions(long count, long conversions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(conversions);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(conversions, count);
        return new VariantStatistics(count, conversions, conversions, isProportion: true);
    }
}
