namespace StreamingCL.Statistics.Distributions;

/// <summary>
/// Null distribution of the two-sample Kolmogorov-Smirnov statistic D = max |F_m - G_n|, both
/// exactly (lattice-path counting, as scipy.stats.ks_2samp with method="exact") and by the
/// asymptotic formula scipy uses.
/// </summary>
internal static class TwoSampleKolmogorovSmirnov
{
    /// <summary>
    /// Exact P(D &gt;= h / lcm(m, n)). Returns false when the computation is not numerically sound
    /// (the result leaves [0, 1]); scipy then falls back to the asymptotic p-value, and so do callers.
    /// </summary>
    internal static bool TryExactSurvival(int m, int n, long h, out double probability)
    {
        probability = h <= 0 ? 1.0 : m == n ? OutsideSquare(n, (int)h) : OutsideBand(m, n, h);
        return probability is >= 0.0 and <= 1.0;
    }

    /// <summary>
    /// The asymptotic two-sided p-value as scipy computes it: the one-sample Kolmogorov
    /// distribution at the effective size round(m n / (m + n)), rounding half to even like numpy.
    /// For m = n = 1 that size rounds to 0, where scipy returns NaN; it is kept at 1 here.
    /// </summary>
    internal static double AsymptoticSurvival(double d, int m, int n)
    {
        double large = Math.Max(m, n), small = Math.Min(m, n);
        var effective = Math.Round(large * small / (large + small), MidpointRounding.ToEven);
        return Kolmogorov.Survival(d, Math.Max(1, (int)effective));
    }

    /// <summary>
    /// Equal sizes: P(D_{n,n} &gt;= h/n) = 2 Σ_k (-1)^(k+1) C(2n, n - k h) / C(2n, n). The alternating
    /// sum is evaluated innermost-first as A1 (1 - A2 (1 - A3 (...))), where A_k is the ratio of
    /// consecutive binomial terms, so no term is formed on its own and nothing cancels badly.
    /// </summary>
    private static double OutsideSquare(int n, int h)
    {
        var nested = 0.0;
        for (var k = n / h; k >= 0; k--)
        {
            var ratio = 1.0;

            // Same operation order as scipy: near p = 1 rounding decides whether the result
            // exceeds 1 and triggers the asymptotic fallback, so both must round alike.
            for (var j = 0; j < h; j++)
            {
                ratio = (double)(n - k * h - j) * ratio / (n + k * h + j + 1);
            }

            nested = ratio * (1.0 - nested);
        }

        return 2 * nested;
    }

    /// <summary>
    /// Unequal sizes: the probability that a uniformly random lattice path from (0, 0) to (m, n)
    /// leaves the band |x/m - y/n| &lt; h / lcm(m, n). Following Viehmann (2021, arXiv:2102.08037)
    /// the recursion runs on that probability directly, q(x, y) = (x q(x-1, y) + y q(x, y-1)) / (x + y)
    /// with q = 1 outside the band, which stays in [0, 1] instead of counting paths that overflow.
    /// Only the band of each column is stored; cells outside it read as 1.
    /// </summary>
    private static double OutsideBand(int m, int n, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        long g = GreatestCommonDivisor(m, n), mg = m / g, ng = n / g;
        var column = new double[n + 1];

        // Column x holds the cells y with |ng x - mg y| < h, i.e. low <= y <= high.
        var (previousLow, previousHigh) = Band(0, n, mg, ng, h);
        Array.Clear(column);
        for (var x = 1; x <= m; x++)
        {
            var (low, high) = Band(x, n, mg, ng, h);
            if (high < low)
            {
                return 1.0;
            }

            for (var y = low; y <= high; y++)
            {
                var left = y >= previousLow && y <= previousHigh ? column[y] : 1.0;
                var below = y > low ? column[y - 1] : (y == 0 ? 0.0 : 1.0);
                column[y] = (x * left + y * below) / (x + y);
            }

            (previousLow, previousHigh) = (low, high);
        }

        return column[n];
    }

    private static (int Low, int High) Band(long x, int n, long mg, long ng, long h)
    {
        // Strict inequalities: ng x - h < mg y < ng x + h.
        var low = FloorDivide(ng * x - h, mg) + 1;
        var high = CeilingDivide(ng * x + h, mg) - 1;
        return ((int)Math.Max(low, 0), (int)Math.Min(high, n));
    }

    private static long FloorDivide(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilingDivide(long a, long b) => -FloorDivide(-a, b);

    internal static long GreatestCommonDivisor(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
