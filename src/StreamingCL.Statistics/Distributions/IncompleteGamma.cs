namespace StreamingCL.Statistics.Distributions;

/// <summary>
/// Regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x): the power series for
/// x &lt; a + 1 and Legendre's continued fraction (modified Lentz) above, each computing the tail
/// that is small so that neither loses relative accuracy to 1 - (something close to 1).
/// </summary>
internal static class IncompleteGamma
{
    private const double Epsilon = 1e-16;
    private const double Tiny = 1e-300;
    private const int MaxIterations = 1_000_000;

    /// <summary>Returns (P(a, x), Q(a, x)) for a &gt; 0, x &gt;= 0.</summary>
    internal static (double Lower, double Upper) Regularized(double a, double x)
    {
        if (x <= 0)
        {
            return (0.0, 1.0);
        }

        if (double.IsPositiveInfinity(x))
        {
            return (1.0, 0.0);
        }

        var prefactor = SpecialFunctions.GammaPowerTerm(a, x);
        if (x < a + 1)
        {
            var lower = prefactor / a * Series(a, x);
            return (lower, 1.0 - lower);
        }

        var upper = prefactor * ContinuedFraction(a, x);
        return (1.0 - upper, upper);
    }

    // Σ x^n / ((a + 1) ... (a + n)), so that P(a, x) = x^a e^-x / Γ(a + 1) times this sum.
    private static double Series(double a, double x)
    {
        var term = 1.0;
        var sum = 1.0;
        for (var n = 1; n < MaxIterations; n++)
        {
            term *= x / (a + n);
            sum += term;
            if (term < Epsilon * sum)
            {
                return sum;
            }
        }

        throw new InvalidOperationException($"Incomplete gamma series did not converge for a={a}, x={x}.");
    }

    // 1 / (x + 1 - a - 1(1 - a) / (x + 3 - a - 2(2 - a) / (x + 5 - a - ...))).
    private static double ContinuedFraction(double a, double x)
    {
        var b = x + 1.0 - a;
        var c = 1.0 / Tiny;
        var d = 1.0 / b;
        var result = d;
        for (var i = 1; i < MaxIterations; i++)
        {
            var an = -i * (i - a);
            b += 2.0;
            d = an * d + b;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = b + an / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1.0 / d;
            var delta = d * c;
            result *= delta;
            if (Math.Abs(delta - 1.0) < Epsilon)
            {
                return result;
            }
        }

        throw new InvalidOperationException($"Incomplete gamma continued fraction did not converge for a={a}, x={x}.");
    }
}
