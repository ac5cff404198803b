using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>
/// A model version and its current stage: the event-sourced registry. The latest record per
/// model:version key is the version's state. Schema: schemas/ModelVersion.avsc.
/// </summary>
public sealed record ModelVersion : IAvroEvent<ModelVersion>
{
    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(ModelVersion));

    /// <summary>Model.</summary>
    public required string ModelName { get; init; }

    /// <summary>Version number, increasing per model from 1.</summary>
    public required int Version { get; init; }

    /// <summary>Version this one was trained from or replaced.</summary>
    public int? ParentVersion { get; init; }

    /// <summary>Current stage.</summary>
    public required ModelStage Stage { get; init; }

    /// <summary>How the version was trained.</summary>
    public required TrainingKind TrainingKind { get; init; }

    /// <summary>Trigger that caused the training.</summary>
    public string? TriggerId { get; init; }

    /// <summary>When the version was published.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the stage last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who made the last stage change.</summary>
    public required string ChangedBy { get; init; }

    /// <summary>Why the last stage change was made.</summary>
    public required string ChangeReason { get; init; }

    /// <summary>This version's holdout metrics.</summary>
    public IReadOnlyDictionary<string, double> HoldoutMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The champion's metrics on the same holdout.</summary>
    public IReadOnlyDictionary<string, double> ChampionHoldoutMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The data the version was trained on.</summary>
    public required Lineage Lineage { get; init; }

    /// <summary>SHA-256 (hex) of the featurisation.</summary>
    public required string FeatureSpecSha256 { get; init; }

    /// <summary>Reference distributions of the training data; the drift baseline.</summary>
    public IReadOnlyList<FeatureProfile> ReferenceProfile { get; init; } = [];

    /// <summary>Serialised model.</summary>
    public required ReadOnlyMemory<byte> Artifact { get; init; }

    /// <summary>SHA-256 (hex) of <see cref="Artifact"/>.</summary>
    public required string ArtifactSha256 { get; init; }

    /// <summary>The compacted topic's key of this version.</summary>
    public string Key => $"{ModelName}:{Version}";

    /// <inheritdoc/>
    public DateTimeOffset EventTime => UpdatedAt;

    /// <inheritdoc/>
    public static ModelVersion FromAvro(GenericRecord record) => new()
    {
        ModelName = record.Get<string>("model_name"),
        Version = record.Get<int>("version"),
        ParentVersion = record.GetOptional<int>("parent_version"),
        Stage = record.GetEnum<ModelStage>("stage"),
        TrainingKind = record.GetEnum<TrainingKind>("training_kind"),
        TriggerId = record.GetOptionalString("trigger_id"),
        CreatedAt = record.GetTimestamp("created_at"),
        UpdatedAt = record.GetTimestamp("updated_at"),
        ChangedBy = record.Get<string>("changed_by"),
        ChangeReason = record.Get<string>("change_reason"),
        HoldoutMetrics = record.GetMap<double>("holdout_metrics"),
        ChampionHoldoutMetrics = record.GetMap<double>("champion_holdout_metrics"),
        Lineage = Lineage.FromAvro(record.Get<GenericRecord>("lineage")),
        FeatureSpecSha256 = record.Get<string>("feature_spec_sha256"),
        ReferenceProfile = record.GetRecords("reference_profile", FeatureProfile.FromAvro),
        Artifact = record.Get<byte[]>("artifact"),
        ArtifactSha256 = record.Get<string>("artifact_sha256"),
    };

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("model_name", ModelName)
        .Set("version", Version)
        .Set("parent_version", ParentVersion)
        .SetEnum("stage", Stage)
        .SetEnum("training_kind", TrainingKind)
        .Set("trigger_id", TriggerId)
        .SetTimestamp("created_at", CreatedAt)
        .SetTimestamp("updated_at", UpdatedAt)
        .Set("changed_by", ChangedBy)
        .Set("change_reason", ChangeReason)
        .SetMap("holdout_metrics", HoldoutMetrics)
        .SetMap("champion_holdout_metrics", ChampionHoldoutMetrics)
        .SetRecord("lineage", Lineage, Lineage.ToAvro)
        .Set("feature_spec_sha256", FeatureSpecSha256)
        .SetRecords("reference_profile", ReferenceProfile, FeatureProfile.ToAvro)
        .Set("artifact", Artifact.ToArray())
        .Set("artifact_sha256", ArtifactSha256)
        .Record;
}

