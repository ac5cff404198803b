using System.Security.Cryptography;
using System.Text;
using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Trainer;

/// <summary>What a ModelVersion records about its training data: lineage and reference profile.</summary>
internal static class TrainingProvenance
{
    /// <summary>
    /// Per topic and partition the first and last offset of the examples used (ordered by topic,
    /// then partition), their count, and the SHA-256 of their prediction ids: the ids sorted by
    /// their UTF-8 bytes, each followed by '\n', i.e. what
    /// <c>printf '%s\n' ids | LC_ALL=C sort | sha256sum</c> prints.
    /// </summary>
    public static Lineage Lineage(IReadOnlyCollection<BufferedExample> examples)
    {
        var ranges = examples
            .GroupBy(e => (e.Position.Topic, e.Position.Partition))
            .Select(g => new OffsetRange(g.Key.Topic, g.Key.Partition, g.Min(e => e.Position.Offset), g.Max(e => e.Position.Offset)))
            .OrderBy(r => r.Topic, StringComparer.Ordinal)
            .ThenBy(r => r.Partition)
            .ToList();
        return new Lineage(ranges, examples.Count, IdsSha256(examples.Select(e => e.PredictionId)));
    }

    public static string IdsSha256(IEnumerable<string> ids)
    {
        var encoded = ids.Select(Encoding.UTF8.GetBytes).ToList();
        encoded.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> newline = "\n"u8;
        foreach (var id in encoded)
        {
            hash.AppendData(id);
            hash.AppendData(newline);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// The drift baseline: for each numeric feature the quantile bins of its present values
    /// (<see cref="ReferenceProfile.FromSample"/>; absent values are not observations of the
    /// feature, and a feature with fewer than two is left out), for each categorical feature the
    /// share of each category (ordinal order), and <see cref="DriftMetric.ScoreFeature"/> binned
    /// from <paramref name="scores"/>, the model's outputs on the same examples.
    /// </summary>
    public static List<FeatureProfile> ReferenceProfiles(
        FeatureSpec spec, IReadOnlyList<BufferedExample> examples, ReadOnlySpan<double> scores, int bins)
    {
        var profiles = new List<FeatureProfile>(spec.NumericFeatures.Count + spec.CategoricalFeatures.Count + 1);
        var values = new List<double>(examples.Count);
        foreach (var feature in spec.NumericFeatures)
        {
            values.Clear();
            foreach (var example in examples)
            {
                if (example.Source.NumericFeatures.TryGetValue(feature, out var value))
                {
                    values.Add(value);
                }
            }

            if (Numeric(feature, values.ToArray(), bins) is { } profile)
            {
                profiles.Add(profile);
            }
        }

        foreach (var feature in spec.CategoricalFeatures)
        {
            var present = examples.Select(e => e.Source.CategoricalFeatures.GetValueOrDefault(feature)).OfType<string>().ToList();
            if (present.Count > 0)
            {
                var reference = CategoricalReferenceProfile.FromValues(present);
                profiles.Add(new FeatureProfile(
                    feature, [], reference.Categories, [.. reference.Categories.Select(c => (double)reference.Counts[c] / reference.Total)], reference.Total));
            }
        }

        if (Numeric(DriftMetric.ScoreFeature, scores.ToArray(), bins) is { } scoreProfile)
        {
            profiles.Add(scoreProfile);
        }

        return profiles;
    }

    private static FeatureProfile? Numeric(string feature, double[] values, int bins)
    {
        if (values.Length < 2)
        {
            return null;
        }

        var reference = ReferenceProfile.FromSample(values, bins);
        return new FeatureProfile(feature, [.. reference.Edges], [], [.. reference.Shares], values.Length);
    }
}
