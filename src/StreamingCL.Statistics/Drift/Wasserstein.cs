namespace StreamingCL.Statistics.Drift;

/// <summary>The Wasserstein-1 (earth mover's) distance between two samples.</summary>
public static class Wasserstein
{
    /// <summary>Floor of the reference standard deviation in <see cref="NormalisedDistance"/>.</summary>
    public const double StandardDeviationFloor = 0.001;

    /// <summary>∫ |F_u - F_v| dx, as scipy.stats.wasserstein_distance(u, v) (unweighted).</summary>
    public static double Distance(ReadOnlySpan<double> u, ReadOnlySpan<double> v)
    {
        Guard.Sample(u, 1);
        Guard.Sample(v, 1);
        using var sortedU = new SortedSample(u);
        using var sortedV = new SortedSample(v);
        return EmpiricalDistributions.Compare(sortedU.Values, sortedV.Values).Wasserstein;
    }

    /// <summary>
    /// The distance divided by max(σ, 0.001), σ the population (ddof = 0) standard deviation of
    /// the reference, so the threshold is in units of the reference's spread (Evidently's choice).
    /// </summary>
    public static double NormalisedDistance(ReadOnlySpan<double> reference, ReadOnlySpan<double> current) =>
        Distance(reference, current) / Math.Max(PopulationStandardDeviation(reference), StandardDeviationFloor);

    // Two passes (mean, then squared deviations), as numpy's std.
    internal static double PopulationStandardDeviation(ReadOnlySpan<double> values)
    {
        var mean = 0.0;
        foreach (var value in values)
        {
            mean += value;
        }

        mean /= values.Length;
        var squares = 0.0;
        foreach (var value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return Math.Sqrt(squares / values.Length);
    }
}
