using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;

namespace StreamingCL.Processors;

/// <summary>
/// Reading events so that nothing crashes a stream thread and nothing is dropped silently: values
/// are read as bytes and decoded in the topology, where a failure (undecodable bytes, schema
/// mismatch, a value the event cannot hold) becomes a DeadLetter with the record's coordinates,
/// written to the dead-letters topic. Decoding inside the topology, rather than in a Streamiz
/// deserializer, keeps the original bytes and offset, which the deserialization handler cannot
/// forward.
/// </summary>
internal static class DeadLetterRouting
{
    /// <summary>
    /// The decoded, validated events of <paramref name="topic"/>; every other record goes to the
    /// dead-letters topic.
    /// </summary>
    /// <param name="builder">The topology builder.</param>
    /// <param name="environment">Topics, serdes and clock.</param>
    /// <param name="topic">The event topic to read.</param>
    /// <param name="processor">The application that rejects, recorded in the dead letter.</param>
    /// <param name="validate">Checks beyond decoding (e.g. <see cref="EventValidation"/>).</param>
    public static IKStream<string, T> Events<T>(
        this StreamBuilder builder,
        ProcessorEnvironment environment,
        EventTopic topic,
        string processor,
        Func<T, EventProblem?> validate)
        where T : class, IAvroEvent<T>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(environment);
        var serde = environment.Serdes.For<T>();
        var name = environment.Topic(topic);
        return builder.Stream(name, new StringSerDes(), new ByteArraySerDes(), $"{processor}-{name}-source")
            .MapValues((key, bytes, context) => Decode(serde, validate, key, bytes, context, processor, environment.Clock), $"{processor}-{name}-decode")
            .WithoutRejections(environment, $"{processor}-{name}")
            .Peek((_, _, _) => environment.Metrics.Accepted(processor, name), $"{processor}-{name}-count");
    }

    /// <summary>The accepted values; rejections are written to the dead-letters topic.</summary>
    public static IKStream<string, T> WithoutRejections<T>(this IKStream<string, Routed<T>> routed, ProcessorEnvironment environment, string name)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(routed);
        ArgumentNullException.ThrowIfNull(environment);
        var branches = routed.Branch($"{name}-split", (_, value, _) => value.Rejection is not null, (_, _, _) => true);
        branches[0]
            .MapValues((value, _) => value.Rejection!, $"{name}-rejected")
            .Peek((_, rejection, _) => environment.Metrics.Observe(rejection), $"{name}-rejected-count")
            .To(environment.Topic(EventTopic.DeadLetters), new StringSerDes(), environment.StreamSerDes<DeadLetter>(), $"{name}-dead-letters");
        return branches[1].MapValues((value, _) => value.Value!, $"{name}-accepted");
    }

    /// <summary>A dead letter for a record.</summary>
    public static DeadLetter Rejection(RecordOrigin record, string? key, byte[]? payload, EventProblem problem, string processor, TimeProvider clock) =>
        new()
        {
            OriginalTopic = record.Topic,
            OriginalPartition = record.Partition,
            OriginalOffset = record.Offset,
            OriginalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampMs),
            // Typed nulls: a bare null would bind to ReadOnlyMemory's conversion from byte[] and become empty, not absent.
            Key = key is null ? (ReadOnlyMemory<byte>?)null : System.Text.Encoding.UTF8.GetBytes(key),
            Payload = payload is null ? (ReadOnlyMemory<byte>?)null : payload,
            ErrorKind = problem.Kind,
            Reason = problem.Reason,
            Processor = processor,
            FailedAt = clock.GetUtcNow(),
        };

    private static Routed<T> Decode<T>(
        AvroEventSerde<T> serde,
        Func<T, EventProblem?> validate,
        string? key,
        byte[]? bytes,
        IRecordContext context,
        string processor,
        TimeProvider clock)
        where T : class, IAvroEvent<T>
    {
        EventProblem? problem;
        try
        {
            var value = serde.Deserialize(bytes ?? [], bytes is null, new Confluent.Kafka.SerializationContext(Confluent.Kafka.MessageComponentType.Value, context.Topic));
            problem = value is null ? new EventProblem(DeadLetterKind.MissingField, "The record has no value (tombstone).") : validate(value);
            if (problem is null)
            {
                return Routed.Accept(value!);
            }
        }
        catch (EventDecodeException e)
        {
            problem = new EventProblem(e.Kind, e.Message);
        }

        return Routed.Reject<T>(Rejection(RecordOrigin.Of(context), key, bytes, problem.Value, processor, clock));
    }
}
