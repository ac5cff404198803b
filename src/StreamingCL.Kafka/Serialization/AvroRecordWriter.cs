using Avro;
using Avro.Generic;

namespace StreamingCL.Kafka.Serialization;

/// <summary>Fills a <see cref="GenericRecord"/> from C# values, converting the types Avro's generic writer expects.</summary>
internal readonly struct AvroRecordWriter(RecordSchema schema)
{
    public GenericRecord Record { get; } = new(schema);

    public AvroRecordWriter Set(string field, object? value)
    {
        Record.Add(field, value);
        return this;
    }

    public AvroRecordWriter SetTimestamp(string field, DateTimeOffset value) => Set(field, value.UtcDateTime);

    public AvroRecordWriter SetEnum<TEnum>(string field, TEnum? value)
        where TEnum : struct, Enum =>
        Set(field, value is { } v ? AvroEnum<TEnum>.ToAvro(FieldSchema<EnumSchema>(field), v) : null);

    public AvroRecordWriter SetEnum<TEnum>(string field, TEnum value)
        where TEnum : struct, Enum =>
        Set(field, AvroEnum<TEnum>.ToAvro(FieldSchema<EnumSchema>(field), value));

    public AvroRecordWriter SetMap<TValue>(string field, IReadOnlyDictionary<string, TValue> map)
    {
        if (map is null)
        {
            throw new ArgumentException($"{schema.Name}.{field} must not be null.", nameof(map));
        }

        var values = new Dictionary<string, object?>(map.Count);
        foreach (var (key, value) in map)
        {
            values[key] = value;
        }

        return Set(field, values);
    }

    public AvroRecordWriter SetArray<TItem>(string field, IReadOnlyList<TItem>? items) =>
        Set(field, items?.Cast<object?>().ToArray());

    /// <summary>Writes an array of nested records; <paramref name="toAvro"/> gets the item schema.</summary>
    public AvroRecordWriter SetRecords<TItem>(string field, IReadOnlyList<TItem>? items, Func<RecordSchema, TItem, GenericRecord> toAvro)
    {
        if (items is null)
        {
            return Set(field, null);
        }

        var itemSchema = FieldSchema<RecordSchema>(field);
        return Set(field, items.Select(item => (object)toAvro(itemSchema, item)).ToArray());
    }

    public AvroRecordWriter SetRecord<TItem>(string field, TItem item, Func<RecordSchema, TItem, GenericRecord> toAvro) =>
        Set(field, toAvro(FieldSchema<RecordSchema>(field), item));

    /// <summary>The named schema inside a field, looking through nullable unions, arrays and maps.</summary>
    private TSchema FieldSchema<TSchema>(string field)
        where TSchema : Schema =>
        Find<TSchema>(schema[field].Schema)
        ?? throw new InvalidOperationException($"{schema.Name}.{field} has no {typeof(TSchema).Name}.");

    private static TSchema? Find<TSchema>(Schema schema)
        where TSchema : Schema => schema switch
        {
            TSchema match => match,
            UnionSchema union => union.Schemas.Select(Find<TSchema>).FirstOrDefault(s => s is not null),
            ArraySchema array => Find<TSchema>(array.ItemSchema),
            MapSchema map => Find<TSchema>(map.ValueSchema),
            _ => null,
        };
}
