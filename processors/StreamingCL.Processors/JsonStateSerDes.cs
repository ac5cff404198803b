using System.Text.Json;
using Confluent.Kafka;
using Streamiz.Kafka.Net.SerDes;

namespace StreamingCL.Processors;

/// <summary>
/// Serdes of a processor's internal state (state stores and their changelogs): JSON, so a changelog
/// can be read while debugging. State is private to one application version; events on shared
/// topics use Avro.
/// </summary>
/// <typeparam name="T">The state type.</typeparam>
internal sealed class JsonStateSerDes<T> : AbstractSerDes<T>
    where T : class
{
    // Named literals: a sum that overflowed to infinity must not make the state unwritable
    // (a failed store write would kill the stream thread).
    private static readonly JsonSerializerOptions Format = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public override byte[] Serialize(T data, SerializationContext context) =>
        data is null ? null! : JsonSerializer.SerializeToUtf8Bytes(data, Format);

    public override T Deserialize(byte[] data, SerializationContext context) =>
        data is null ? null! : JsonSerializer.Deserialize<T>(data, Format)!;
}
