using Avro.Generic;

using StreamingCL.Kafka.Events;

namespace StreamingCL.Kafka.Serialization;

/// <summary>Typed reads from a <see cref="GenericRecord"/> that was resolved to an event's current schema.</summary>
internal static class GenericRecordReader
{
    public static T Get<T>(this GenericRecord record, string field) =>
        record.TryGetValue(field, out var value) && value is T typed
            ? typed
            : throw new EventDecodeException(
                DeadLetterKind.MissingField,
                $"{record.Schema.Name}.{field} is missing or not a {typeof(T).Name} (was {value?.GetType().Name ?? "null"}).");

    public static T? GetOptional<T>(this GenericRecord record, string field)
        where T : struct =>
        record.TryGetValue(field, out var value) && value is T typed ? typed : null;

    public static string? GetOptionalString(this GenericRecord record, string field) =>
        record.TryGetValue(field, out var value) ? value as string : null;

    public static DateTimeOffset GetTimestamp(this GenericRecord record, string field) =>
        new(DateTime.SpecifyKind(record.Get<DateTime>(field), DateTimeKind.Utc));

    public static TEnum GetEnum<TEnum>(this GenericRecord record, string field)
        where TEnum : struct, Enum => AvroEnum<TEnum>.FromAvro(record.Get<GenericEnum>(field));

    public static TEnum? GetOptionalEnum<TEnum>(this GenericRecord record, string field)
        where TEnum : struct, Enum =>
        record.TryGetValue(field, out var value) && value is GenericEnum symbol ? AvroEnum<TEnum>.FromAvro(symbol) : null;

    public static IReadOnlyDictionary<string, TValue> GetMap<TValue>(this GenericRecord record, string field)
    {
        var map = record.Get<IDictionary<string, object>>(field);
        var result = new Dictionary<string, TValue>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            result[key] = value is TValue typed
                ? typed
                : throw new EventDecodeException(DeadLetterKind.SchemaMismatch, $"{record.Schema.Name}.{field}[{key}] is not a {typeof(TValue).Name}.");
        }

        return result;
    }

    public static IReadOnlyList<TItem> GetArray<TItem>(this GenericRecord record, string field) =>
        record.GetOptionalArray<TItem>(field)
        ?? throw new EventDecodeException(DeadLetterKind.MissingField, $"{record.Schema.Name}.{field} is missing.");

    public static IReadOnlyList<TItem>? GetOptionalArray<TItem>(this GenericRecord record, string field) =>
        record.TryGetValue(field, out var value) && value is object[] items
            ? Array.ConvertAll(items, item => item is TItem typed
                ? typed
                : throw new EventDecodeException(DeadLetterKind.SchemaMismatch, $"{record.Schema.Name}.{field} holds a {item?.GetType().Name ?? "null"}, not a {typeof(TItem).Name}."))
            : null;

    public static IReadOnlyList<TItem> GetRecords<TItem>(this GenericRecord record, string field, Func<GenericRecord, TItem> fromAvro) =>
        record.GetOptionalRecords(field, fromAvro)
        ?? throw new EventDecodeException(DeadLetterKind.MissingField, $"{record.Schema.Name}.{field} is missing.");

    public static IReadOnlyList<TItem>? GetOptionalRecords<TItem>(this GenericRecord record, string field, Func<GenericRecord, TItem> fromAvro) =>
        record.GetOptionalArray<GenericRecord>(field) is { } items ? items.Select(fromAvro).ToArray() : null;
}
