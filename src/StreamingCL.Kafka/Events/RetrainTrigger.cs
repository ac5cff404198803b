using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>A request to train a new version of a model, with its evidence. Schema: schemas/RetrainTrigger.avsc.</summary>
public sealed record RetrainTrigger : IAvroEvent<RetrainTrigger>
{
    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(RetrainTrigger));

    /// <summary>Deterministic id; a replayed trigger has the same id and is ignored.</summary>
    public required string TriggerId { get; init; }

    /// <summary>Model to retrain.</summary>
    public required string ModelName { get; init; }

    /// <summary>What caused the trigger.</summary>
    public required TriggerKind Kind { get; init; }

    /// <summary>When the trigger fired.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Human-readable explanation.</summary>
    public required string Reason { get; init; }

    /// <summary>Metric values that caused the trigger.</summary>
    public IReadOnlyDictionary<string, double> Evidence { get; init; } = new Dictionary<string, double>();

    /// <summary>Training asked for; null lets the trainer's policy decide.</summary>
    public TrainingKind? TrainingKind { get; init; }

    /// <summary>Processor or person that fired the trigger.</summary>
    public required string RequestedBy { get; init; }

    /// <inheritdoc/>
    public DateTimeOffset EventTime => Timestamp;

    /// <inheritdoc/>
    public static RetrainTrigger FromAvro(GenericRecord record) => new()
    {
        TriggerId = record.Get<string>("trigger_id"),
        ModelName = record.Get<string>("model_name"),
        Kind = record.GetEnum<TriggerKind>("kind"),
        Timestamp = record.GetTimestamp("timestamp"),
        Reason = record.Get<string>("reason"),
        Evidence = record.GetMap<double>("evidence"),
        TrainingKind = record.GetOptionalEnum<TrainingKind>("training_kind"),
        RequestedBy = record.Get<string>("requested_by"),
    };

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("trigger_id", TriggerId)
        .Set("model_name", ModelName)
        .SetEnum("kind", Kind)
        .SetTimestamp("timestamp", Timestamp)
        .Set("reason", Reason)
        .SetMap("evidence", Evidence)
        .SetEnum("training_kind", TrainingKind)
        .Set("requested_by", RequestedBy)
        .Record;
}

/// <summary>What caused a retrain trigger.</summary>
public enum TriggerKind
{
    /// <summary>A schedule (every interval).</summary>
    Scheduled,

    /// <summary>A metric under threshold or dropped against the baseline.</summary>
    Performance,

    /// <summary>Data drift over threshold or a detector change.</summary>
    Drift,

    /// <summary>Enough new labeled examples.</summary>
    Volume,

    /// <summary>A person asked for it.</summary>
    Manual,
}

/// <summary>How a model version is trained.</summary>
public enum TrainingKind
{
    /// <summary>Warm start from the champion's parameters on new data.</summary>
    Stateful,

    /// <summary>Full retrain from scratch.</summary>
    Stateless,
}
