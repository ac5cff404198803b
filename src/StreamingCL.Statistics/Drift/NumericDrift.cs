namespace StreamingCL.Statistics.Drift;

/// <summary>Every drift statistic for one numeric feature, with a verdict per statistic.</summary>
/// <param name="PopulationStabilityIndex">PSI on the reference's quantile bins (see <see cref="ReferenceProfile"/>).</param>
/// <param name="KolmogorovSmirnov">Two-sample Kolmogorov-Smirnov test.</param>
/// <param name="JensenShannonDistance">Jensen-Shannon distance (base 2) on the PSI bins.</param>
/// <param name="WassersteinDistance">Wasserstein-1 distance.</param>
/// <param name="NormalisedWassersteinDistance">Wasserstein-1 over max(reference σ, 0.001).</param>
/// <param name="PsiVerdict">Verdict for the PSI.</param>
/// <param name="KolmogorovSmirnovVerdict">Verdict for the KS p-value.</param>
/// <param name="JensenShannonVerdict">Verdict for the Jensen-Shannon distance.</param>
/// <param name="WassersteinVerdict">Verdict for the normalised Wasserstein distance.</param>
public sealed record NumericDriftReport(
    double PopulationStabilityIndex,
    KolmogorovSmirnovResult KolmogorovSmirnov,
    double JensenShannonDistance,
    double WassersteinDistance,
    double NormalisedWassersteinDistance,
    DriftVerdict PsiVerdict,
    DriftVerdict KolmogorovSmirnovVerdict,
    DriftVerdict JensenShannonVerdict,
    DriftVerdict WassersteinVerdict)
{
    /// <summary>The most severe of the per-statistic verdicts.</summary>
    public DriftVerdict Overall =>
        (DriftVerdict)Math.Max(Math.Max((int)PsiVerdict, (int)KolmogorovSmirnovVerdict), Math.Max((int)JensenShannonVerdict, (int)WassersteinVerdict));
}

/// <summary>Compares a current numeric sample with a reference sample.</summary>
public static class NumericDrift
{
    /// <summary>
    /// Computes PSI, Kolmogorov-Smirnov, Jensen-Shannon and (normalised) Wasserstein between two
    /// samples of at least two finite values each. Both samples are sorted once; the binned
    /// statistics go through the same <see cref="ReferenceProfile"/> and <see cref="BinnedCounts"/>
    /// as streaming use.
    /// </summary>
    public static NumericDriftReport Compare(
        ReadOnlySpan<double> reference,
        ReadOnlySpan<double> current,
        DriftThresholds? thresholds = null,
        int binCount = ReferenceProfile.DefaultBinCount,
        KolmogorovSmirnovMethod kolmogorovSmirnovMethod = KolmogorovSmirnovMethod.Auto)
    {
        thresholds ??= DriftThresholds.Default;
        thresholds.Validate();
        Guard.Sample(reference, 2);
        Guard.Sample(current, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 2);

        using var sortedReference = new SortedSample(reference);
        using var sortedCurrent = new SortedSample(current);
        var counts = ReferenceProfile.FromSorted(sortedReference.Values, binCount).CreateCounts();
        counts.AddRange(sortedCurrent.Values);
        var psi = counts.PopulationStabilityIndex();
        var jensenShannon = counts.JensenShannonDistance();

        var (numerator, denominator, wasserstein) = EmpiricalDistributions.Compare(sortedReference.Values, sortedCurrent.Values);
        var ks = KolmogorovSmirnov.FromStatistic(numerator, denominator, reference.Length, current.Length, kolmogorovSmirnovMethod);
        var normalised = wasserstein / Math.Max(Wasserstein.PopulationStandardDeviation(reference), Wasserstein.StandardDeviationFloor);

        return new NumericDriftReport(
            psi,
            ks,
            jensenShannon,
            wasserstein,
            normalised,
            thresholds.ForPsi(psi),
            thresholds.ForKolmogorovSmirnov(ks.PValue),
            thresholds.ForJensenShannon(jensenShannon),
            thresholds.ForNormalisedWasserstein(normalised));
    }
}