/// <summary>Lifecycle stage of a model version.</summary>
public enum ModelStage
{
    /// <summary>Published, not yet evaluated on live traffic.</summary>
    Candidate,

    /// <summary>Scores live traffic without serving.</summary>
    Shadow,

    /// <summary>Serves a small, ramping share of traffic.</summary>
    Canary,

    /// <summary>Serves the traffic.</summary>
    Production,

    /// <summary>Replaced by a newer production version.</summary>
    Archived,

    /// <summary>Did not beat the champion.</summary>
    Rejected,

    /// <summary>Failed a guardrail and was taken off traffic.</summary>
    RolledBack,
}

/// <summary>The data a version was trained on.</summary>
/// <param name="Ranges">Offset ranges the training data came from.</param>
/// <param name="ExampleCount">Examples used.</param>
/// <param name="ExampleIdsSha256">SHA-256 (hex) of the sorted prediction ids used.</param>
public sealed record Lineage(IReadOnlyList<OffsetRange> Ranges, long ExampleCount, string ExampleIdsSha256)
{
    internal static Lineage FromAvro(GenericRecord record) => new(
        record.GetRecords("ranges", OffsetRange.FromAvro),
        record.Get<long>("example_count"),
        record.Get<string>("example_ids_sha256"));

    internal static GenericRecord ToAvro(RecordSchema schema, Lineage lineage) => new AvroRecordWriter(schema)
        .SetRecords("ranges", lineage.Ranges, OffsetRange.ToAvro)
        .Set("example_count", lineage.ExampleCount)
        .Set("example_ids_sha256", lineage.ExampleIdsSha256)
        .Record;
}

/// <summary>Offsets read from one partition (both inclusive).</summary>
/// <param name="Topic">Topic.</param>
/// <param name="Partition">Partition.</param>
/// <param name="FirstOffset">First offset used.</param>
/// <param name="LastOffset">Last offset used.</param>
public sealed record OffsetRange(string Topic, int Partition, long FirstOffset, long LastOffset)
{
    internal static OffsetRange FromAvro(GenericRecord record) => new(
        record.Get<string>("topic"),
        record.Get<int>("partition"),
        record.Get<long>("first_offset"),
        record.Get<long>("last_offset"));

    internal static GenericRecord ToAvro(RecordSchema schema, OffsetRange range) => new AvroRecordWriter(schema)
        .Set("topic", range.Topic)
        .Set("partition", range.Partition)
        .Set("first_offset", range.FirstOffset)
        .Set("last_offset", range.LastOffset)
        .Record;
}

/// <summary>Reference distribution of one feature in the training data.</summary>
/// <param name="Feature">Feature name, or <see cref="DriftMetric.ScoreFeature"/>.</param>
/// <param name="BinEdges">Inner bin edges of a numeric feature (bins are (e[i-1], e[i]]); empty for categorical.</param>
/// <param name="Categories">Categories of a categorical feature; empty for numeric.</param>
/// <param name="Shares">Share of the reference in each bin or category.</param>
/// <param name="Count">Reference sample size.</param>
public sealed record FeatureProfile(
    string Feature,
    IReadOnlyList<double> BinEdges,
    IReadOnlyList<string> Categories,
    IReadOnlyList<double> Shares,
    long Count)
{
    internal static FeatureProfile FromAvro(GenericRecord record) => new(
        record.Get<string>("feature"),
        record.GetArray<double>("bin_edges"),
        record.GetArray<string>("categories"),
        record.GetArray<double>("shares"),
        record.Get<long>("count"));

    internal static GenericRecord ToAvro(RecordSchema schema, FeatureProfile profile) => new AvroRecordWriter(schema)
        .Set("feature", profile.Feature)
        .SetArray("bin_edges", profile.BinEdges)
        .SetArray("categories", profile.Categories)
        .SetArray("shares", profile.Shares)
        .Set("count", profile.Count)
        .Record;
}
