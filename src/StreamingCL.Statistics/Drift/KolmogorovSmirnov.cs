using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Statistics.Drift;

/// <summary>How the two-sample Kolmogorov-Smirnov p-value is computed (as scipy.stats.ks_2samp).</summary>
public enum KolmogorovSmirnovMethod
{
    /// <summary>Exact when both samples have at most 10 000 values, asymptotic otherwise (scipy's default).</summary>
    Auto = 0,

    /// <summary>
    /// Exact null distribution by lattice-path counting; falls back to the asymptotic p-value when
    /// lcm(m, n) is too large or the computation is not numerically sound, as scipy does.
    /// </summary>
    Exact = 1,

    /// <summary>The one-sample Kolmogorov distribution at the effective size round(m n / (m + n)).</summary>
    Asymptotic = 2,
}

/// <summary>Result of a two-sample Kolmogorov-Smirnov test (a struct: detectors run it per event).</summary>
/// <param name="Statistic">D = sup |F_reference - F_current|.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Method">The method actually used (never <see cref="KolmogorovSmirnovMethod.Auto"/>).</param>
public readonly record struct KolmogorovSmirnovResult(double Statistic, double PValue, KolmogorovSmirnovMethod Method);

/// <summary>The two-sample Kolmogorov-Smirnov test, two-sided, matching scipy.stats.ks_2samp.</summary>
public static class KolmogorovSmirnov
{
    // scipy's MAX_AUTO_N: 'auto' is exact up to this sample size.
    private const int MaxAutoExactSize = 10_000;

    /// <summary>Tests whether two samples (each at least one finite value) come from the same distribution.</summary>
    public static KolmogorovSmirnovResult TwoSample(
        ReadOnlySpan<double> reference,
        ReadOnlySpan<double> current,
        KolmogorovSmirnovMethod method = KolmogorovSmirnovMethod.Auto)
    {
        Guard.Sample(reference, 1);
        Guard.Sample(current, 1);
        using var sortedReference = new SortedSample(reference);
        using var sortedCurrent = new SortedSample(current);
        var (numerator, denominator, _) = EmpiricalDistributions.Compare(sortedReference.Values, sortedCurrent.Values);
        return FromStatistic(numerator, denominator, reference.Length, current.Length, method);
    }

    internal static KolmogorovSmirnovResult FromStatistic(long numerator, long denominator, int m, int n, KolmogorovSmirnovMethod method)
    {
        var statistic = (double)numerator / denominator;
        if (method == KolmogorovSmirnovMethod.Auto)
        {
            method = Math.Max(m, n) <= MaxAutoExactSize ? KolmogorovSmirnovMethod.Exact : KolmogorovSmirnovMethod.Asymptotic;
        }

        // scipy switches to the asymptotic p-value when lcm(m, n) would overflow a 32-bit integer.
        var g = TwoSampleKolmogorovSmirnov.GreatestCommonDivisor(m, n);
        if (method == KolmogorovSmirnovMethod.Exact
            && (double)(m / g) < (double)int.MaxValue / (n / g)
            && TwoSampleKolmogorovSmirnov.TryExactSurvival(m, n, numerator, out var exact))
        {
            return new KolmogorovSmirnovResult(statistic, exact, KolmogorovSmirnovMethod.Exact);
        }

        var asymptotic = Math.Clamp(TwoSampleKolmogorovSmirnov.AsymptoticSurvival(statistic, m, n), 0.0, 1.0);
        return new KolmogorovSmirnovResult(statistic, asymptotic, KolmogorovSmirnovMethod.Asymptotic);
    }
}
