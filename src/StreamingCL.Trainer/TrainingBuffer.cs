namespace StreamingCL.Trainer;

/// <summary>
/// The bounded memory of the trainer, fed in arrival order. Each example enters the holdout (the
/// most recent <c>holdoutSize</c>, never trained on); when the holdout is full its oldest moves to
/// the recent window (a ring of the next <c>windowSize</c>); when the window is full its oldest is
/// offered to a reservoir sample of everything that ever left the window (Algorithm R, Vitter
/// 1985: the t-th offer replaces a uniformly chosen slot with probability size / t), which keeps
/// a uniform sample of the old data against catastrophic forgetting.
/// </summary>
/// <remarks>
/// The random generator is seeded, so re-reading the same examples in the same order (what the
/// worker does after a restart) rebuilds the same buffer. Prediction ids are unique within the
/// buffer; the caller checks <see cref="Contains"/> before <see cref="Add"/>. Not thread-safe.
/// </remarks>
internal sealed class TrainingBuffer
{
    private readonly Queue<BufferedExample> _holdout;
    private readonly Queue<BufferedExample> _window;
    private readonly List<BufferedExample> _reservoir;
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Random _random;

    public TrainingBuffer(int holdoutSize, int windowSize, int reservoirSize, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(holdoutSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(reservoirSize);
        HoldoutCapacity = holdoutSize;
        WindowCapacity = windowSize;
        ReservoirCapacity = reservoirSize;
        _holdout = new Queue<BufferedExample>(holdoutSize);
        _window = new Queue<BufferedExample>(windowSize);
        _reservoir = new List<BufferedExample>(reservoirSize);
        _random = new Random(seed);
    }

    public int HoldoutCapacity { get; }

    public int WindowCapacity { get; }

    public int ReservoirCapacity { get; }

    /// <summary>Most recent examples, oldest first.</summary>
    public IReadOnlyCollection<BufferedExample> Holdout => _holdout;

    /// <summary>The recent window, oldest first.</summary>
    public IReadOnlyCollection<BufferedExample> Window => _window;

    /// <summary>The reservoir sample of examples older than the window, in slot order.</summary>
    public IReadOnlyList<BufferedExample> Reservoir => _reservoir;

    /// <summary>Examples that have left the window so far (offered to the reservoir).</summary>
    public long Offered { get; private set; }

    /// <summary>Examples held (holdout, window and reservoir).</summary>
    public int Count => _ids.Count;

    public bool Contains(string predictionId) => _ids.Contains(predictionId);

    public void Add(BufferedExample example)
    {
        if (!_ids.Add(example.PredictionId))
        {
            throw new InvalidOperationException($"Prediction {example.PredictionId} is already buffered.");
        }

        _holdout.Enqueue(example);
        if (_holdout.Count > HoldoutCapacity)
        {
            _window.Enqueue(_holdout.Dequeue());
            if (_window.Count > WindowCapacity)
            {
                Offer(_window.Dequeue());
            }
        }
    }

    private void Offer(BufferedExample example)
    {
        Offered++;
        if (_reservoir.Count < ReservoirCapacity)
        {
            _reservoir.Add(example);
            return;
        }

        var slot = _random.NextInt64(Offered);
        if (slot < ReservoirCapacity)
        {
            _ids.Remove(_reservoir[(int)slot].PredictionId);
            _reservoir[(int)slot] = example;
        }
        else
        {
            _ids.Remove(example.PredictionId);
        }
    }
}
