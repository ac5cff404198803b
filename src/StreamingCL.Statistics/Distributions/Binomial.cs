namespace StreamingCL.Statistics.Distributions;

/// <summary>The binomial distribution.</summary>
public static class Binomial
{
    /// <summary>P(X &lt;= k) for X ~ Binomial(n, p): the incomplete beta I_(1-p)(n - k, k + 1).</summary>
    public static double Cdf(long k, long n, double p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Guard.Probability(p);
        if (k < 0)
        {
            return 0.0;
        }

        if (k >= n)
        {
            return 1.0;
        }

        // P(X <= k) = 1 - I_p(k + 1, n - k); the upper part is returned directly, not as 1 - lower.
        return IncompleteBeta.Regularized(k + 1, n - k, p, 1.0 - p).Upper;
    }
}
