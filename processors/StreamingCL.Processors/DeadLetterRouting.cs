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
    /// dead-letters topic: undecodable bytes, a value <paramref name="validate"/> refuses, an event
    /// time further ahead of the clock than <see cref="ProcessorEnvironment.MaxClockSkew"/> (whose
    /// record timestamp <see cref="ClockBoundedTimestamps"/> already kept out of stream time), and,
    /// with <paramref name="keyOf"/>, a key that is not the value's own id (co-partitioning relies
    /// on it). Tombstones are skipped and counted: on a compacted topic they are deletions.
    /// </summary>
    /// <param name="builder">The topology builder.</param>
    /// <param name="environment">Topics, serdes, clock and metrics.</param>
    /// <param name="topic">The event topic to read.</param>
    /// <param name="processor">The application that rejects, recorded in the dead letter.</param>
    /// <param name="validate">Checks beyond decoding (e.g. <see cref="EventValidation"/>).</param>
    /// <param name="keyOf">The id the record key must equal, when the application relies on the key.</param>
    public static IKStream<string, T> Events<T>(
        this StreamBuilder builder,
        ProcessorEnvironment environment,
        EventTopic topic,
        string processor,
        Func<T, EventProblem?> validate,
        Func<T, string>? keyOf = null)
        where T : class, IAvroEvent<T>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(environment);
        var serde = environment.Serdes.For<T>();
        var name = environment.Topic(topic);
        return builder.Stream(name, new StringSerDes(), new ByteArraySerDes(), $"{processor}-{name}-source", new ClockBoundedTimestamps(environment.Clock, environment.MaxClockSkew))
            .MapValues((key, bytes, context) => Decode(environment, serde, validate, keyOf, key, bytes, context, processor), $"{processor}-{name}-decode")
            .WithoutRejections(environment, $"{processor}-{name}")
            .Peek((_, _, _) => environment.Metrics.Accepted(processor, name), $"{processor}-{name}-count");
    }

    /// <summary>The accepted values; rejections are written to the dead-letters topic; skipped records (neither) are dropped, their producer having counted them.</summary>
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
        return branches[1].Filter((_, value, _) => value.Value is not null, $"{name}-not-skipped").MapValues((value, _) => value.Value!, $"{name}-accepted");
    }

    /// <summary>
    /// A dead letter for a record. A payload over <see cref="MaxPayloadBytes"/> is not copied (the
    /// dead letter must fit the topic's message size, and a failed write would stop the stream
    /// thread): its size and SHA-256 go into the reason instead.
    /// </summary>
    public static DeadLetter Rejection(RecordOrigin record, string? key, byte[]? payload, EventProblem problem, string processor, TimeProvider clock)
    {
        var oversized = payload is { Length: > MaxPayloadBytes };
        return new()
        {
            OriginalTopic = record.Topic,
            OriginalPartition = record.Partition,
            OriginalOffset = record.Offset,
            OriginalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampMs),
            // Typed nulls: a bare null would bind to ReadOnlyMemory's conversion from byte[] and become empty, not absent.
            Key = key is null ? (ReadOnlyMemory<byte>?)null : System.Text.Encoding.UTF8.GetBytes(key),
            Payload = payload is null || oversized ? (ReadOnlyMemory<byte>?)null : payload,
            ErrorKind = problem.Kind,
            Reason = oversized
                ? $"{problem.Reason} (payload of {payload!.Length} bytes not kept; SHA-256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload))})"
                : problem.Reason,
            Processor = processor,
            FailedAt = clock.GetUtcNow(),
        };
    }

    private static Routed<T> Decode<T>(
        ProcessorEnvironment environment,
        AvroEventSerde<T> serde,
        Func<T, EventProblem?> validate,
        Func<T, string>? keyOf,
        string? key,
        byte[]? bytes,
        IRecordContext context,
        string processor)
        where T : class, IAvroEvent<T>
    {
        if (bytes is null)
        {
            environment.Metrics.Skipped(processor, "tombstone");
            return new Routed<T>(null, null);
        }

        var problem = Check(environment, serde, validate, keyOf, key, bytes, context, out var value);
        return problem is null
            ? Routed.Accept(value!)
            : Routed.Reject<T>(Rejection(RecordOrigin.Of(context), key, bytes, problem.Value, processor, environment.Clock));
    }

    private static EventProblem? Check<T>(
        ProcessorEnvironment environment,
        AvroEventSerde<T> serde,
        Func<T, EventProblem?> validate,
        Func<T, string>? keyOf,
        string? key,
        byte[] bytes,
        IRecordContext context,
        out T? value)
        where T : class, IAvroEvent<T>
    {
        value = null;
        try
        {
            value = serde.Deserialize(bytes, context.Topic);
        }
        catch (EventDecodeException e)
        {
            return new EventProblem(e.Kind, e.Message);
        }

        var ahead = value.EventTime - environment.Clock.GetUtcNow();
        if (ahead > environment.MaxClockSkew)
        {
            return new EventProblem(DeadLetterKind.InvalidValue, $"The event time is {ahead} ahead of the clock, more than the {environment.MaxClockSkew} allowed.");
        }

        return validate(value)
            ?? (keyOf is not null && key != keyOf(value)
                ? new EventProblem(DeadLetterKind.InvalidValue, $"The record key '{key}' is not the event's id '{keyOf(value)}': records must be keyed by it.")
                : null);
    }

    /// <summary>Largest payload a dead letter carries: well under the default 1 MB message size.</summary>
    private const int MaxPayloadBytes = 512 * 1024;
}
