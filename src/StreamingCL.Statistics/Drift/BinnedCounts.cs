using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Statistics.Drift;

/// <summary>
/// Streaming histogram of current values over a <see cref="ReferenceProfile"/>'s fixed bins, for
/// PSI, Jensen-Shannon and the chi-square test against that profile. <see cref="Add"/> is a binary search and an
/// increment: no allocation. Not thread-safe; use one instance per stream partition.
/// </summary>
public sealed class BinnedCounts
{
    private const int MaxStackBins = 256;

    private readonly long[] _counts;

    internal BinnedCounts(ReferenceProfile profile)
    {
        Profile = profile;
        _counts = new long[profile.BinCount];
    }

    internal BinnedCounts(ReferenceProfile profile, ReadOnlySpan<long> counts)
        : this(profile)
    {
        if (counts.Length != _counts.Length)
        {
            throw new ArgumentException($"The profile has {_counts.Length} bins, got {counts.Length} counts.", nameof(counts));
        }

        for (var i = 0; i < counts.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(counts[i], nameof(counts));
            _counts[i] = counts[i];
            Count += counts[i];
        }
    }

    /// <summary>The profile whose bins are counted.</summary>
    public ReferenceProfile Profile { get; }

    /// <summary>Number of values added since creation or the last <see cref="Clear"/>.</summary>
    public long Count { get; private set; }

    /// <summary>Count per bin.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Adds a value; NaN and infinities are rejected, never skipped silently.</summary>
    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            ThrowNotFinite(value);
        }

        _counts[Profile.BinOf(value)]++;
        Count++;
    }

    /// <summary>Adds every value of a span.</summary>
    public void AddRange(ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            Add(value);
        }
    }

    /// <summary>Empties the histogram (for tumbling windows).</summary>
    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
    }

    /// <summary>PSI of the counted values against the profile (see <see cref="ReferenceProfile"/>).</summary>
    public double PopulationStabilityIndex()
    {
        Span<double> current = _counts.Length <= MaxStackBins ? stackalloc double[_counts.Length] : new double[_counts.Length];
        return ShareDivergence.PopulationStabilityIndex(Profile.ShareSpan, CurrentShares(current));
    }

    /// <summary>Jensen-Shannon distance (base 2) of the counted values against the profile.</summary>
    public double JensenShannonDistance()
    {
        Span<double> current = _counts.Length <= MaxStackBins ? stackalloc double[_counts.Length] : new double[_counts.Length];
        return ShareDivergence.JensenShannonDistance(Profile.ShareSpan, CurrentShares(current));
    }

    /// <summary>
    /// Pearson chi-square goodness-of-fit test of the counts against the profile's shares taken as
    /// exact (scipy.stats.chisquare(counts, n x shares)); degrees of freedom: bins with a positive
    /// share - 1. Values in a bin the profile gives no share make the statistic infinite (p = 0).
    /// </summary>
    public ChiSquareTestResult ChiSquareGoodnessOfFit()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No values have been added: drift against the profile is undefined.");
        }

        var shares = Profile.ShareSpan;
        var statistic = 0.0;
        var bins = 0;
        for (var i = 0; i < shares.Length; i++)
        {
            if (shares[i] == 0)
            {
                statistic += _counts[i] > 0 ? double.PositiveInfinity : 0.0;
                continue;
            }

            bins++;
            var expected = shares[i] * Count;
            var deviation = _counts[i] - expected;
            statistic += deviation * deviation / expected;
        }

        var degreesOfFreedom = bins - 1;
        var pValue = double.IsPositiveInfinity(statistic) ? 0.0 : degreesOfFreedom == 0 ? 1.0 : ChiSquare.Survival(statistic, degreesOfFreedom);
        return new ChiSquareTestResult(statistic, degreesOfFreedom, pValue);
    }

    private ReadOnlySpan<double> CurrentShares(Span<double> shares)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No values have been added: drift against the profile is undefined.");
        }

        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = (double)_counts[i] / Count;
        }

        return shares;
    }

    private static void ThrowNotFinite(double value) =>
        throw new ArgumentException($"Cannot bin a non-finite value ({value}); clean the data before measuring drift.", nameof(value));
}
