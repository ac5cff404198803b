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
    // (a failed store write would kill the stream thread). Required and non-nullable members are
    // enforced, so state in another shape fails on reading, not later as a null in the processor.
    private static readonly JsonSerializerOptions Format = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public override byte[] Serialize(T data, SerializationContext context) =>
        data is null ? null! : JsonSerializer.SerializeToUtf8Bytes(data, Format);

    public override T Deserialize(byte[] data, SerializationContext context)
    {
        try
        {
            return data is null ? null! : JsonSerializer.Deserialize<T>(data, Format)!;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"State of type {typeof(T).Name} from {context.Topic ?? "a local store"} does not fit this version: {e.Message} "
                + "It was written by another version (or left by an earlier cluster in the state directory): reset the application's state.", e);
        }
    }
}
