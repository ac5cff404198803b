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
/// consumers (and wrapped for Streamiz).
/// <para>
/// Writes Avro single-object encoding (C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint of
/// the writer schema, then the Avro binary body) unless a schema registry client is given, in which
/// case it writes the Confluent wire format (00, the 4-byte big-endian schema id, the body) through
/// Confluent's <see cref="AvroSerializer{T}"/>. Reads both, whatever it writes: the writer schema
/// comes from the fingerprint (this event's current schema or an older one passed in) or from the
/// registry, and is resolved to the current schema, so fields added with defaults read fine from
/// old records.
/// </para>
/// Every failure to read raises <see cref="EventDecodeException"/>, for the dead-letter topic.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class AvroEventSerde<T> : ISerializer<T>, IDeserializer<T>
    where T : IAvroEvent<T>
{
    private const byte ConfluentMagic = 0x00;
    private static readonly byte[] SingleObjectMagic = [0xC3, 0x01];
    private const int SingleObjectHeaderLength = 10;
    private const int ConfluentHeaderLength = 5;

    private readonly ISchemaRegistryClient? _schemaRegistry;
    private readonly ISerializer<GenericRecord>? _registrySerializer;
    private readonly GenericDatumWriter<GenericRecord> _writer = new(T.Schema);
    private readonly byte[] _header = new byte[SingleObjectHeaderLength];
    private readonly ConcurrentDictionary<long, Schema> _schemasByFingerprint = new();
    private readonly ConcurrentDictionary<int, Schema> _schemasByRegistryId = new();
    private readonly ConcurrentDictionary<Schema, GenericDatumReader<GenericRecord>> _readers = new();

    /// <summary>Creates the serde.</summary>
    /// <param name="schemaRegistry">When given, write the Confluent wire format and read registry ids.</param>
    /// <param name="olderWriterSchemas">Earlier versions of this event's schema that single-object records may carry.</param>
    public AvroEventSerde(ISchemaRegistryClient? schemaRegistry = null, IEnumerable<Schema>? olderWriterSchemas = null)
    {
        _schemaRegistry = schemaRegistry;
        _registrySerializer = schemaRegistry is null ? null : new AvroSerializer<GenericRecord>(schemaRegistry).AsSyncOverAsync();
        SingleObjectMagic.CopyTo(_header, 0);
        BinaryPrimitives.WriteInt64LittleEndian(_header.AsSpan(2), EventSchemas.Fingerprint(T.Schema));
        foreach (var schema in (olderWriterSchemas ?? []).Prepend(T.Schema))
        {
            _schemasByFingerprint[EventSchemas.Fingerprint(schema)] = schema;
        }
    }

    /// <inheritdoc/>
    public byte[] Serialize(T data, SerializationContext context)
    {
        ArgumentNullException.ThrowIfNull(data);
        var record = data.ToAvro();
        if (_registrySerializer is not null)
        {
            return _registrySerializer.Serialize(record, context);
        }

        using var stream = new MemoryStream();
        stream.Write(_header);
        _writer.Write(record, new BinaryEncoder(stream));
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
            throw new EventDecodeException(DeadLetterKind.Malformed, $"Null value (tombstone) where a {typeof(T).Name} was expected.");
        }

        var (writerSchema, body) = ReadHeader(data);
        GenericRecord record;
        try
        {
            var reader = _readers.GetOrAdd(writerSchema, static writer => new GenericDatumReader<GenericRecord>(writer, T.Schema));
            using var stream = new MemoryStream(body, writable: false);
            var decoder = new BoundedBinaryDecoder(stream);
            record = reader.Read(null!, decoder);
            if (decoder.Remaining != 0)
            {
                throw new AvroException($"{decoder.Remaining} bytes left after the record.");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Decoding untrusted bytes: whatever Avro throws (it raises AvroException, but also
            // IndexOutOfRangeException for a bad union index, EndOfStreamException, ...) means the
            // bytes are not a record of this schema.
            throw new EventDecodeException(DeadLetterKind.SchemaMismatch, $"Avro body is not a valid {typeof(T).Name}: {e.Message}", e);
        }

        return T.FromAvro(record);
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
        if (_schemasByRegistryId.TryGetValue(id, out var known))
        {
            return known;
        }

        if (_schemaRegistry is null)
        {
            throw new EventDecodeException(
                DeadLetterKind.UnknownSchema,
                $"Confluent wire-format record (schema id {id}) but no schema registry is configured.");
        }

        try
        {
            var registered = _schemaRegistry.GetSchemaAsync(id).GetAwaiter().GetResult();
            return _schemasByRegistryId.GetOrAdd(id, Schema.Parse(registered.SchemaString));
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or AvroException)
        {
            throw new EventDecodeException(DeadLetterKind.UnknownSchema, $"Schema id {id} could not be fetched from the registry: {e.Message}", e);
        }
    }
}
