namespace StreamingCL.Statistics.Distributions;

/// <summary>The standard normal distribution.</summary>
public static class Normal
{
    /// <summary>Φ(x), accurate to ~1e-15 relative in both tails (computed as an incomplete gamma tail).</summary>
    public static double Cdf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        // erfc(z) = Q(1/2, z^2): the half of the mass beyond |x| is Q(1/2, x^2/2) / 2.
        var tail = 0.5 * IncompleteGamma.Regularized(0.5, 0.5 * x * x).Upper;
        return x < 0 ? tail : 1.0 - tail;
    }

    /// <summary>1 - Φ(x), without cancellation for large x.</summary>
    public static double Survival(double x) => Cdf(-x);

    /// <summary>The density φ(x).</summary>
    public static double Density(double x) => Math.Exp(-0.5 * x * x - SpecialFunctions.LogSqrtTwoPi);

    /// <summary>
    /// Φ⁻¹(p): Abramowitz and Stegun 26.2.23 (error &lt; 4.5e-4) refined by Halley's method on
    /// the lower tail, which triples the correct digits per step; two or three steps reach
    /// full double precision.
    /// </summary>
    public static double Quantile(double p)
    {
        Guard.Probability(p);
        if (p == 0.5)
        {
            return 0.0;
        }

        // Work with the smaller tail probability (1 - p is exact for p >= 0.5) and a negative x.
        var tail = Math.Min(p, 1.0 - p);
        if (tail == 0)
        {
            return p < 0.5 ? double.NegativeInfinity : double.PositiveInfinity;
        }

        var t = Math.Sqrt(-2.0 * Math.Log(tail));
        var x = -(t - (2.515517 + t * (0.802853 + t * 0.010328))
                    / (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
        for (var i = 0; i < 4; i++)
        {
            var ratio = (Cdf(x) - tail) / Density(x);
            var step = ratio / (1.0 + 0.5 * x * ratio);
            x -= step;
            if (Math.Abs(step) <= 1e-16 * Math.Abs(x))
            {
                break;
            }
        }

        return p < 0.5 ? x : -x;
    }
}
