namespace StreamingCL.Statistics.Drift;

/// <summary>Compares a current categorical sample with a reference sample.</summary>
public static class CategoricalDrift
{
    /// <summary>PSI, Jensen-Shannon and chi-square homogeneity between two non-empty samples of categories.</summary>
    public static CategoricalDriftReport Compare(IEnumerable<string> reference, IEnumerable<string> current, DriftThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        var counts = CategoricalReferenceProfile.FromValues(reference).CreateCounts();
        foreach (var category in current)
        {
            counts.Add(category);
        }

        if (counts.Count == 0)
        {
            throw new ArgumentException("The current sample is empty.", nameof(current));
        }

        return counts.Compare(thresholds);
    }
}
