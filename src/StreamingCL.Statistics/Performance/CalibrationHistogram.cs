namespace StreamingCL.Statistics.Performance;

/// <summary>
/// Expected calibration error in the common top-label form (Guo et al. 2017): the confidence of a
/// binary prediction is max(p, 1 - p), bins are (b/B, (b+1)/B], and
/// ECE = Σ_b n_b / n · |accuracy_b - confidence_b| = Σ_b |correct_b - Σ confidence_b| / n.
/// </summary>
internal sealed class CalibrationHistogram(int bins)
{
    private readonly long[] _counts = new long[bins];
    private readonly long[] _correct = new long[bins];
    private readonly CompensatedSum[] _confidenceSums = new CompensatedSum[bins];

    public double ExpectedCalibrationError(long count)
    {
        if (count == 0)
        {
            return double.NaN;
        }

        var gap = 0.0;
        for (var bin = 0; bin < _counts.Length; bin++)
        {
            if (_counts[bin] != 0)
            {
                gap += Math.Abs(_correct[bin] - _confidenceSums[bin].Value);
            }
        }

        return gap / count;
    }

    /// <summary>Counts a prediction with weight 1, or -1 to remove one counted before.</summary>
    public void Add(double confidence, bool correct, int weight)
    {
        var bin = BinOf(confidence);
        _counts[bin] += weight;
        _correct[bin] += correct ? weight : 0;
        _confidenceSums[bin].Add(weight * confidence);
    }

    public CalibrationSnapshot Snapshot() => new([.. _counts], [.. _correct], [.. _confidenceSums.Select(sum => sum.Snapshot())]);

    public static CalibrationHistogram Restore(CalibrationSnapshot snapshot)
    {
        var bins = snapshot.Counts.Count;
        if (bins < 1 || snapshot.Correct.Count != bins || snapshot.ConfidenceSums.Count != bins)
        {
            throw new ArgumentException("A calibration snapshot needs at least one bin and as many correct counts and confidence sums as counts.", nameof(snapshot));
        }

        var histogram = new CalibrationHistogram(bins);
        for (var bin = 0; bin < bins; bin++)
        {
            histogram._counts[bin] = snapshot.Counts[bin];
            histogram._correct[bin] = snapshot.Correct[bin];
            histogram._confidenceSums[bin] = new CompensatedSum(snapshot.ConfidenceSums[bin]);
        }

        return histogram;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Array.Clear(_correct);
        Array.Clear(_confidenceSums);
    }

    /// <summary>The bin b with b/B &lt; confidence &lt;= (b+1)/B, edges being computed as b/B.</summary>
    private int BinOf(double confidence)
    {
        var bins = _counts.Length;
        // confidence * B can be one rounding away from the true ratio: settle against the edges themselves.
        var bin = Math.Clamp((int)Math.Ceiling(confidence * bins) - 1, 0, bins - 1);
        if (bin > 0 && confidence <= (double)bin / bins)
        {
            bin--;
        }
        else if (bin < bins - 1 && confidence > (double)(bin + 1) / bins)
        {
            bin++;
        }

        return bin;
    }
}
