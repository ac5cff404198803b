using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>An input record a worker could not process, with the reason. Schema: schemas/DeadLetter.avsc.</summary>
public sealed record DeadLetter : IAvroEvent<DeadLetter>
{
    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(DeadLetter));

    /// <summary>Topic the record was read from.</summary>
    public required string OriginalTopic { get; init; }

    /// <summary>Partition it was read from.</summary>
    public required int OriginalPartition { get; init; }

    /// <summary>Offset it was read from.</summary>
    public required long OriginalOffset { get; init; }

    /// <summary>Timestamp of the original record.</summary>
    public required DateTimeOffset OriginalTimestamp { get; init; }

    /// <summary>Original key bytes.</summary>
    public ReadOnlyMemory<byte>? Key { get; init; }

    /// <summary>Original value bytes.</summary>
    public ReadOnlyMemory<byte>? Payload { get; init; }

    /// <summary>Class of failure.</summary>
    public required DeadLetterKind ErrorKind { get; init; }

    /// <summary>Human-readable reason.</summary>
    public required string Reason { get; init; }

    /// <summary>Worker or stream application that rejected the record.</summary>
    public required string Processor { get; init; }

    /// <summary>When the record was rejected.</summary>
    public required DateTimeOffset FailedAt { get; init; }

    /// <inheritdoc/>
    public DateTimeOffset EventTime => FailedAt;

    /// <inheritdoc/>
    public static DeadLetter FromAvro(GenericRecord record) => new()
    {
        OriginalTopic = record.Get<string>("original_topic"),
        OriginalPartition = record.Get<int>("original_partition"),
        OriginalOffset = record.Get<long>("original_offset"),
        OriginalTimestamp = record.GetTimestamp("original_timestamp"),
        Key = OptionalBytes(record, "key"),
        Payload = OptionalBytes(record, "payload"),
        ErrorKind = record.GetEnum<DeadLetterKind>("error_kind"),
        Reason = record.Get<string>("reason"),
        Processor = record.Get<string>("processor"),
        FailedAt = record.GetTimestamp("failed_at"),
    };

    /// <summary>
    /// Typed null: a bare null would bind to ReadOnlyMemory's conversion from byte[] and become an
    /// empty, non-null value.
    /// </summary>
    private static ReadOnlyMemory<byte>? OptionalBytes(GenericRecord record, string field) =>
        record.TryGetValue(field, out var value) && value is byte[] bytes ? bytes : (ReadOnlyMemory<byte>?)null;

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("original_topic", OriginalTopic)
        .Set("original_partition", OriginalPartition)
        .Set("original_offset", OriginalOffset)
        .SetTimestamp("original_timestamp", OriginalTimestamp)
        .Set("key", Key?.ToArray())
        .Set("payload", Payload?.ToArray())
        .SetEnum("error_kind", ErrorKind)
        .Set("reason", Reason)
        .Set("processor", Processor)
        .SetTimestamp("failed_at", FailedAt)
        .Record;
}

/// <summary>Class of failure of a dead-lettered record.</summary>
public enum DeadLetterKind
{
    /// <summary>Bytes that are not an event in any known encoding.</summary>
    Malformed,

    /// <summary>Written with a schema this reader does not know.</summary>
    UnknownSchema,

    /// <summary>Written with a schema that cannot be resolved to the reader's.</summary>
    SchemaMismatch,

    /// <summary>A value out of its domain (NaN, infinity, a probability outside [0, 1]).</summary>
    InvalidValue,

    /// <summary>A field the processor needs is absent.</summary>
    MissingField,

    /// <summary>Refers to a model the registry does not know.</summary>
    UnknownModel,

    /// <summary>An id already processed (a second prediction or feedback for the same prediction_id).</summary>
    Duplicate,

    /// <summary>Feedback whose prediction did not arrive within the join window.</summary>
    Unmatched,

    /// <summary>Any other failure while processing.</summary>
    ProcessingError,
}
