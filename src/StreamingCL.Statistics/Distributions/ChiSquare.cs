namespace StreamingCL.Statistics.Distributions;

/// <summary>The chi-square distribution.</summary>
public static class ChiSquare
{
    /// <summary>P(X &gt; x) for X ~ χ²(k): the regularised upper incomplete gamma Q(k/2, x/2).</summary>
    public static double Survival(double x, double degreesOfFreedom)
    {
        Guard.Positive(degreesOfFreedom);
        Guard.NotNaN(x);
        return IncompleteGamma.Regularized(0.5 * degreesOfFreedom, 0.5 * x).Upper;
    }

    /// <summary>P(X &lt;= x) for X ~ χ²(k).</summary>
    public static double Cdf(double x, double degreesOfFreedom)
    {
        Guard.Positive(degreesOfFreedom);
        Guard.NotNaN(x);
        return IncompleteGamma.Regularized(0.5 * degreesOfFreedom, 0.5 * x).Lower;
    }
}
