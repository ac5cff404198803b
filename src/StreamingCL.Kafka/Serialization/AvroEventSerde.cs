using System.Buffers.Binary;
using System.Collections.Concurrent;
using Avro;
using Avro.Generic;
using Avro.IO;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using StreamingCL.Kafka.Events;
using Schema = Avro.Schema;

namespace StreamingCL.Kafka.Serialization;

/// <summary>
/// Avro serializer and deserializer of one event type, for Confluent.Kafka producers and
/// consumers (and, wrapped, for Streamiz). One instance is thread-safe and may be shared.
/// <para>
/// Writes Avro single-object encoding (C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint of
/// the writer schema, then the Avro binary body) unless a schema registry client is given, in which
/// case it writes the Confluent wire format (00, the 4-byte big-endian schema id, the body) through
/// Confluent's <see cref="AvroSerializer{T}"/>. Reads both, whatever it writes: the writer schema
/// comes from the fingerprint (the current schema, or a published version in schemas/history/) or
/// from the registry, and is resolved to the current schema, so records written before a field was
/// added with a default stay readable.
/// </para>
/// <para>
/// A null value (a tombstone on a compacted topic) is written and read as null. Bytes that are not
/// an event raise <see cref="EventDecodeException"/>, for the dead-letter topic. A registry that
/// cannot be reached raises its own exception: the record may be valid, so the caller retries.
/// </para>
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class AvroEventSerde<T> : ISerializer<T>, IDeserializer<T>
    where T : class, IAvroEvent<T>
{
    private const byte ConfluentMagic = 0x00;
    private const int SingleObjectHeaderLength = 10;
    private const int ConfluentHeaderLength = 5;
    private const int SchemaNotFound = 40403;
    private static readonly byte[] SingleObjectMagic = [0xC3, 0x01];

    private readonly ISchemaRegistryClient? _schemaRegistry;
    private readonly ISerializer<GenericRecord>? _registrySerializer;
    private readonly GenericDatumWriter<GenericRecord> _writer = new(T.Schema);
    private readonly byte[] _header = new byte[SingleObjectHeaderLength];
    private readonly Dictionary<long, Schema> _schemasByFingerprint = [];
    private readonly ConcurrentDictionary<int, Schema?> _schemasByRegistryId = new();
    private readonly ConcurrentDictionary<Schema, GenericDatumReader<GenericRecord>> _readers = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the serde.</summary>
    /// <param name="schemaRegistry">When given, write the Confluent wire format and read registry ids.</param>
    /// <param name="additionalWriterSchemas">Writer schemas to accept beyond the current and published ones.</param>
    public AvroEventSerde(ISchemaRegistryClient? schemaRegistry = null, IEnumerable<Schema>? additionalWriterSchemas = null)
    {
        _schemaRegistry = schemaRegistry;
        _registrySerializer = schemaRegistry is null ? null : new AvroSerializer<GenericRecord>(schemaRegistry).AsSyncOverAsync();
        SingleObjectMagic.CopyTo(_header, 0);
        BinaryPrimitives.WriteInt64LittleEndian(_header.AsSpan(2), EventSchemas.Fingerprint(T.Schema));
        foreach (var schema in EventSchemas.History(T.Schema.Name).Concat(additionalWriterSchemas ?? []).Append(T.Schema))
        {
            _schemasByFingerprint[EventSchemas.Fingerprint(schema)] = schema;
        }
    }

    /// <inheritdoc/>
    public byte[] Serialize(T data, SerializationContext context)
    {
        if (data is null)
        {
            return null!;
        }

        var record = data.ToAvro();
        if (_registrySerializer is not null)
        {
            return _registrySerializer.Serialize(record, context);
        }

        using var stream = new MemoryStream();
        stream.Write(_header);
        try
        {
            _writer.Write(record, new BinaryEncoder(stream));
        }
        catch (AvroException e)
        {
            throw new ArgumentException($"{typeof(T).Name} cannot be encoded: {e.Message}", nameof(data), e);
        }

        return stream.ToArray();
    }

    /// <summary>Serializes for a value of <paramref name="topic"/>.</summary>
    public byte[] Serialize(T data, string topic) =>
        Serialize(data, new SerializationContext(MessageComponentType.Value, topic));

    /// <inheritdoc/>
    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull)
        {
            return null!;
        }

        var (writerSchema, body) = ReadHeader(data);
        try
        {
            var reader = _readers.GetOrAdd(writerSchema, static writer => new GenericDatumReader<GenericRecord>(writer, T.Schema));
            using var stream = new MemoryStream(body, writable: false);
            var decoder = new BoundedBinaryDecoder(stream);
            var record = reader.Read(null!, decoder);
            return decoder.Remaining == 0
                ? T.FromAvro(record)
                : throw new AvroException($"{decoder.Remaining} bytes left after the record.");
        }
        catch (EventDecodeException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Decoding untrusted bytes: whatever Avro throws (it raises AvroException, but also
            // IndexOutOfRangeException for a bad union index, EndOfStreamException, ...) or the
            // event's own checks reject means the bytes are not a valid record of this schema.
            throw new EventDecodeException(
                e is AvroException or IOException or IndexOutOfRangeException ? DeadLetterKind.SchemaMismatch : DeadLetterKind.InvalidValue,
                $"Not a valid {typeof(T).Name}: {e.Message}",
                e);
        }
    }

    /// <summary>Deserializes a value of <paramref name="topic"/>.</summary>
    public T Deserialize(ReadOnlySpan<byte> data, string topic) =>
        Deserialize(data, isNull: false, new SerializationContext(MessageComponentType.Value, topic));

    private (Schema WriterSchema, byte[] Body) ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length >= SingleObjectHeaderLength && data.StartsWith(SingleObjectMagic))
        {
            var fingerprint = BinaryPrimitives.ReadInt64LittleEndian(data[2..]);
            return _schemasByFingerprint.TryGetValue(fingerprint, out var schema)
                ? (schema, data[SingleObjectHeaderLength..].ToArray())
                : throw new EventDecodeException(
                    DeadLetterKind.UnknownSchema,
                    $"Single-object record with unknown schema fingerprint {(ulong)fingerprint:x16} for {typeof(T).Name}.");
        }

        if (data.Length >= ConfluentHeaderLength && data[0] == ConfluentMagic)
        {
            var id = BinaryPrimitives.ReadInt32BigEndian(data[1..]);
            return (RegistrySchema(id), data[ConfluentHeaderLength..].ToArray());
        }

        throw new EventDecodeException(
            DeadLetterKind.Malformed,
            $"{data.Length} bytes are neither Avro single-object encoding (C3 01 + fingerprint) nor Confluent wire format (00 + schema id).");
    }

    private Schema RegistrySchema(int id)
    {
        if (_schemaRegistry is null)
        {
            throw new EventDecodeException(
                DeadLetterKind.UnknownSchema,
                $"Confluent wire-format record (schema id {id}) but no schema registry is configured.");
        }

        // Ids are immutable: an id the registry does not know is remembered as unknown, so that
        // garbage starting with 00 does not cost a registry call per record.
        return _schemasByRegistryId.GetOrAdd(id, FetchSchema)
            ?? throw new EventDecodeException(DeadLetterKind.UnknownSchema, $"Schema id {id} is not in the registry.");
    }

    private Schema? FetchSchema(int id)
    {
        try
        {
            return Schema.Parse(_schemaRegistry!.GetSchemaAsync(id).GetAwaiter().GetResult().SchemaString);
        }
        catch (SchemaRegistryException e) when (e.ErrorCode == SchemaNotFound)
        {
            return null;
        }
        catch (AvroException e)
        {
            throw new EventDecodeException(DeadLetterKind.UnknownSchema, $"Schema id {id} is not a valid Avro schema: {e.Message}", e);
        }
    }
}
