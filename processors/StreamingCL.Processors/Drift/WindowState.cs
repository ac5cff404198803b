namespace StreamingCL.Processors.Drift;

/// <summary>
/// The open window of one model version: per feature, what the comparison at its close needs.
/// Loaded from the store, updated by a prediction and written back.
/// </summary>
internal sealed class WindowState
{
    public required string Model { get; init; }

    public required int Version { get; init; }

    public required long StartMs { get; init; }

    /// <summary>Numeric features and the score.</summary>
    public Dictionary<string, NumericWindow> Numeric { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Count of each category, per categorical feature.</summary>
    public Dictionary<string, Dictionary<string, long>> Categorical { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A numeric feature in a window: binned counts when its reference was known as the window opened,
/// otherwise only the count here and a reservoir sample of the values in the sample store.
/// </summary>
internal sealed class NumericWindow
{
    /// <summary>Origin of the reference <see cref="Bins"/> counts against; null while values are sampled.</summary>
    public string? Reference { get; init; }

    public long[]? Bins { get; init; }

    /// <summary>Values in the window.</summary>
    public long Count { get; set; }
}

/// <summary>Window arithmetic, in milliseconds of event time: windows start at multiples of the advance, as in Kafka Streams.</summary>
/// <param name="SizeMs">Window length.</param>
/// <param name="AdvanceMs">Distance between window starts (the size for tumbling windows).</param>
/// <param name="GraceMs">How long after its end a window still takes records.</param>
internal sealed record DriftWindows(long SizeMs, long AdvanceMs, long GraceMs)
{
    public static DriftWindows Of(DriftOptions options) => new(
        (long)options.WindowSize.TotalMilliseconds,
        (long)(options.WindowAdvance ?? options.WindowSize).TotalMilliseconds,
        (long)options.WindowGrace.TotalMilliseconds);

    /// <summary>Starts of the windows [start, start + size) that contain <paramref name="timestampMs"/>, oldest first.</summary>
    public IEnumerable<long> StartsOf(long timestampMs)
    {
        var first = (Math.DivRem(timestampMs - SizeMs, AdvanceMs, out var remainder) - (remainder < 0 ? 1 : 0) + 1) * AdvanceMs;
        for (var start = first; start <= timestampMs; start += AdvanceMs)
        {
            yield return start;
        }
    }

    /// <summary>Stream time at which the window starting at <paramref name="startMs"/> closes: its end plus the grace.</summary>
    public long CloseTime(long startMs) => startMs + SizeMs + GraceMs;
}
