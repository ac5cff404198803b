using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Statistics.Interleaving;

/// <summary>
/// Running count of interleaving outcomes over impressions, with the sign test of whether one
/// ranker is preferred. Not thread-safe.
/// </summary>
public sealed class InterleavingTally
{
    /// <summary>An empty tally.</summary>
    public InterleavingTally()
    {
    }

    /// <summary>A tally restored from its counts (e.g. kept in a state store between impressions).</summary>
    public InterleavingTally(long aWins, long bWins, long ties)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(aWins);
        ArgumentOutOfRangeException.ThrowIfNegative(bWins);
        ArgumentOutOfRangeException.ThrowIfNegative(ties);
        (AWins, BWins, Ties) = (aWins, bWins, ties);
    }

    /// <summary>Impressions won by ranker A.</summary>
    public long AWins { get; private set; }

    /// <summary>Impressions won by ranker B.</summary>
    public long BWins { get; private set; }

    /// <summary>Impressions without a preference.</summary>
    public long Ties { get; private set; }

    /// <summary>All recorded impressions.</summary>
    public long Impressions => AWins + BWins + Ties;

    /// <summary>
    /// Two-sided exact binomial sign test of "no preference" over the impressions with a
    /// preference (ties excluded): scipy.stats.binomtest(AWins, AWins + BWins, 0.5).pvalue;
    /// 1 when no impression had a preference.
    /// </summary>
    public double PValue => SignTestPValue(AWins, BWins);

    /// <summary>Records one impression's outcome.</summary>
    public void Record(InterleavingOutcome outcome)
    {
        switch (outcome)
        {
            case InterleavingOutcome.AWins:
                AWins++;
                break;
            case InterleavingOutcome.BWins:
                BWins++;
                break;
            case InterleavingOutcome.Tie:
                Ties++;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown interleaving outcome.");
        }
    }

    // For p = 1/2 the distribution is symmetric: scipy's "as likely or less likely" two-sided
    // p-value is twice the smaller tail, capped at 1 (which is exactly 1 when wins are even).
    internal static double SignTestPValue(long aWins, long bWins)
    {
        var n = aWins + bWins;
        return n == 0 ? 1.0 : Math.Min(1.0, 2 * Binomial.Cdf(Math.Min(aWins, bWins), n, 0.5));
    }
}
