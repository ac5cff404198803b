namespace StreamingCL.Statistics.Drift;

/// <summary>Outcome of comparing a drift statistic with its threshold; ordered by severity.</summary>
public enum DriftVerdict
{
    /// <summary>No evidence of drift.</summary>
    Stable = 0,

    /// <summary>Drift is emerging (only PSI has a warning band).</summary>
    Warning = 1,

    /// <summary>The current data has drifted from the reference.</summary>
    Drift = 2,
}
