using CsCheck;
using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Statistics.Tests.Distributions;

/// <summary>Closed forms and inverse relations the distributions must satisfy.</summary>
public sealed class DistributionClosedFormTests
{
    [Fact]
    public void Student_t_with_one_and_two_degrees_of_freedom_has_its_closed_form() =>
        Gen.Double[-50, 50].Sample(t =>
        {
            Close.To(0.5 + Math.Atan(t) / Math.PI, StudentT.Cdf(t, 1), 1e-13, 1e-16, "Cauchy");
            Close.To(0.5 + t / (2 * Math.Sqrt(2 + t * t)), StudentT.Cdf(t, 2), 1e-13, 1e-16, "t(2)");
        });

    [Fact]
    public void Chi_square_with_two_degrees_of_freedom_is_exponential() =>
        Gen.Double[0, 200].Sample(x => Close.To(Math.Exp(-x / 2), ChiSquare.Survival(x, 2), 1e-13, context: $"x={x}"));

    [Fact]
    public void Quantiles_invert_the_cdfs() =>
        Gen.Select(Gen.Double[1e-9, 1 - 1e-9], Gen.Double[0.3, 5000]).Sample((p, dof) =>
        {
            Close.To(p, Normal.Cdf(Normal.Quantile(p)), 1e-13, 1e-16, "normal");
            Close.To(p, StudentT.Cdf(StudentT.Quantile(p, dof), dof), 1e-12, 1e-16, $"t({dof})");
        });

    [Fact]
    public void Binomial_cdf_equals_the_sum_of_its_probabilities() =>
        Gen.Select(Gen.Int[1, 60], Gen.Double[0.01, 0.99]).Sample((n, p) =>
        {
            var sum = 0.0;
            for (var k = 0; k < n; k++)
            {
                sum += Math.Exp(SpecialFunctions.LogGamma(n + 1) - SpecialFunctions.LogGamma(k + 1) - SpecialFunctions.LogGamma(n - k + 1)
                    + k * Math.Log(p) + (n - k) * Math.Log(1 - p));
                Close.To(sum, Binomial.Cdf(k, n, p), 1e-12, 1e-300, $"Bin({n}, {p}) cdf({k})");
            }
        });

    [Fact]
    public void Log_gamma_matches_known_values()
    {
        // ln Γ enters exponents, so below 10 (where it is shifted up by the recurrence) its
        // absolute error is what counts: a few ulps of ln Γ(10).
        Close.To(0.5 * Math.Log(Math.PI), SpecialFunctions.LogGamma(0.5), 0, 4e-15);
        Close.To(Math.Log(24.0), SpecialFunctions.LogGamma(5), 0, 4e-15);
        Close.To(Math.Log(362880.0), SpecialFunctions.LogGamma(10), 1e-15);
        Close.To(863.2319871924054, SpecialFunctions.LogGamma(201), 1e-15);
    }

    [Fact]
    public void Invalid_parameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Cdf(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Cdf(1, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Normal.Quantile(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChiSquare.Survival(1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kolmogorov.Survival(0.1, 0));
        Assert.Equal(double.NegativeInfinity, Normal.Quantile(0));
        Assert.Equal(double.PositiveInfinity, StudentT.Quantile(1, 3));
    }
}
