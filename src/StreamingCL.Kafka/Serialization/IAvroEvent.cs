using Avro;
using Avro.Generic;

namespace StreamingCL.Kafka.Serialization;

/// <summary>
/// An event with an Avro schema in schemas/. Events map explicitly to and from Avro generic
/// records, so the C# model stays idiomatic and the wire schema stays language-neutral.
/// </summary>
/// <typeparam name="TSelf">The event type itself.</typeparam>
public interface IAvroEvent<TSelf>
    where TSelf : IAvroEvent<TSelf>
{
    /// <summary>The current (reader) schema of the event, parsed from schemas/.</summary>
    static abstract RecordSchema Schema { get; }

    /// <summary>Builds the event from a record already resolved to <see cref="Schema"/>.</summary>
    static abstract TSelf FromAvro(GenericRecord record);

    /// <summary>The event as a record of <see cref="Schema"/>.</summary>
    GenericRecord ToAvro();

    /// <summary>When the event happened (every event says: its schema has a timestamp); producers set the record timestamp to it.</summary>
    DateTimeOffset EventTime { get; }
}
