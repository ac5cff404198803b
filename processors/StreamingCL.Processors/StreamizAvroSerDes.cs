using Confluent.Kafka;
using StreamingCL.Kafka.Serialization;
using Streamiz.Kafka.Net.SerDes;

namespace StreamingCL.Processors;

/// <summary>
/// Streamiz serdes of an event, delegating to <see cref="AvroEventSerde{T}"/> (same encodings,
/// thread-safe, tombstones as null): Streamiz shares one instance across tasks and threads.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
/// <param name="serde">The Avro serde, e.g. from <see cref="EventSerdes.For{T}"/>.</param>
public sealed class StreamizAvroSerDes<T>(AvroEventSerde<T> serde) : AbstractSerDes<T>
    where T : class, IAvroEvent<T>
{
    /// <summary>Creates serdes writing single-object encoding.</summary>
    public StreamizAvroSerDes()
        : this(new AvroEventSerde<T>())
    {
    }

    /// <inheritdoc/>
    public override byte[] Serialize(T data, SerializationContext context) => serde.Serialize(data, context);

    /// <inheritdoc/>
    public override T Deserialize(byte[] data, SerializationContext context) => serde.Deserialize(data, data is null, context);
}
