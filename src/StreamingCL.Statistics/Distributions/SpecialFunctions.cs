namespace StreamingCL.Statistics.Distributions;

/// <summary>
/// Elementary building blocks for the distributions: log-gamma, log-beta, the power terms of the
/// incomplete gamma and beta functions, and the accurate <c>log1p</c> that .NET lacks
/// (<c>double.LogP1</c> is <c>Log(1 + x)</c>).
/// </summary>
internal static class SpecialFunctions
{
    internal const double LogSqrtTwoPi = 0.91893853320467274178032973640562;

    // Below this argument log-gamma is shifted up by the recurrence, above it Stirling's series
    // with seven terms is accurate to ~3e-17.
    private const double StirlingThreshold = 10.0;

    /// <summary>log(1 + x) accurate for small |x| (Kahan's trick: the rounding of 1 + x cancels).</summary>
    internal static double Log1P(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>
    /// n (ln r - (r - 1)) for r = 1 + t &gt; 0: the log of r^n e^(-n (r - 1)), the shape shared by
    /// x^a e^-x and x^a (1 - x)^b around their maximum. Near r = 1 the two terms cancel and a
    /// series is used; elsewhere ln r is taken from r itself, which keeps the precision that 1 + t
    /// would lose as t approaches -1. Callers pass both r and t, each computed without cancellation.
    /// </summary>
    internal static double LogPowerDeviation(double n, double r, double t)
    {
        if (Math.Abs(t) > 0.3)
        {
            return n * (Math.Log(r) - t);
        }

        // With u = t / (2 + t), ln(1 + t) = 2 atanh(u) and t - 2u = u t, so
        // ln(1 + t) - t = 2 (u^3/3 + u^5/5 + ...) - u t, a series in u^2 <= 0.033.
        var u = t / (2.0 + t);
        var u2 = u * u;
        var power = u * u2;
        var sum = 0.0;
        for (var k = 3; ; k += 2)
        {
            var term = power / k;
            sum += term;
            if (Math.Abs(term) <= 1e-17 * Math.Abs(sum))
            {
                break;
            }

            power *= u2;
        }

        return n * (2.0 * sum - u * t);
    }

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    internal static double LogGamma(double x)
    {
        if (x >= StirlingThreshold)
        {
            return (x - 0.5) * Math.Log(x) - x + LogSqrtTwoPi + StirlingCorrection(x);
        }

        // Γ(x) = Γ(x + k) / (x (x + 1) ... (x + k - 1)), shifting into Stirling's range.
        var product = 1.0;
        var shifted = x;
        while (shifted < StirlingThreshold)
        {
            product *= shifted;
            shifted += 1.0;
        }

        return LogGamma(shifted) - Math.Log(product);
    }

    /// <summary>
    /// δ(x) = ln Γ(x) - [(x - 1/2) ln x - x + ln √(2π)] for x &gt;= 10, by Stirling's series
    /// (coefficients B_2k / (2k (2k - 1))).
    /// </summary>
    internal static double StirlingCorrection(double x)
    {
        System.Diagnostics.Debug.Assert(x >= StirlingThreshold, "Stirling's series is only accurate from 10 up.");
        var r = 1.0 / x;
        var r2 = r * r;
        return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680
            + r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 * (1.0 / 156)))))));
    }

    /// <summary>
    /// ln B(a, b), arranged so that large arguments do not cancel (the naive
    /// ln Γ(a) + ln Γ(b) - ln Γ(a + b) loses ~eps * a ln a).
    /// </summary>
    internal static double LogBeta(double a, double b)
    {
        var small = Math.Min(a, b);
        var large = Math.Max(a, b);
        var sum = a + b;
        if (small >= StirlingThreshold)
        {
            return LogSqrtTwoPi - 0.5 * Math.Log(sum)
                + (small - 0.5) * Math.Log(small / sum)
                - (large - 0.5) * Log1P(small / large)
                + StirlingCorrection(small) + StirlingCorrection(large) - StirlingCorrection(sum);
        }

        if (large >= StirlingThreshold)
        {
            return LogGamma(small) + LogGammaRatio(large, small);
        }

        return LogGamma(small) + LogGamma(large) - LogGamma(sum);
    }

    /// <summary>ln Γ(x) - ln Γ(x + d) for x &gt;= 10 and d &gt;= 0, without cancellation.</summary>
    private static double LogGammaRatio(double x, double d) =>
        -(x - 0.5) * Log1P(d / x) - d * Math.Log(x + d) + d
        + StirlingCorrection(x) - StirlingCorrection(x + d);

    /// <summary>
    /// x^a (1 - x)^b / B(a, b), the prefactor of the incomplete beta function and, with integer
    /// a and b, (n + 1) times a binomial probability. <paramref name="y"/> is 1 - x, passed
    /// separately so callers can supply it without cancellation.
    /// </summary>
    internal static double BetaPowerTerm(double a, double b, double x, double y)
    {
        if (a >= StirlingThreshold && b >= StirlingThreshold)
        {
            // With s = a + b and λ = s x - a (so x s / a = 1 + λ/a and y s / b = 1 - λ/b):
            // x^a y^b / B(a, b) = sqrt(a b / (2π s)) exp(D(a, λ/a) + D(b, -λ/b) - δ(a) - δ(b) + δ(s)),
            // D as in LogPowerDeviation. The exponent is small near the mode, where the naive
            // logs would each be ~a and cancel.
            var sum = a + b;
            var lambda = x <= 0.5 ? sum * x - a : b - sum * y;
            var exponent = LogPowerDeviation(a, x * sum / a, lambda / a) + LogPowerDeviation(b, y * sum / b, -lambda / b)
                - StirlingCorrection(a) - StirlingCorrection(b) + StirlingCorrection(sum);
            return Math.Sqrt(a * b / (2 * Math.PI * sum)) * Math.Exp(exponent);
        }

        var logX = x <= 0.5 ? Math.Log(x) : Log1P(-y);
        var logY = y <= 0.5 ? Math.Log(y) : Log1P(-x);
        return Math.Exp(a * logX + b * logY - LogBeta(a, b));
    }

    /// <summary>
    /// x^a e^-x / Γ(a), the prefactor of the incomplete gamma function, accurate for large a
    /// (same device as <see cref="BetaPowerTerm"/>).
    /// </summary>
    internal static double GammaPowerTerm(double a, double x)
    {
        if (a >= StirlingThreshold)
        {
            // ln(x^a e^-x / Γ(a)) = a (ln(x/a) - (x/a - 1)) + ln sqrt(a / 2π) - δ(a), by Stirling.
            return Math.Sqrt(a / (2 * Math.PI)) * Math.Exp(LogPowerDeviation(a, x / a, (x - a) / a) - StirlingCorrection(a));
        }

        return Math.Exp(a * Math.Log(x) - x - LogGamma(a));
    }
}
