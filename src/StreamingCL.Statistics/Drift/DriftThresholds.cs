namespace StreamingCL.Statistics.Drift;

/// <summary>
/// Thresholds that turn drift statistics into verdicts. The defaults are the usual ones
/// (PSI 0.1 / 0.2 as in Evidently and the credit-scoring literature, p &lt; 0.05 for the tests,
/// 0.1 for Jensen-Shannon and normalised Wasserstein as in Evidently).
/// </summary>
public sealed record DriftThresholds
{
    /// <summary>The default thresholds.</summary>
    public static DriftThresholds Default { get; } = new();

    /// <summary>PSI at or above this is a warning (default 0.1).</summary>
    public double PsiWarning { get; init; } = 0.1;

    /// <summary>PSI at or above this is drift (default 0.2).</summary>
    public double PsiDrift { get; init; } = 0.2;

    /// <summary>A Kolmogorov-Smirnov p-value below this is drift (default 0.05).</summary>
    public double KolmogorovSmirnovPValue { get; init; } = 0.05;

    /// <summary>A Jensen-Shannon distance (base 2) at or above this is drift (default 0.1).</summary>
    public double JensenShannonDistance { get; init; } = 0.1;

    /// <summary>A normalised Wasserstein distance at or above this is drift (default 0.1).</summary>
    public double NormalisedWasserstein { get; init; } = 0.1;

    /// <summary>A chi-square p-value below this is drift (default 0.05).</summary>
    public double ChiSquarePValue { get; init; } = 0.05;

    /// <summary>Verdict for a population stability index.</summary>
    public DriftVerdict ForPsi(double psi) =>
        psi >= PsiDrift ? DriftVerdict.Drift : psi >= PsiWarning ? DriftVerdict.Warning : DriftVerdict.Stable;

    /// <summary>
    /// Verdict for a window binned against a reference: the PSI's, provided the chi-square test
    /// finds the shift significant (p &lt; <see cref="ChiSquarePValue"/>), Stable otherwise. The
    /// effect size decides for large windows, the test guards small ones, where sampling noise
    /// alone gives a PSI of about (bins - 1) / n.
    /// </summary>
    public DriftVerdict ForSignificantPsi(double psi, double chiSquarePValue) =>
        ForChiSquare(chiSquarePValue) == DriftVerdict.Drift ? ForPsi(psi) : DriftVerdict.Stable;

    /// <summary>Verdict for a Kolmogorov-Smirnov p-value.</summary>
    public DriftVerdict ForKolmogorovSmirnov(double pValue) => Below(pValue, KolmogorovSmirnovPValue);

    /// <summary>Verdict for a Jensen-Shannon distance.</summary>
    public DriftVerdict ForJensenShannon(double distance) => AtLeast(distance, JensenShannonDistance);

    /// <summary>Verdict for a normalised Wasserstein distance.</summary>
    public DriftVerdict ForNormalisedWasserstein(double distance) => AtLeast(distance, NormalisedWasserstein);

    /// <summary>Verdict for a chi-square p-value.</summary>
    public DriftVerdict ForChiSquare(double pValue) => Below(pValue, ChiSquarePValue);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid threshold.</summary>
    public void Validate()
    {
        RequirePositive(PsiWarning, nameof(PsiWarning));
        RequirePositive(PsiDrift, nameof(PsiDrift));
        if (PsiWarning > PsiDrift)
        {
            throw new ArgumentException($"{nameof(PsiWarning)} ({PsiWarning}) must not exceed {nameof(PsiDrift)} ({PsiDrift}).");
        }

        RequireProbability(KolmogorovSmirnovPValue, nameof(KolmogorovSmirnovPValue));
        RequireProbability(ChiSquarePValue, nameof(ChiSquarePValue));
        RequirePositive(JensenShannonDistance, nameof(JensenShannonDistance));
        RequirePositive(NormalisedWasserstein, nameof(NormalisedWasserstein));
    }

    private static DriftVerdict Below(double pValue, double threshold) => pValue < threshold ? DriftVerdict.Drift : DriftVerdict.Stable;

    private static DriftVerdict AtLeast(double value, double threshold) => value >= threshold ? DriftVerdict.Drift : DriftVerdict.Stable;

    private static void RequirePositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentException($"Drift threshold {name} must be a positive finite number, got {value}.", name);
        }
    }

    private static void RequireProbability(double value, string name)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentException($"Drift threshold {name} must be strictly between 0 and 1, got {value}.", name);
        }
    }
}
