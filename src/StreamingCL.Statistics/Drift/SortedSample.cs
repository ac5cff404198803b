using System.Buffers;

namespace StreamingCL.Statistics.Drift;

/// <summary>A sorted copy of a sample in a pooled buffer, returned to the pool on dispose.</summary>
internal readonly struct SortedSample : IDisposable
{
    private readonly double[] _buffer;
    private readonly int _length;

    internal SortedSample(ReadOnlySpan<double> values)
    {
        _buffer = ArrayPool<double>.Shared.Rent(values.Length);
        _length = values.Length;
        values.CopyTo(_buffer);
        Array.Sort(_buffer, 0, _length);
    }

    internal ReadOnlySpan<double> Values => _buffer.AsSpan(0, _length);

    public void Dispose() => ArrayPool<double>.Shared.Return(_buffer);
}
