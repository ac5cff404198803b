namespace StreamingCL.Statistics.Drift;

/// <summary>
/// Streaming histogram of current values over a <see cref="ReferenceProfile"/>'s fixed bins, for
/// PSI, Jensen-Shannon and the chi-square test against that profile. <see cref="Add"/> is a binary
/// search and an increment: no allocation. Not thread-safe; use one instance per stream partition.
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
    /// Pearson chi-square test that the counted values come from the reference's distribution. With
    /// the reference's <see cref="ReferenceProfile.Count"/> m known, a test of homogeneity of the
    /// 2 x K table of its counts (shares x m) and the current ones, without continuity correction
    /// (scipy.stats.chi2_contingency(correction=False)): the reference is a sample too, and taking
    /// its shares as exact would count its noise as drift (about (1 + n/m) times the statistic).
    /// Unknown m: goodness of fit to the shares (scipy.stats.chisquare(counts, n x shares)). Bins
    /// empty on both sides are left out (degrees of freedom: the others - 1); in the goodness of
    /// fit, values in a bin the reference gives no share make the statistic infinite (p = 0).
    /// </summary>
    public ChiSquareTestResult ChiSquareTest()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No values have been added: drift against the profile is undefined.");
        }

        var shares = Profile.ShareSpan;
        double n = Count, m = Profile.Count;
        var statistic = 0.0;
        var bins = 0;
        for (var i = 0; i < shares.Length; i++)
        {
            double observed = _counts[i];
            if (m > 0)
            {
                var reference = shares[i] * m;
                if (observed + reference > 0)
                {
                    bins++;
                    statistic += ChiSquareTestResult.HomogeneityTerm(reference, m, observed, n);
                }
            }
            else if (shares[i] > 0)
            {
                bins++;
                statistic += ChiSquareTestResult.GoodnessOfFitTerm(observed, shares[i] * n);
            }
            else if (observed > 0)
            {
                statistic = double.PositiveInfinity;
            }
        }

        return ChiSquareTestResult.Of(statistic, bins);
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
