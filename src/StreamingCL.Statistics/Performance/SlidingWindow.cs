namespace StreamingCL.Statistics.Performance;

/// <summary>Running metrics that a sliding window can add examples to and take them out of.</summary>
internal interface IWindowMetrics<in T>
{
    void Add(T example);

    void Remove(T example);

    void Clear();
}

/// <summary>
/// The last <c>capacity</c> examples in a ring buffer, kept in step with running metrics: adding an
/// example to a full window removes the oldest from the metrics, in O(1) and without allocating.
/// </summary>
/// <remarks>
/// The metrics keep compensated sums (<see cref="CompensatedSum"/>), so removals leave no residue
/// worth recomputing for, and no addition ever pays for a pass over the window.
/// </remarks>
internal sealed class SlidingWindow<T, TMetrics>(int capacity, TMetrics metrics)
    where TMetrics : class, IWindowMetrics<T>
{
    private readonly T[] _examples = new T[capacity];
    private int _next;

    public int Capacity => _examples.Length;

    public int Count { get; private set; }

    public TMetrics Metrics => metrics;

    /// <summary>The examples in storage order, which is not arrival order once the buffer has wrapped.</summary>
    public ReadOnlySpan<T> Examples => _examples.AsSpan(0, Count);

    /// <summary>Adds <paramref name="example"/>; the metrics validate it before anything changes.</summary>
    public void Add(T example)
    {
        metrics.Add(example);
        if (Count == Capacity)
        {
            metrics.Remove(_examples[_next]);
        }
        else
        {
            Count++;
        }

        _examples[_next] = example;
        _next = _next + 1 == Capacity ? 0 : _next + 1;
    }

    public void Clear()
    {
        Count = 0;
        _next = 0;
        metrics.Clear();
    }
}
