using System.Security.Cryptography;
using System.Text.Json;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer;

/// <summary>
/// The featurisation of a model, declared in configuration (section "Trainer:Features") so that
/// the feature vector keeps its meaning from one update to the next: numeric features first, in
/// the order given, then <see cref="HashSlots"/> slots into which "feature=value" of each
/// categorical feature is hashed. Two specs with the same <see cref="ComputeSha256"/> produce
/// the same vector for the same example; a model trained under one spec cannot be warm-started
/// under another.
/// </summary>
/// <remarks>
/// <para>Missing values: a numeric feature absent from an example is 0, and an absent categorical
/// feature sets no slot. Features should therefore be sent so that 0 means "typical" (centred),
/// or be always present. No normaliser is learned: one refitted at each update would move the
/// parameter space under the champion's weights and void the warm start.</para>
/// <para>Hashing: FNV-1a (64-bit) of the UTF-8 bytes of "feature=value", finalised with
/// MurmurHash3's fmix64, modulo <see cref="HashSlots"/>. Stable across processes and platforms,
/// unlike <see cref="string.GetHashCode()"/>. Colliding categories share a slot (and a weight).</para>
/// </remarks>
public sealed class FeatureSpec
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = TrainerOptions.SectionName + ":Features";

    /// <summary>The most hash slots allowed (2^20): each slot is a weight of the linear model.</summary>
    public const int MaxHashSlots = 1 << 20;

    /// <summary>Numeric features, in vector order.</summary>
    public List<string> NumericFeatures { get; set; } = [];

    /// <summary>Categorical features hashed into the slots.</summary>
    public List<string> CategoricalFeatures { get; set; } = [];

    /// <summary>Number of slots the categorical features are hashed into.</summary>
    public int HashSlots { get; set; } = 1024;

    /// <summary>Binary classification (calibrated probability) or regression.</summary>
    public ModelTask Task { get; set; } = ModelTask.BinaryClassification;

    /// <summary>Binary classification: a label at or above this value is positive.</summary>
    public double LabelThreshold { get; set; } = 0.5;

    /// <summary>Length of the feature vector.</summary>
    internal int Dimension => NumericFeatures.Count + (CategoricalFeatures.Count > 0 ? HashSlots : 0);

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(
            NumericFeatures.Count + CategoricalFeatures.Count > 0, SectionName, "declares no feature (NumericFeatures and CategoricalFeatures are both empty).");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (list, key) in new[] { (NumericFeatures, nameof(NumericFeatures)), (CategoricalFeatures, nameof(CategoricalFeatures)) })
        {
            for (var i = 0; i < list.Count; i++)
            {
                var name = list[i];
                var path = $"{SectionName}:{key}:{i}";
                InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(name), path, "is empty.");
                InvalidConfigurationException.ThrowUnless(!name.Contains('=', StringComparison.Ordinal), path, $"'{name}' contains '=', which separates name and value in the hashed key.");
                InvalidConfigurationException.ThrowUnless(seen.Add(name), path, $"'{name}' is declared twice.");
            }
        }

        InvalidConfigurationException.ThrowUnless(
            HashSlots is >= 1 and <= MaxHashSlots, $"{SectionName}:{nameof(HashSlots)}", $"must be between 1 and {MaxHashSlots}, was {HashSlots}.");
        InvalidConfigurationException.ThrowUnless(
            Enum.IsDefined(Task), $"{SectionName}:{nameof(Task)}", $"must be {nameof(ModelTask.BinaryClassification)} or {nameof(ModelTask.Regression)}, was {Task}.");
        InvalidConfigurationException.ThrowUnless(
            double.IsFinite(LabelThreshold), $"{SectionName}:{nameof(LabelThreshold)}", $"must be finite, was {LabelThreshold}.");
    }

    /// <summary>
    /// SHA-256 (lowercase hex) of <see cref="ToCanonicalJson"/>: what ModelVersion.feature_spec_sha256
    /// holds. Settings that do not change the vector or the label (the threshold of a regression,
    /// the slot count without categorical features) do not change it.
    /// </summary>
    public string ComputeSha256() => Convert.ToHexStringLower(SHA256.HashData(ToCanonicalJson()));

    /// <summary>The canonical form: compact UTF-8 JSON with a fixed member order.</summary>
    internal byte[] ToCanonicalJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format", 1);
            writer.WriteString("task", Task.ToString());
            if (Task == ModelTask.BinaryClassification)
            {
                writer.WriteNumber("label_threshold", LabelThreshold);
            }

            writer.WriteStartArray("numeric");
            NumericFeatures.ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
            writer.WriteStartArray("categorical");
            CategoricalFeatures.ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
            writer.WriteNumber("hash_slots", CategoricalFeatures.Count > 0 ? HashSlots : 0);
            writer.WriteString("hash", "fnv1a64-fmix64");
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>Reads the canonical form back (the artifact carries it).</summary>
    internal static FeatureSpec FromCanonicalJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.GetProperty("format").GetInt32() != 1 || root.GetProperty("hash").GetString() != "fnv1a64-fmix64")
        {
            throw new InvalidDataException("The feature spec is in an unknown format.");
        }

        var spec = new FeatureSpec
        {
            Task = Enum.Parse<ModelTask>(root.GetProperty("task").GetString()!),
            NumericFeatures = [.. root.GetProperty("numeric").EnumerateArray().Select(e => e.GetString()!)],
            CategoricalFeatures = [.. root.GetProperty("categorical").EnumerateArray().Select(e => e.GetString()!)],
        };
        var slots = root.GetProperty("hash_slots").GetInt32();
        spec.HashSlots = slots > 0 ? slots : spec.HashSlots;
        if (root.TryGetProperty("label_threshold", out var threshold))
        {
            spec.LabelThreshold = threshold.GetDouble();
        }

        spec.Validate();
        return spec;
    }
}
