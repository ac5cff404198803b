namespace StreamingCL.Statistics.Distributions;

/// <summary>Student's t distribution with real (fractional) degrees of freedom.</summary>
public static class StudentT
{
    /// <summary>P(T &lt;= t) for T ~ t(ν); ν = +∞ gives the normal distribution.</summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        Guard.Positive(degreesOfFreedom);
        if (double.IsNaN(t))
        {
            return double.NaN;
        }

        if (double.IsPositiveInfinity(degreesOfFreedom))
        {
            return Normal.Cdf(t);
        }

        var tail = Tail(Math.Abs(t), degreesOfFreedom);
        return t < 0 ? tail : 1.0 - tail;
    }

    /// <summary>P(T &gt; t), without cancellation in the upper tail.</summary>
    public static double Survival(double t, double degreesOfFreedom) => Cdf(-t, degreesOfFreedom);

    /// <summary>
    /// The quantile t such that P(T &lt;= t) = p: a Cornish-Fisher start refined by Newton's method
    /// on log P(T &gt; t), kept inside a bracket so heavy tails (small ν) cannot throw it out.
    /// </summary>
    public static double Quantile(double p, double degreesOfFreedom)
    {
        Guard.Probability(p);
        Guard.Positive(degreesOfFreedom);
        if (double.IsPositiveInfinity(degreesOfFreedom))
        {
            return Normal.Quantile(p);
        }

        if (p == 0.5)
        {
            return 0.0;
        }

        var tail = Math.Min(p, 1.0 - p);
        if (tail == 0)
        {
            return p < 0.5 ? double.NegativeInfinity : double.PositiveInfinity;
        }

        var t = SolveUpperTail(tail, degreesOfFreedom);
        return p < 0.5 ? -t : t;
    }

    /// <summary>The density of t(ν).</summary>
    internal static double Density(double t, double nu) =>
        Math.Exp(-SpecialFunctions.LogBeta(0.5 * nu, 0.5) - 0.5 * (nu + 1) * SpecialFunctions.Log1P(t * t / nu))
        / Math.Sqrt(nu);

    // P(T > t) for t >= 0: I_x(ν/2, 1/2) / 2 with x = ν / (ν + t²), passing 1 - x = t² / (ν + t²) exactly.
    private static double Tail(double t, double nu)
    {
        var t2 = t * t;
        var denominator = nu + t2;
        return 0.5 * IncompleteBeta.Regularized(0.5 * nu, 0.5, nu / denominator, t2 / denominator).Lower;
    }

    private static double SolveUpperTail(double tail, double nu)
    {
        var z = -Normal.Quantile(tail);
        var z2 = z * z;
        var t = z + z * (z2 + 1) / (4 * nu)
            + z * ((5 * z2 + 16) * z2 + 3) / (96 * nu * nu)
            + z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * nu * nu * nu);
        if (!(t > 0) || double.IsInfinity(t))
        {
            t = z;
        }

        var logTarget = Math.Log(tail);
        var low = 0.0;
        var high = double.PositiveInfinity;
        for (var i = 0; i < 200; i++)
        {
            var upper = Tail(t, nu);
            if (upper > tail)
            {
                low = t;
            }
            else
            {
                high = t;
            }

            // Newton on g(t) = log P(T > t) - log(tail), g'(t) = -density / P(T > t).
            var next = t + (Math.Log(upper) - logTarget) * upper / Density(t, nu);
            if (!(next > low && next < high))
            {
                next = double.IsPositiveInfinity(high) ? 2 * t : 0.5 * (low + high);
            }

            if (Math.Abs(next - t) <= 4e-16 * t)
            {
                return next;
            }

            t = next;
        }

        return t;
    }
}
