namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// ADWIN's exponential histogram: row <c>r</c> holds up to <c>maxBuckets</c> buckets summarising
/// 2^r consecutive values each (their total and their sum of squared deviations), oldest first;
/// rows further up hold older data. When a row overflows, its two oldest buckets merge into one
/// bucket of the next row, as in River's <c>AdaptiveWindowing</c>.
/// </summary>
/// <remarks>
/// All rows live in two flat arrays of fixed row width (<c>maxBuckets + 1</c>, the +1 being the
/// transient overflow slot). The arrays only grow when the window doubles past what they can hold,
/// so a detector that has warmed up never allocates again, and <see cref="Clear"/> keeps them.
/// With at least two buckets per row a merge always leaves a bucket behind, so only the last row can
/// empty out, and <see cref="RemoveOldest"/> then drops it.
/// </remarks>
internal sealed class AdwinBuckets
{
    private const int InitialRowCapacity = 16;

    private readonly int _maxBuckets;
    private readonly int _rowWidth;
    private double[] _totals;
    private double[] _variances;
    private int[] _counts;

    public AdwinBuckets(int maxBuckets)
    {
        _maxBuckets = maxBuckets;
        _rowWidth = maxBuckets + 1;
        _totals = new double[InitialRowCapacity * _rowWidth];
        _variances = new double[InitialRowCapacity * _rowWidth];
        _counts = new int[InitialRowCapacity];
        RowCount = 1;
    }

    /// <summary>Rows in use; row 0 always exists (empty only before the first value).</summary>
    public int RowCount { get; private set; }

    public int CountAt(int row) => _counts[row];

    public double TotalAt(int row, int bucket) => _totals[row * _rowWidth + bucket];

    /// <summary>Size in values of any bucket of <paramref name="row"/>.</summary>
    public static double BucketSize(int row) => 1L << row;

    /// <summary>Adds a single value as the newest bucket of row 0, then merges overflowing rows.</summary>
    public void Append(double value)
    {
        Push(0, value, 0.0);

        for (var row = 0; _counts[row] == _maxBuckets + 1; row++)
        {
            MergeOldestPair(row);
            if (_counts[row + 1] <= _maxBuckets)
            {
                break;
            }
        }
    }

    /// <summary>Removes the oldest bucket and returns what it summarised.</summary>
    public (double Size, double Total, double Variance) RemoveOldest()
    {
        var row = RowCount - 1;
        var start = row * _rowWidth;
        var removed = (BucketSize(row), _totals[start], _variances[start]);

        DropOldest(row, 1);
        if (_counts[row] == 0)
        {
            RowCount--;
        }

        return removed;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        RowCount = 1;
    }

    private void MergeOldestPair(int row)
    {
        var start = row * _rowWidth;
        var size = BucketSize(row);
        double total0 = _totals[start], total1 = _totals[start + 1];
        var mean0 = total0 / size;
        var mean1 = total1 / size;
        // Chan et al.'s pairwise update for two halves of equal size n: n * n / (n + n) = n / 2.
        var pairVariance = _variances[start] + _variances[start + 1] + size * 0.5 * (mean0 - mean1) * (mean0 - mean1);

        if (row + 1 == RowCount)
        {
            AddRow();
        }

        Push(row + 1, total0 + total1, pairVariance);
        DropOldest(row, 2);
    }

    private void Push(int row, double total, double variance)
    {
        var slot = row * _rowWidth + _counts[row]++;
        _totals[slot] = total;
        _variances[slot] = variance;
    }

    private void DropOldest(int row, int buckets)
    {
        var start = row * _rowWidth;
        var remaining = _counts[row] - buckets;
        _totals.AsSpan(start + buckets, remaining).CopyTo(_totals.AsSpan(start));
        _variances.AsSpan(start + buckets, remaining).CopyTo(_variances.AsSpan(start));
        _counts[row] = remaining;
    }

    private void AddRow()
    {
        if (RowCount == _counts.Length)
        {
            Array.Resize(ref _counts, _counts.Length * 2);
            Array.Resize(ref _totals, _counts.Length * _rowWidth);
            Array.Resize(ref _variances, _counts.Length * _rowWidth);
        }

        _counts[RowCount++] = 0;
    }
}
