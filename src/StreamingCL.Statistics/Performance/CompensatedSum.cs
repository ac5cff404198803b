namespace StreamingCL.Statistics.Performance;

/// <summary>
/// Neumaier's compensated sum. A sliding window takes every value back out of its sums; with plain
/// addition each removal could leave a rounding residue of ε times the largest value seen, which a
/// window of small values would carry forever. Compensation keeps the low-order bits, so the
/// residue is of second order (about ε² times the largest values).
/// </summary>
internal struct CompensatedSum
{
    private double _sum;
    private double _compensation;

    public CompensatedSum(CompensatedSumSnapshot snapshot)
    {
        _sum = snapshot.Sum;
        _compensation = snapshot.Compensation;
    }

    public readonly double Value => _sum + _compensation;

    public readonly CompensatedSumSnapshot Snapshot() => new(_sum, _compensation);

    public void Add(double x)
    {
        var total = _sum + x;
        _compensation += Math.Abs(_sum) >= Math.Abs(x) ? (_sum - total) + x : (x - total) + _sum;
        _sum = total;
    }
}
