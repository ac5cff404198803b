using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Statistics.Experiments;

/// <summary>What the effect of the treatment is measured as.</summary>
public enum DifferenceType
{
    /// <summary>(treatment mean - control mean) / control mean, with a delta-method variance.</summary>
    Relative = 0,

    /// <summary>treatment mean - control mean.</summary>
    Absolute = 1,
}

/// <summary>Settings of the frequentist tests (gbstats' FrequentistConfig and SequentialConfig).</summary>
public sealed record FrequentistOptions
{
    /// <summary>The default settings.</summary>
    public static FrequentistOptions Default { get; } = new();

    /// <summary>Significance level: the interval has coverage 1 - α (default 0.05).</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Relative (default) or absolute lift.</summary>
    public DifferenceType DifferenceType { get; init; } = DifferenceType.Relative;

    /// <summary>
    /// Sequential tests only: the total sample size N* around which the always-valid interval is
    /// tightest (default 5000, as gbstats).
    /// </summary>
    public double SequentialTuningParameter { get; init; } = 5000;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(Alpha > 0 && Alpha < 1))
        {
            throw new ArgumentException($"{nameof(Alpha)} must be strictly between 0 and 1, got {Alpha}.", nameof(Alpha));
        }

        if (!Enum.IsDefined(DifferenceType))
        {
            throw new ArgumentException($"Unknown {nameof(DifferenceType)} {DifferenceType}.", nameof(DifferenceType));
        }

        if (!(SequentialTuningParameter > 0) || double.IsInfinity(SequentialTuningParameter))
        {
            throw new ArgumentException($"{nameof(SequentialTuningParameter)} must be positive and finite, got {SequentialTuningParameter}.", nameof(SequentialTuningParameter));
        }
    }
}

/// <summary>Estimated treatment effect with its interval and p-value (gbstats' FrequentistTestResult).</summary>
/// <param name="Estimate">The lift (relative or absolute).</param>
/// <param name="StandardError">Standard error of the estimate.</param>
/// <param name="LowerBound">Lower confidence bound.</param>
/// <param name="UpperBound">Upper confidence bound.</param>
/// <param name="PValue">Two-sided p-value of a zero effect.</param>
/// <param name="Error">Why the effect is undefined (then the other values are gbstats' defaults 0, [0, 0], 1), or null.</param>
public sealed record EffectEstimate(double Estimate, double StandardError, double LowerBound, double UpperBound, double PValue, string? Error = null)
{
    /// <summary>Whether the test could be computed.</summary>
    public bool IsDefined => Error is null;

    internal static EffectEstimate Undefined(string error) => new(0.0, 0.0, 0.0, 0.0, 1.0, error);
}

/// <summary>
/// Frequentist comparison of a treatment with a control, as GrowthBook's gbstats
/// (frequentist/tests.py): Welch's t-test with the Welch-Satterthwaite degrees of freedom, and
/// the always-valid sequential test of Waudby-Smith et al. (2023, arXiv:2103.06476).
/// </summary>
public static class FrequentistTest
{
    /// <summary>Message of a test that cannot run because a variant has no variance.</summary>
    public const string ZeroVarianceError = "A variant has zero or negative variance.";

    /// <summary>Message of a relative test whose control mean is zero.</summary>
    public const string ZeroBaselineError = "The control mean is zero: a relative lift is undefined.";

    /// <summary>
    /// gbstats' TwoSidedTTest: estimate ± t_(1-α/2, ν) × SE and p = 2 P(T_ν &gt; |estimate / SE|),
    /// ν the Welch-Satterthwaite degrees of freedom of the two variances. The relative lift's SE
    /// is the delta method's: sqrt(σ_B² / (μ_A² n_B) + σ_A² μ_B² / (μ_A⁴ n_A)).
    /// </summary>
    public static EffectEstimate TwoSided(VariantStatistics control, VariantStatistics treatment, FrequentistOptions? options = null)
    {
        options ??= FrequentistOptions.Default;
        options.Validate();
        if (!TryMoments(control, treatment, options.DifferenceType, out var estimate, out var standardError, out var error))
        {
            return EffectEstimate.Undefined(error);
        }

        return StudentTEstimate(estimate, standardError, WelchDegreesOfFreedom(control, treatment), options.Alpha);
    }

    /// <summary>
    /// gbstats' SequentialTwoSidedTTest: an asymptotic confidence sequence valid at every look.
    /// With N = n_A + n_B and ρ = sqrt((-2 ln α + ln(-2 ln α + 1)) / N*), the half-width is
    /// SE sqrt(N) sqrt(2 (N ρ² + 1) / (N ρ)² ln(sqrt(N ρ² + 1) / α)) and the p-value is
    /// min(1, 1 / E) for the mixture e-value E = exp(ρ² N (estimate/SE)² / (2 (N ρ² + 1))) / sqrt(N ρ² + 1).
    /// </summary>
    public static EffectEstimate Sequential(VariantStatistics control, VariantStatistics treatment, FrequentistOptions? options = null)
    {
        options ??= FrequentistOptions.Default;
        options.Validate();
        if (!TryMoments(control, treatment, options.DifferenceType, out var estimate, out var standardError, out var error))
        {
            return EffectEstimate.Undefined(error);
        }

        return SequentialEstimate(estimate, standardError, control.Count + treatment.Count, options);
    }

