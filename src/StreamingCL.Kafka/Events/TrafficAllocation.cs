using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>
/// How serving apps split traffic for one experiment or model rollout; the latest record per key
/// wins (compacted topic). Schema: schemas/TrafficAllocation.avsc.
/// </summary>
public sealed record TrafficAllocation : IAvroEvent<TrafficAllocation>
{
    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(TrafficAllocation));

    /// <summary>Experiment id or model name the allocation applies to.</summary>
    public required string Target { get; init; }

    /// <summary>Who sets the weights.</summary>
    public required AllocationKind Kind { get; init; }

    /// <summary>Salt of the unit_id hash.</summary>
    public required string Salt { get; init; }

    /// <summary>Increasing number per target; an older allocation is ignored.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the allocation was decided.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Arms and their weights.</summary>
    public required IReadOnlyList<ArmWeight> Arms { get; init; }

    /// <summary>Why this allocation was made.</summary>
    public required string Reason { get; init; }

    /// <inheritdoc/>
    public DateTimeOffset EventTime => Timestamp;

    /// <inheritdoc/>
    public static TrafficAllocation FromAvro(GenericRecord record) => new()
    {
        Target = record.Get<string>("target"),
        Kind = record.GetEnum<AllocationKind>("kind"),
        Salt = record.Get<string>("salt"),
        Sequence = record.Get<long>("sequence"),
        Timestamp = record.GetTimestamp("timestamp"),
        Arms = record.GetRecords("arms", ArmWeight.FromAvro),
        Reason = record.Get<string>("reason"),
    };

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("target", Target)
        .SetEnum("kind", Kind)
        .Set("salt", Salt)
        .Set("sequence", Sequence)
        .SetTimestamp("timestamp", Timestamp)
        .SetRecords("arms", Arms, ArmWeight.ToAvro)
        .Set("reason", Reason)
        .Record;
}

/// <summary>Who sets an allocation's weights.</summary>
public enum AllocationKind
{
    /// <summary>Fixed A/B weights.</summary>
    Experiment,

    /// <summary>Canary ramp of a model version.</summary>
    Rollout,

    /// <summary>Weights from a bandit policy.</summary>
    Bandit,
}

/// <summary>Traffic share of one arm.</summary>
/// <param name="Arm">Variant name or stage.</param>
/// <param name="Weight">Share of traffic in [0, 1].</param>
/// <param name="ModelVersion">Model version that serves the arm, if any.</param>
/// <param name="Shadow">Scored on its share of traffic without being served.</param>
public sealed record ArmWeight(string Arm, double Weight, int? ModelVersion = null, bool Shadow = false)
{
    internal static ArmWeight FromAvro(GenericRecord record) => new(
        record.Get<string>("arm"),
        record.Get<double>("weight"),
        record.GetOptional<int>("model_version"),
        record.Get<bool>("shadow"));

    internal static GenericRecord ToAvro(RecordSchema schema, ArmWeight arm) => new AvroRecordWriter(schema)
        .Set("arm", arm.Arm)
        .Set("model_version", arm.ModelVersion)
        .Set("weight", arm.Weight)
        .Set("shadow", arm.Shadow)
        .Record;
}
