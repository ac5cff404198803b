namespace StreamingCL.Statistics.Drift;

/// <summary>
/// One merge pass over two sorted samples yields both distances between their empirical CDFs:
/// the Kolmogorov-Smirnov supremum and the Wasserstein-1 integral.
/// </summary>
internal static class EmpiricalDistributions
{
    /// <summary>
    /// Returns the KS statistic as an exact integer numerator over lcm(m, n) (so the exact p-value
    /// sees the same lattice point scipy rounds to) and the Wasserstein-1 distance.
    /// </summary>
    internal static (long KsNumerator, long KsDenominator, double Wasserstein) Compare(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        long m = a.Length, n = b.Length;
        var g = Distributions.TwoSampleKolmogorovSmirnov.GreatestCommonDivisor(m, n);
        long stepA = n / g, stepB = m / g;

        int i = 0, j = 0;
        long maxGap = 0;
        var wasserstein = 0.0;
        var previous = Math.Min(a[0], b[0]);
        while (i < m || j < n)
        {
            var value = i < m && (j >= n || a[i] <= b[j]) ? a[i] : b[j];

            // Between consecutive distinct values both CDFs are flat: |F - G| times the gap.
            wasserstein += Math.Abs((double)i / m - (double)j / n) * (value - previous);

            while (i < m && a[i] == value)
            {
                i++;
            }

            while (j < n && b[j] == value)
            {
                j++;
            }

            maxGap = Math.Max(maxGap, Math.Abs(i * stepA - j * stepB));
            previous = value;
        }

        return (maxGap, stepB * n, wasserstein);
    }
}
