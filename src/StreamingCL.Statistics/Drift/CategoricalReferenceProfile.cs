namespace StreamingCL.Statistics.Drift;

/// <summary>
/// The reference distribution of a categorical feature: the count of each category. Counts,
/// not just shares, because the chi-square test weighs evidence by sample size; shares follow.
/// </summary>
public sealed class CategoricalReferenceProfile
{
    private readonly Dictionary<string, long> _counts;

    private CategoricalReferenceProfile(Dictionary<string, long> counts, long total)
    {
        _counts = counts;
        Total = total;

        // A fixed (ordinal) category order keeps every computation deterministic.
        Categories = [.. counts.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Count of each reference category.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>Reference categories in ordinal order.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Number of reference values.</summary>
    public long Total { get; }

    /// <summary>Builds the profile from stored category counts (non-negative, not all zero).</summary>
    public static CategoricalReferenceProfile FromCounts(IEnumerable<KeyValuePair<string, long>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var copy = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (category, count) in counts)
        {
            ArgumentNullException.ThrowIfNull(category, nameof(counts));
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(counts));
            if (!copy.TryAdd(category, count))
            {
                throw new ArgumentException($"Category '{category}' appears twice.", nameof(counts));
            }
        }

        return new CategoricalReferenceProfile(copy, NonEmptyTotal(copy, nameof(counts)));
    }

    /// <summary>Builds the profile from the reference values themselves.</summary>
    public static CategoricalReferenceProfile FromValues(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            Increment(counts, value);
        }

        return new CategoricalReferenceProfile(counts, NonEmptyTotal(counts, nameof(values)));
    }

    /// <summary>Creates an empty streaming counter compared against this profile.</summary>
    public CategoryCounts CreateCounts() => new(this);

    /// <summary>
    /// Creates a streaming counter holding <paramref name="counts"/>, a checkpoint of
    /// <see cref="CategoryCounts.Counts"/> (e.g. restored from a stream processor's state store):
    /// each category once, with a non-negative count.
    /// </summary>
    public CategoryCounts CreateCounts(IEnumerable<KeyValuePair<string, long>> counts) => new(this, counts);

    private static long NonEmptyTotal(Dictionary<string, long> counts, string parameter)
    {
        var total = counts.Values.Sum();
        return total > 0 ? total : throw new ArgumentException("The reference sample is empty.", parameter);
    }

    internal static void Increment(Dictionary<string, long> counts, string value)
    {
        ArgumentNullException.ThrowIfNull(value, "category");
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, value, out _)++;
    }
}
