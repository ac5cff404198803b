namespace StreamingCL.Statistics.Distributions;

/// <summary>
/// Distributions of the Kolmogorov-Smirnov statistic D_n = sup |F_n - F| (one sample of size n),
/// which scipy also uses for the asymptotic two-sample p-value.
/// </summary>
public static class Kolmogorov
{
    // Simard and L'Ecuyer (2011), "Computing the Two-Sided Kolmogorov-Smirnov Distribution":
    // which algorithm is accurate where. scipy.stats.kstwo uses the same partition.
    private const int SmallSampleLimit = 140;
    private const int DurbinSampleLimit = 100_000;
    private const double SmallSampleSmirnovLimit = 4.0;
    private const double SmirnovLimit = 2.2;
    private const double NegligibleSurvivalLimit = 370.0;
    private const double DurbinPowerLimit = 1.4;

    // Above this n the one-sided Smirnov sum is replaced by scipy's approximation.
    private const int SmirnovSumLimit = 1_000_000;

    private static readonly double ScaleUp = Math.ScaleB(1.0, 128);
    private static readonly double ScaleDown = Math.ScaleB(1.0, -128);

    /// <summary>
    /// Survival function of Kolmogorov's limiting distribution, P(K &gt; x) with
    /// K = lim sqrt(n) D_n (scipy.special.kolmogorov).
    /// </summary>
    public static double LimitingSurvival(double x)
    {
        Guard.NotNaN(x);
        if (x <= 0)
        {
            return 1.0;
        }

        // Two Jacobi theta series: the first converges fast for small x, the second for large x.
        if (x < 0.82)
        {
            var a = -Math.PI * Math.PI / (8 * x * x);
            var cdf = 0.0;
            for (var k = 1; ; k += 2)
            {
                var term = Math.Exp(a * k * k);
                cdf += term;
                if (term <= 1e-17 * cdf)
                {
                    break;
                }
            }

            return Math.Clamp(1.0 - Math.Sqrt(2 * Math.PI) / x * cdf, 0.0, 1.0);
        }

        var b = -2 * x * x;
        var sum = 0.0;
        var sign = 1.0;
        for (var k = 1; ; k++)
        {
            var term = Math.Exp(b * k * k);
            sum += sign * term;
            if (term <= 1e-17 * sum)
            {
                break;
            }

            sign = -sign;
        }

        return Math.Clamp(2 * sum, 0.0, 1.0);
    }

    /// <summary>
    /// P(D_n &gt;= d) for the two-sided one-sample statistic with sample size n
    /// (scipy.stats.kstwo.sf), following Simard and L'Ecuyer's choice of exact algorithm or
    /// approximation for each (n, d).
    /// </summary>
    public static double Survival(double d, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        Guard.NotNaN(d);
        if (d >= 1.0)
        {
            return 0.0;
        }

        if (d <= 0.0)
        {
            return 1.0;
        }

        var t = n * d;
        if (t <= 1.0)
        {
            // Ruben and Gambino: P(D_n < d) = n! / n^n (2t - 1)^n for 1/(2n) <= d <= 1/n.
            return t <= 0.5 ? 1.0 : 1.0 - FactorialOverPower(n, 2 * t - 1);
        }

        if (t >= n - 1)
        {
            return Math.Clamp(2 * Math.Pow(1.0 - d, n), 0.0, 1.0);
        }

        // For d >= 1/2 the two one-sided events cannot both happen: the survival is twice Smirnov's.
        if (d >= 0.5)
        {
            return Math.Clamp(2 * Smirnov(n, d), 0.0, 1.0);
        }

        var nd2 = t * d;
        if (n <= SmallSampleLimit ? nd2 > SmallSampleSmirnovLimit : nd2 >= SmirnovLimit)
        {
            // Twice the one-sided tail is the two-sided one up to a negligible intersection term.
            return n > SmallSampleLimit && nd2 >= NegligibleSurvivalLimit ? 0.0 : Math.Clamp(2 * Smirnov(n, d), 0.0, 1.0);
        }

        // Simard and L'Ecuyer (and scipy) switch to Pomeranz's recursion for
        // 0.754693 < n d^2 <= 4 when n <= 140; the Durbin matrix is exact there too and costs
        // at most a 47 x 47 matrix power, so one exact algorithm serves both ranges.
        var cdf = n <= SmallSampleLimit || (n <= DurbinSampleLimit && n * Math.Pow(d, 1.5) <= DurbinPowerLimit)
            ? DurbinMatrixCdf(n, d)
            : PelzGoodCdf(n, d);
        return Math.Clamp(1.0 - cdf, 0.0, 1.0);
    }

