using StreamingCL.Statistics.Distributions;
using StreamingCL.Statistics.Tests.Reference;

namespace StreamingCL.Statistics.Tests.Distributions;

/// <summary>Special functions against scipy 1.10 (Reference/generate_distributions.py).</summary>
public sealed class DistributionReferenceTests
{
    private const string File = "distributions.json";

    // scipy's own functions are accurate to a few ulps; 1e-12 relative leaves room for our
    // independent algorithms while catching any formula or branch error (those show at 1e-6 or worse).
    private const double Relative = 1e-12;

    // scipy flushes probabilities below the normal double range to 0; ours stay subnormal.
    private const double BelowNormalRange = 1e-300;

    [Fact]
    public void Normal_cdf_and_survival_match_scipy_in_both_tails()
    {
        foreach (var c in ReferenceData.Cases(File, "normal_cdf"))
        {
            var x = c.Number("x");
            Close.To(c.Number("cdf"), Normal.Cdf(x), Relative, BelowNormalRange, context: $"Φ({x})");
            Close.To(c.Number("sf"), Normal.Survival(x), Relative, BelowNormalRange, context: $"1-Φ({x})");
        }
    }

    [Fact]
    public void Normal_quantile_matches_scipy()
    {
        foreach (var c in ReferenceData.Cases(File, "normal_quantile"))
        {
            var p = c.Number("p");
            Close.To(c.Number("quantile"), Normal.Quantile(p), Relative, context: $"Φ⁻¹({p})");
        }
    }

    [Fact]
    public void Student_t_cdf_and_survival_match_scipy_for_fractional_and_huge_dof()
    {
        foreach (var c in ReferenceData.Cases(File, "t_cdf"))
        {
            double t = c.Number("t"), dof = c.Number("dof");
            Close.To(c.Number("cdf"), StudentT.Cdf(t, dof), Relative, BelowNormalRange, context: $"T_{dof}({t})");
            Close.To(c.Number("sf"), StudentT.Survival(t, dof), Relative, BelowNormalRange, context: $"1-T_{dof}({t})");
        }
    }

    // Reference from a 40-digit mpmath root: scipy 1.10's t.ppf is only accurate to ~1e-10.
    [Fact]
    public void Student_t_quantile_matches_high_precision_root()
    {
        foreach (var c in ReferenceData.Cases(File, "t_quantile"))
        {
            double p = c.Number("p"), dof = c.Number("dof");
            Close.To(c.Number("quantile"), StudentT.Quantile(p, dof), Relative, context: $"T⁻¹_{dof}({p})");
        }
    }

    [Fact]
    public void Chi_square_survival_and_cdf_match_scipy()
    {
        foreach (var c in ReferenceData.Cases(File, "chi2"))
        {
            double x = c.Number("x"), dof = c.Number("dof");
            Close.To(c.Number("sf"), ChiSquare.Survival(x, dof), Relative, context: $"Q_{dof}({x})");
            Close.To(c.Number("cdf"), ChiSquare.Cdf(x, dof), Relative, context: $"P_{dof}({x})");
        }
    }

    [Fact]
    public void Binomial_cdf_matches_scipy_up_to_two_million_trials()
    {
        foreach (var c in ReferenceData.Cases(File, "binomial_cdf"))
        {
            long k = c.Long("k"), n = c.Long("n");
            var p = c.Number("p");
            Close.To(c.Number("cdf"), Binomial.Cdf(k, n, p), Relative, context: $"Bin({n},{p}) cdf({k})");
        }
    }

    [Fact]
    public void Kolmogorov_limiting_survival_matches_scipy_special_kolmogorov()
    {
        foreach (var c in ReferenceData.Cases(File, "kolmogorov_limiting"))
        {
            var x = c.Number("x");
            Close.To(c.Number("sf"), Kolmogorov.LimitingSurvival(x), Relative, context: $"K({x})");
        }
    }

    [Fact]
    public void Kolmogorov_exact_survival_matches_scipy_kstwo_on_every_branch()
    {
        foreach (var c in ReferenceData.Cases(File, "kstwo_sf"))
        {
            var d = c.Number("d");
            var n = c.Integer("n");
            // Where the survival is 1 - cdf (small d) both libraries carry ~1e-15 absolute error
            // from that subtraction, so an absolute floor is added to the relative tolerance.
            Close.To(c.Number("sf"), Kolmogorov.Survival(d, n), Relative, 1e-14, $"kstwo.sf({d}, {n})");
        }
    }
}
