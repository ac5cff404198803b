using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Processors.Drift;

/// <summary>The reference of a numeric feature (or of the score): quantile bins and the reference's share in each.</summary>
/// <param name="Origin">Where it came from (<see cref="VersionReferences.PublishedOrigin"/> or a first window); windows binned against it record it.</param>
/// <param name="Edges">Inner bin edges.</param>
/// <param name="Shares">Share of the reference in each bin.</param>
/// <param name="Count">Values the reference was built from (0: unknown), for the chi-square test.</param>
internal sealed record NumericReference(string Origin, double[] Edges, double[] Shares, long Count = 0);

/// <summary>The reference of a categorical feature: the count of each category.</summary>
/// <param name="Origin">Where it came from.</param>
/// <param name="Counts">Count of each category.</param>
internal sealed record CategoricalReference(string Origin, Dictionary<string, long> Counts);

/// <summary>
/// The references of one model version, per feature: those its ModelVersion published and, for
/// features it did not profile, first windows. A published reference replaces a first window's.
/// Stored per model version; the versions of a model are as many as the registry holds.
/// </summary>
/// <param name="Numeric">Numeric features (and the score).</param>
/// <param name="Categorical">Categorical features.</param>
internal sealed record VersionReferences(Dictionary<string, NumericReference> Numeric, Dictionary<string, CategoricalReference> Categorical)
{
    /// <summary>Origin of a reference published in a ModelVersion.</summary>
    public const string PublishedOrigin = "published";

    /// <summary>Origin of a reference taken from the window starting at <paramref name="startMs"/>.</summary>
    public static string WindowOrigin(long startMs) => $"window:{startMs}";

    /// <summary>
    /// The references of a ModelVersion's profiles. A profile with categories is categorical, its
    /// counts recovered as share x count; any other is numeric. Throws
    /// <see cref="ArgumentException"/> on a profile the statistics cannot use.
    /// </summary>
    public static VersionReferences Published(IReadOnlyList<FeatureProfile> profiles)
    {
        var references = new VersionReferences(new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        foreach (var profile in profiles)
        {
            if (references.Numeric.ContainsKey(profile.Feature) || references.Categorical.ContainsKey(profile.Feature))
            {
                throw new ArgumentException($"Feature {profile.Feature} is profiled twice.");
            }

            if (profile.Categories.Count > 0)
            {
                references.Categorical[profile.Feature] = new CategoricalReference(PublishedOrigin, CategoryCounts(profile));
            }
            else
            {
                var validated = Validated(profile.Feature, () => ReferenceProfile.FromStored(profile.BinEdges, profile.Shares, profile.Count));
                references.Numeric[profile.Feature] = new NumericReference(PublishedOrigin, [.. validated.Edges], [.. validated.Shares], validated.Count);
            }
        }

        return references;
    }

    /// <summary>These references, and <paramref name="replacements"/> replacing those of the same features.</summary>
    public VersionReferences Replacing(VersionReferences replacements) =>
        new(Merge(Numeric, replacements.Numeric), Merge(Categorical, replacements.Categorical));

    private static Dictionary<string, long> CategoryCounts(FeatureProfile profile)
    {
        if (profile.Shares.Count != profile.Categories.Count || profile.Count <= 0 || profile.Shares.Any(share => !(share >= 0 && share <= 1)))
        {
            throw new ArgumentException(
                $"Categorical feature {profile.Feature} needs one share in [0, 1] per category and a positive count; " +
                $"it has {profile.Categories.Count} categories, {profile.Shares.Count} shares and count {profile.Count}.");
        }

        var counts = profile.Categories.Select((category, k) => KeyValuePair.Create(category, (long)Math.Round(profile.Shares[k] * profile.Count)));
        return new(Validated(profile.Feature, () => CategoricalReferenceProfile.FromCounts(counts)).Counts, StringComparer.Ordinal);
    }

    private static T Validated<T>(string feature, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"feature {feature}: {e.Message}", e);
        }
    }

    private static Dictionary<string, T> Merge<T>(Dictionary<string, T> current, Dictionary<string, T> replacements)
    {
        var merged = new Dictionary<string, T>(current, StringComparer.Ordinal);
        foreach (var (feature, reference) in replacements)
        {
            merged[feature] = reference;
        }

        return merged;
    }
}

/// <summary>A model version's references with their statistics objects built once, as the transformer caches them.</summary>
internal sealed class LoadedReferences
{
    private readonly Dictionary<string, ReferenceProfile> _numeric;
    private readonly Dictionary<string, CategoricalReferenceProfile> _categorical;

    public LoadedReferences(VersionReferences stored)
    {
        Stored = stored;
        _numeric = stored.Numeric.ToDictionary(pair => pair.Key, pair => ReferenceProfile.FromStored(pair.Value.Edges, pair.Value.Shares, pair.Value.Count), StringComparer.Ordinal);
        _categorical = stored.Categorical.ToDictionary(pair => pair.Key, pair => CategoricalReferenceProfile.FromCounts(pair.Value.Counts), StringComparer.Ordinal);
        HasPublished = stored.Numeric.Values.Any(reference => reference.Origin == VersionReferences.PublishedOrigin)
            || stored.Categorical.Values.Any(reference => reference.Origin == VersionReferences.PublishedOrigin);
    }

    public VersionReferences Stored { get; }

    /// <summary>Whether the version published any reference profile.</summary>
    public bool HasPublished { get; }

    public (string Origin, ReferenceProfile Profile)? Numeric(string feature) =>
        _numeric.TryGetValue(feature, out var profile) ? (Stored.Numeric[feature].Origin, profile) : null;

    public CategoricalReferenceProfile? Categorical(string feature) => _categorical.GetValueOrDefault(feature);
}
