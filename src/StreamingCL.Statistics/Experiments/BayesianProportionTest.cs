using System.Runtime.CompilerServices;
using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Statistics.Experiments;

/// <summary>Posterior comparison of two conversion rates.</summary>
/// <param name="ChanceToBeatControl">P(p_treatment &gt; p_control | data).</param>
/// <param name="ExpectedLossOfChoosingControl">E[max(p_treatment - p_control, 0)]: the conversion rate given up if control is kept and treatment is better.</param>
/// <param name="ExpectedLossOfChoosingTreatment">E[max(p_control - p_treatment, 0)]: the risk of shipping the treatment.</param>
public sealed record BayesianProportionResult(double ChanceToBeatControl, double ExpectedLossOfChoosingControl, double ExpectedLossOfChoosingTreatment);

/// <summary>
/// Bayesian A/B comparison of conversion rates with independent Beta(1, 1) priors, so the
/// posteriors are Beta(1 + conversions, 1 + non-conversions).
/// </summary>
/// <remarks>
/// Everything is computed in closed form, not by simulation or quadrature: with integer
/// parameters, P(X &gt; Y) for X ~ Beta(a, b), Y ~ Beta(c, d) is the finite sum
/// Σ_{i&lt;a} B(c + i, d + b) / ((b + i) B(1 + i, b) B(c, d)) (Evan Miller, "Formulas for Bayesian
/// A/B testing", 2015), evaluated by the ratio of consecutive terms in O(min(a, b, c, d)) steps
/// using the symmetries P(X &gt; Y) = P(1 - X &lt; 1 - Y) = 1 - P(Y &gt; X). Expected losses follow from
/// E[X 1{X &gt; Y}] = E[X] P(X⁺ &gt; Y) with X⁺ ~ Beta(a + 1, b). The results are deterministic and
/// exact up to rounding (~1e-12 relative; tested against 30-digit quadrature).
/// </remarks>
public static class BayesianProportionTest
{
    private const double RescaleAbove = 1e250;

    /// <summary>Compares two variants whose statistics are conversions (<see cref="VariantStatistics.FromConversions"/>).</summary>
    public static BayesianProportionResult Compare(VariantStatistics control, VariantStatistics treatment)
    {
        RequireProportion(control);
        RequireProportion(treatment);
        double alphaA = 1 + control.Sum, betaA = 1 + control.Count - control.Sum;
        double alphaB = 1 + treatment.Sum, betaB = 1 + treatment.Count - treatment.Sum;
        double meanA = alphaA / (alphaA + betaA), meanB = alphaB / (alphaB + betaB);

        var chance = ProbabilityGreater(alphaB, betaB, alphaA, betaA);
        var lossOfControl = meanB * ProbabilityGreater(alphaB + 1, betaB, alphaA, betaA) - meanA * ProbabilityGreater(alphaB, betaB, alphaA + 1, betaA);
        var lossOfTreatment = meanA * ProbabilityGreater(alphaA + 1, betaA, alphaB, betaB) - meanB * ProbabilityGreater(alphaA, betaA, alphaB + 1, betaB);
        return new BayesianProportionResult(chance, Math.Max(0.0, lossOfControl), Math.Max(0.0, lossOfTreatment));
    }

    /// <summary>P(X &gt; Y) for X ~ Beta(a, b), Y ~ Beta(c, d), integer parameters.</summary>
    internal static double ProbabilityGreater(double a, double b, double c, double d)
    {
        // Sum for the less likely event (so it keeps its relative precision) with the fewer terms:
        // P(X > Y) = S(a, b, c, d) = S(d, c, b, a); P(Y > X) = S(c, d, a, b) = S(b, a, d, c).
        if (a / (a + b) <= c / (c + d))
        {
            return a <= d ? MillerSum(a, b, c, d) : MillerSum(d, c, b, a);
        }

        return 1.0 - (c <= b ? MillerSum(c, d, a, b) : MillerSum(b, a, d, c));
    }

    // Σ_{i<a} t_i with t_0 = B(c, d + b) / B(c, d) and t_{i+1} / t_i = (c + i)(b + i) / ((c + d + b + i)(1 + i)).
    // The sum is kept relative to t_0 and rescaled before it can overflow.
    private static double MillerSum(double a, double b, double c, double d)
    {
        var logScale = SpecialFunctions.LogBeta(c, d + b) - SpecialFunctions.LogBeta(c, d);
        double term = 1.0, sum = 0.0, previous = 0.0;
        for (var i = 0; i < a; i++)
        {
            sum += term;
            // Terms rise to one peak then fall: stop once the remaining ones cannot add a bit.
            if (term < previous && (a - i) * term < 1e-17 * sum)
            {
                break;
            }

            previous = term;
            term *= (c + i) * (b + i) / ((c + d + b + i) * (1 + i));
            if (term > RescaleAbove)
            {
                term /= RescaleAbove;
                previous /= RescaleAbove;
                sum /= RescaleAbove;
                logScale += Math.Log(RescaleAbove);
            }
        }

        return Math.Exp(logScale + Math.Log(sum));
    }

    private static void RequireProportion(VariantStatistics statistics, [CallerArgumentExpression(nameof(statistics))] string? name = null)
    {
        if (!statistics.IsProportion)
        {
            throw new ArgumentException("The Beta-Binomial comparison needs conversion statistics (VariantStatistics.FromConversions).", name);
        }
    }
}