    /// <summary>
    /// <see cref="TwoSided"/> for paired observations (both variants measured on the same units):
    /// the one-sample t-test of their <paramref name="differences"/> (treatment - control, one per
    /// unit), as scipy.stats.ttest_1samp: mean ± t_(1-α/2, n-1) × sd / √n. The lift is absolute
    /// whatever <see cref="FrequentistOptions.DifferenceType"/> says.
    /// </summary>
    public static EffectEstimate PairedTwoSided(VariantStatistics differences, FrequentistOptions? options = null)
    {
        options ??= FrequentistOptions.Default;
        options.Validate();
        return TryPaired(differences, out var standardError)
            ? StudentTEstimate(differences.Mean, standardError, differences.Count - 1, options.Alpha)
            : EffectEstimate.Undefined(ZeroVarianceError);
    }

    /// <summary><see cref="Sequential"/> for paired observations: the same confidence sequence with N = n, the pairs.</summary>
    public static EffectEstimate PairedSequential(VariantStatistics differences, FrequentistOptions? options = null)
    {
        options ??= FrequentistOptions.Default;
        options.Validate();
        return TryPaired(differences, out var standardError)
            ? SequentialEstimate(differences.Mean, standardError, differences.Count, options)
            : EffectEstimate.Undefined(ZeroVarianceError);
    }

    private static bool TryPaired(VariantStatistics differences, out double standardError)
    {
        standardError = Math.Sqrt(differences.Variance / differences.Count);
        return differences.Count >= 2 && differences.Variance > 0;
    }

    private static EffectEstimate StudentTEstimate(double estimate, double standardError, double degreesOfFreedom, double alpha)
    {
        var halfWidth = StudentT.Quantile(1 - alpha / 2, degreesOfFreedom) * standardError;
        // gbstats computes 2 (1 - cdf); the survival function gives the same value without
        // rounding tiny p-values to 0.
        var pValue = Math.Min(1.0, 2 * StudentT.Survival(Math.Abs(estimate / standardError), degreesOfFreedom));
        return new EffectEstimate(estimate, standardError, estimate - halfWidth, estimate + halfWidth, pValue);
    }

    private static EffectEstimate SequentialEstimate(double estimate, double standardError, double n, FrequentistOptions options)
    {
        var logAlpha = Math.Log(options.Alpha);
        var rho2 = (-2 * logAlpha + Math.Log(-2 * logAlpha + 1)) / options.SequentialTuningParameter;
        var spread = n * rho2 + 1;
        var halfWidth = standardError * Math.Sqrt(n) * Math.Sqrt(2 * spread * Math.Log(Math.Sqrt(spread) / options.Alpha) / (n * n * rho2));

        var z2 = estimate * estimate / (standardError * standardError);
        var logEValue = rho2 * n * z2 / (2 * spread) - 0.5 * Math.Log(spread);
        var pValue = Math.Min(1.0, Math.Exp(-logEValue));
        return new EffectEstimate(estimate, standardError, estimate - halfWidth, estimate + halfWidth, pValue);
    }

    private static bool TryMoments(
        VariantStatistics control,
        VariantStatistics treatment,
        DifferenceType differenceType,
        out double estimate,
        out double standardError,
        out string error)
    {
        (estimate, standardError, error) = (0.0, 0.0, string.Empty);
        double varianceA = control.Variance, varianceB = treatment.Variance;
        if (!(varianceA > 0) || !(varianceB > 0))
        {
            error = ZeroVarianceError;
            return false;
        }

        double meanA = control.Mean, meanB = treatment.Mean;
        if (differenceType == DifferenceType.Absolute)
        {
            estimate = meanB - meanA;
            standardError = Math.Sqrt(varianceB / treatment.Count + varianceA / control.Count);
            return true;
        }

        if (meanA == 0)
        {
            error = ZeroBaselineError;
            return false;
        }

        estimate = (meanB - meanA) / meanA;
        var meanA2 = meanA * meanA;
        standardError = Math.Sqrt(varianceB / (meanA2 * treatment.Count) + varianceA * meanB * meanB / (meanA2 * meanA2 * control.Count));
        return true;
    }

    private static double WelchDegreesOfFreedom(VariantStatistics control, VariantStatistics treatment)
    {
        double a = control.Variance / control.Count, b = treatment.Variance / treatment.Count;
        return (a + b) * (a + b) / (a * a / (control.Count - 1) + b * b / (treatment.Count - 1));
    }
}
