namespace StreamingCL.Statistics.Drift;

/// <summary>
/// The binned picture of a numeric reference sample that drift is measured against: fixed bin
/// edges and the share of the reference in each bin. Build it from a reference sample, or
/// restore it from stored edges and shares (model versions publish it with themselves).
/// </summary>
/// <remarks>
/// <para>Binning (the definition PSI and Jensen-Shannon use throughout this library): with B bins
/// (default 10) the inner edges are the reference quantiles k/B, k = 1..B-1, interpolated
/// linearly between order statistics (numpy's default, <c>np.quantile</c>); duplicate edges are
/// dropped, so heavily tied data yields fewer bins. Bin i holds the values in (e[i-1], e[i]],
/// with outer edges -∞ and +∞, so every finite value falls in exactly one bin.</para>
/// <para>PSI = Σ (q - p) ln(q / p) over the bins, p the reference shares and q the current ones,
/// where a share of exactly zero is replaced by 1e-4 (without renormalising). The
/// Jensen-Shannon distance uses the same bins and the raw shares, without that floor: it is
/// defined for empty bins and then equals scipy.spatial.distance.jensenshannon(p, q, base=2).</para>
/// </remarks>
public sealed class ReferenceProfile
{
    /// <summary>The default number of bins.</summary>
    public const int DefaultBinCount = 10;

    private const double ShareSumTolerance = 1e-9;

    private readonly double[] _edges;
    private readonly double[] _shares;

    private ReferenceProfile(double[] edges, double[] shares, long count)
    {
        _edges = edges;
        _shares = shares;
        Count = count;
    }

    /// <summary>Inner bin edges, strictly increasing (one fewer than the bins).</summary>
    public IReadOnlyList<double> Edges => _edges;

    /// <summary>Share of the reference in each bin (sums to 1).</summary>
    public IReadOnlyList<double> Shares => _shares;

    /// <summary>Number of bins.</summary>
    public int BinCount => _shares.Length;

    /// <summary>
    /// Number of values the reference was built from, or 0 when unknown (a stored profile saved
    /// without it): the chi-square test then takes the shares as exact.
    /// </summary>
    public long Count { get; }

    internal ReadOnlySpan<double> ShareSpan => _shares;

    /// <summary>Builds the profile of a reference sample (at least two finite values).</summary>
    public static ReferenceProfile FromSample(ReadOnlySpan<double> reference, int binCount = DefaultBinCount)
    {
        Guard.Sample(reference, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 2);
        using var sorted = new SortedSample(reference);
        return FromSorted(sorted.Values, binCount);
    }

    /// <summary>Restores a profile from stored inner edges, shares and count (0: unknown), validating them.</summary>
    public static ReferenceProfile FromStored(IReadOnlyList<double> edges, IReadOnlyList<double> shares, long count = 0)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (shares.Count != edges.Count + 1)
        {
            throw new ArgumentException($"A profile with {edges.Count} inner edges needs {edges.Count + 1} shares, got {shares.Count}.", nameof(shares));
        }

        for (var i = 0; i < edges.Count; i++)
        {
            if (!double.IsFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1])))
            {
                throw new ArgumentException($"Edges must be finite and strictly increasing; edge {i} is {edges[i]}.", nameof(edges));
            }
        }

        var sum = 0.0;
        for (var i = 0; i < shares.Count; i++)
        {
            if (!(shares[i] >= 0 && shares[i] <= 1))
            {
                throw new ArgumentException($"Shares must lie in [0, 1]; share {i} is {shares[i]}.", nameof(shares));
            }

            sum += shares[i];
        }

        if (Math.Abs(sum - 1.0) > ShareSumTolerance)
        {
            throw new ArgumentException($"Shares must sum to 1, they sum to {sum}.", nameof(shares));
        }

        return new ReferenceProfile(edges.ToArray(), shares.ToArray(), count);
    }

    /// <summary>Index of the bin holding <paramref name="value"/>: the number of edges strictly below it.</summary>
    public int BinOf(double value)
    {
        // Lower bound over the edges; bins are (e[i-1], e[i]], so a value equal to an edge stays left.
        var edges = _edges;
        int low = 0, length = edges.Length;
        while (length > 0)
        {
            var half = length >> 1;
            if (edges[low + half] < value)
            {
                low += half + 1;
                length -= half + 1;
            }
            else
            {
                length = half;
            }
        }

        return low;
    }

    /// <summary>Creates an empty streaming histogram over this profile's bins.</summary>
    public BinnedCounts CreateCounts() => new(this);

    /// <summary>
    /// Creates a streaming histogram holding <paramref name="counts"/>, a checkpoint of
    /// <see cref="BinnedCounts.Counts"/> over this profile's bins (e.g. restored from a stream
    /// processor's state store): one non-negative count per bin.
    /// </summary>
    public BinnedCounts CreateCounts(ReadOnlySpan<long> counts) => new(this, counts);

    internal static ReferenceProfile FromSorted(ReadOnlySpan<double> sorted, int binCount)
    {
        var edges = new List<double>(binCount - 1);
        for (var k = 1; k < binCount; k++)
        {
            var edge = LinearQuantile(sorted, (double)k / binCount);
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        var profile = new ReferenceProfile([.. edges], new double[edges.Count + 1], sorted.Length);
        foreach (var value in sorted)
        {
            profile._shares[profile.BinOf(value)] += 1;
        }

        for (var i = 0; i < profile._shares.Length; i++)
        {
            profile._shares[i] /= sorted.Length;
        }

        return profile;
    }

    // numpy's 'linear' quantile, including its two-sided interpolation formula, so edges match bit for bit.
    private static double LinearQuantile(ReadOnlySpan<double> sorted, double quantile)
    {
        var position = (sorted.Length - 1) * quantile;
        var below = (int)Math.Floor(position);
        var fraction = position - below;
        var a = sorted[below];
        var b = sorted[Math.Min(below + 1, sorted.Length - 1)];
        var difference = b - a;
        return fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction;
    }
}