    /// <summary>
    /// One-sided survival P(D_n^+ &gt;= x) (scipy.special.smirnov) by the Smirnov / Birnbaum-Tingey sum
    /// x Σ_v C(n, v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v), v &lt; n(1 - x). Each term is computed as a
    /// binomial probability through <see cref="SpecialFunctions.BetaPowerTerm"/>, which avoids the
    /// cancellation of ln C(n, v) against the powers (both ~n) that a log-space sum would suffer.
    /// </summary>
    internal static double Smirnov(int n, double x)
    {
        if (x >= 1.0)
        {
            return 0.0;
        }

        if (n > SmirnovSumLimit)
        {
            var z = 6.0 * n * x + 1;
            return Math.Exp(-z * z / 18.0 / n);
        }

        // floor(n x) exactly: n x = hi + lo with lo recovered by a fused multiply-add.
        double nx = n * x, nxError = Math.FusedMultiplyAdd(n, x, -nx);
        var nxFloor = Math.Floor(nx);
        if (nx == nxFloor && nxError < 0)
        {
            nxFloor -= 1;
        }

        var lastTerm = n - (int)nxFloor - 1;
        var sum = 0.0;
        var previous = 0.0;
        for (var v = 0; v <= lastTerm; v++)
        {
            var p = x + (double)v / n;
            var q = ((n - v) - nx - nxError) / n;
            if (!(q > 0))
            {
                break;
            }

            // C(n, v) p^(v-1) q^(n-v) = p^(v+1) q^(n-v+1) / B(v+1, n-v+1) / ((n + 1) p² q).
            var term = SpecialFunctions.BetaPowerTerm(v + 1, n - v + 1, p, q) / ((n + 1.0) * p * p * q);
            sum += term;

            // The terms rise to a single peak and then fall: stop once the rest cannot matter.
            if (term < previous && 4.0 * (lastTerm - v + 1) * term < 2.2e-16 * sum)
            {
                break;
            }

            previous = term;
        }

        return x * sum;
    }

