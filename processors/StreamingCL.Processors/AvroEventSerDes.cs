using Confluent.Kafka;
using Confluent.SchemaRegistry;
using StreamingCL.Kafka.Serialization;
using Streamiz.Kafka.Net.SerDes;

namespace StreamingCL.Processors;

/// <summary>Streamiz serdes of an event: the same Avro encodings as <see cref="AvroEventSerde{T}"/>.</summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class AvroEventSerDes<T> : AbstractSerDes<T>
    where T : IAvroEvent<T>
{
    private readonly AvroEventSerde<T> _serde;

    /// <summary>Creates the serdes; with a registry client it writes the Confluent wire format.</summary>
    public AvroEventSerDes(ISchemaRegistryClient? schemaRegistry = null) => _serde = new AvroEventSerde<T>(schemaRegistry);

    /// <inheritdoc/>
    public override byte[] Serialize(T data, SerializationContext context) => _serde.Serialize(data, context);

    /// <inheritdoc/>
    public override T Deserialize(byte[] data, SerializationContext context) =>
        _serde.Deserialize(data, data is null, context);
}
