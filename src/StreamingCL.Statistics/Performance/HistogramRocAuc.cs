namespace StreamingCL.Statistics.Performance;

/// <summary>
/// ROC AUC in fixed memory: scores fall into equal-width bins of [0, 1], and the Mann-Whitney
/// statistic is computed on the bins, pairs sharing a bin counting 1/2 as ties do.
/// </summary>
/// <remarks>
/// Binning preserves the order of scores in different bins, so only positive/negative pairs sharing
/// a bin can be misjudged, each by at most 1/2. Hence
/// |estimate - exact AUC| &lt;= 1/2 · Σ_b pos_b · neg_b / (P · N), which <see cref="ErrorBound"/>
/// returns: it is computed from the same counts, so it is known exactly with every estimate.
/// </remarks>
internal sealed class HistogramRocAuc(int bins)
{
    private readonly long[] _positives = new long[bins];
    private readonly long[] _negatives = new long[bins];
    private long _positiveCount;
    private long _negativeCount;

    public long PositiveCount => _positiveCount;

    public long NegativeCount => _negativeCount;

    /// <summary>The estimate, or NaN without both classes.</summary>
    public double Value => Compute().Estimate;

    /// <summary>The largest possible distance between <see cref="Value"/> and the exact AUC, or NaN without both classes.</summary>
    public double ErrorBound => Compute().Bound;

    /// <summary>Counts a score with weight 1, or -1 to remove one counted before.</summary>
    public void Add(double score, bool positive, int weight)
    {
        // floor(score * bins) is monotonic in the score; a score of exactly 1 joins the last bin.
        var bin = Math.Min((int)(score * _positives.Length), _positives.Length - 1);
        if (positive)
        {
            _positives[bin] += weight;
            _positiveCount += weight;
        }
        else
        {
            _negatives[bin] += weight;
            _negativeCount += weight;
        }
    }

    public RocAucSnapshot Snapshot() => new([.. _positives], [.. _negatives]);

    public static HistogramRocAuc Restore(RocAucSnapshot snapshot)
    {
        var bins = snapshot.Positives.Count;
        if (bins < 1 || snapshot.Negatives.Count != bins)
        {
            throw new ArgumentException("A ROC AUC snapshot needs at least one bin and as many negative counts as positive ones.", nameof(snapshot));
        }

        var histogram = new HistogramRocAuc(bins);
        for (var bin = 0; bin < bins; bin++)
        {
            histogram._positives[bin] = snapshot.Positives[bin];
            histogram._negatives[bin] = snapshot.Negatives[bin];
            histogram._positiveCount += snapshot.Positives[bin];
            histogram._negativeCount += snapshot.Negatives[bin];
        }

        return histogram;
    }

    public void Clear()
    {
        Array.Clear(_positives);
        Array.Clear(_negatives);
        _positiveCount = 0;
        _negativeCount = 0;
    }

    private (double Estimate, double Bound) Compute()
    {
        if (_positiveCount == 0 || _negativeCount == 0)
        {
            return (double.NaN, double.NaN);
        }

        double wins = 0.0, ties = 0.0, negativesBelow = 0.0;
        for (var bin = 0; bin < _positives.Length; bin++)
        {
            wins += _positives[bin] * negativesBelow;
            ties += (double)_positives[bin] * _negatives[bin];
            negativesBelow += _negatives[bin];
        }

        var pairs = (double)_positiveCount * _negativeCount;
        return ((wins + 0.5 * ties) / pairs, 0.5 * ties / pairs);
    }
}