    /// <summary>
    /// P(D_n &lt; d) by Durbin's matrix formula as evaluated by Marsaglia, Tsang and Wang (2003):
    /// n!/n^n (H^n)[k, k] with k = ceil(n d) and H a (2k-1)-square matrix of inverse factorials.
    /// Intermediate powers are rescaled by 2^±128 and the scale carried as an exponent.
    /// </summary>
    internal static double DurbinMatrixCdf(int n, double d)
    {
        var nd = n * d;
        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = 2 * k - 1;

        var inverseFactorial = new double[m + 1];
        inverseFactorial[0] = 1.0;
        for (var j = 1; j <= m; j++)
        {
            inverseFactorial[j] = inverseFactorial[j - 1] / j;
        }

        var matrix = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j <= Math.Min(i + 1, m - 1); j++)
            {
                matrix[i * m + j] = inverseFactorial[i - j + 1];
            }
        }

        for (var i = 0; i < m; i++)
        {
            matrix[i * m] = (1.0 - Math.Pow(h, i + 1)) * inverseFactorial[i + 1];
            matrix[(m - 1) * m + i] = (1.0 - Math.Pow(h, m - i)) * inverseFactorial[m - i];
        }

        matrix[(m - 1) * m] = (1.0 - 2 * Math.Pow(h, m) + Math.Pow(Math.Max(0.0, 2 * h - 1), m)) * inverseFactorial[m];

        var (power, exponent) = MatrixPower(matrix, m, n, k - 1);
        var p = power[(k - 1) * m + (k - 1)];

        // Multiply by n!/n^n one factor at a time, rescaling before underflow.
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (p < ScaleDown)
            {
                p *= ScaleUp;
                exponent -= 128;
            }
        }

        return Math.ScaleB(p, exponent);
    }

    private static (double[] Power, int Exponent) MatrixPower(double[] matrix, int m, int n, int watched)
    {
        var result = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            result[i * m + i] = 1.0;
        }

        var scratch = new double[m * m];
        var baseMatrix = (double[])matrix.Clone();
        int resultExponent = 0, baseExponent = 0;
        for (var remaining = n; remaining > 0; remaining >>= 1)
        {
            if ((remaining & 1) != 0)
            {
                Multiply(result, baseMatrix, scratch, m);
                (result, scratch) = (scratch, result);
                resultExponent += baseExponent + Rescale(result, m, watched);
            }

            if (remaining > 1)
            {
                Multiply(baseMatrix, baseMatrix, scratch, m);
                (baseMatrix, scratch) = (scratch, baseMatrix);
                baseExponent = 2 * baseExponent + Rescale(baseMatrix, m, watched);
            }
        }

        return (result, resultExponent);
    }

    private static int Rescale(double[] matrix, int m, int watched)
    {
        var exponent = 0;
        while (matrix[watched * m + watched] > ScaleUp)
        {
            for (var i = 0; i < matrix.Length; i++)
            {
                matrix[i] *= ScaleDown;
            }

            exponent += 128;
        }

        return exponent;
    }

    private static void Multiply(double[] left, double[] right, double[] product, int m)
    {
        Array.Clear(product);
        for (var i = 0; i < m; i++)
        {
            for (var l = 0; l < m; l++)
            {
                var factor = left[i * m + l];
                if (factor == 0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    product[i * m + j] += factor * right[l * m + j];
                }
            }
        }
    }

    /// <summary>
    /// Pelz and Good's (1976) asymptotic expansion of P(D_n &lt;= x) to order n^(-3/2), written as
    /// Jacobi theta series that converge fast for small z = x sqrt(n).
    /// </summary>
    internal static double PelzGoodCdf(int n, double x)
    {
        var z = Math.Sqrt(n) * x;
        double z2 = z * z, z4 = z2 * z2, z6 = z4 * z2;
        var logQ = -Math.PI * Math.PI / (8 * z2);
        if (logQ < -708)
        {
            return 0.0;
        }

        double pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
        var terms = (int)Math.Ceiling(16 * z / Math.PI);

        // Sums over odd m = 2k - 1 of polynomial(m²) q^(m²), one per order of the expansion.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (var k = terms; k >= 1; k--)
        {
            double m = 2 * k - 1, m2 = m * m, m4 = m2 * m2;
            var weight = Math.Exp(logQ * m2);
            s0 += weight;
            s1 += weight * (pi2 / 4 * m2 - z2);
            s2 += weight * (6 * z6 + 2 * z4 + (2 * z4 - 5 * z2) * pi2 / 4 * m2 + pi4 * (1 - 2 * z2) / 16 * m4);
            s3 += weight * (-30 * z6 - 90 * z6 * z2 + pi2 * (135 * z4 - 96 * z6) / 4 * m2
                + pi4 * (212 * z4 - 60 * z2) / 16 * m4 + pi6 * (5 - 30 * z2) / 64 * m4 * m2);
        }

        // The second-order and third-order terms also carry sums over all integers k.
        var logR = -pi2 / (2 * z2);
        double r2 = 0, r3 = 0;
        for (var k = terms; k >= 1; k--)
        {
            double k2 = (double)k * k;
            var weight = k2 * Math.Exp(logR * k2);
            r2 += weight;
            r3 += weight * (3 * z2 - pi2 * k2);
        }

        var sqrtTwoPi = Math.Sqrt(2 * Math.PI);
        var k0 = sqrtTwoPi / z * s0;
        var k1 = sqrtTwoPi / (6 * z4) * s1;
        var k2Term = sqrtTwoPi / (72 * z6 * z) * s2 - pi2 * sqrtTwoPi / (36 * z2 * z) * r2;
        var k3 = sqrtTwoPi / (6480 * z6 * z4) * s3 + pi2 * sqrtTwoPi / (216 * z6) * r3;
        var sqrtN = Math.Sqrt(n);
        return k0 + k1 / sqrtN + k2Term / n + k3 / (n * sqrtN);
    }

    // n! / n^n * base^n, as a product for small n and by Stirling's formula above.
    private static double FactorialOverPower(int n, double factor)
    {
        if (n <= SmallSampleLimit)
        {
            var product = 1.0;
            for (var i = 1; i <= n; i++)
            {
                product *= i * factor / n;
            }

            return product;
        }

        // ln(n!/n^n) = ln(n)/2 - n + ln √(2π) + δ(n).
        var logRatio = 0.5 * Math.Log(n) - n + SpecialFunctions.LogSqrtTwoPi + SpecialFunctions.StirlingCorrection(n);
        return Math.Exp(logRatio + n * Math.Log(factor));
    }
}
