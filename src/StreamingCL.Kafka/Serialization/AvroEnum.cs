using Avro;
using Avro.Generic;

using StreamingCL.Kafka.Events;

namespace StreamingCL.Kafka.Serialization;

/// <summary>
/// Maps C# enums to Avro enum symbols by name: PascalCase members to SCREAMING_SNAKE symbols
/// (RolledBack to ROLLED_BACK). Mapping by name, not ordinal, keeps old records readable when
/// symbols are added.
/// </summary>
internal static class AvroEnum<TEnum>
    where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, string> Symbols =
        Enum.GetValues<TEnum>().ToDictionary(value => value, value => ToSymbol(value.ToString()));

    private static readonly Dictionary<string, TEnum> Values =
        Symbols.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static GenericEnum ToAvro(EnumSchema schema, TEnum value) =>
        Symbols.TryGetValue(value, out var symbol)
            ? new GenericEnum(schema, symbol)
            : throw new ArgumentException($"{value} is not a defined {typeof(TEnum).Name}.", nameof(value));

    public static TEnum FromAvro(GenericEnum value) =>
        Values.TryGetValue(value.Value, out var result)
            ? result
            : throw new EventDecodeException(
                DeadLetterKind.SchemaMismatch,
                $"Unknown {typeof(TEnum).Name} symbol '{value.Value}'.");

    internal static string ToSymbol(string member) =>
        string.Concat(member.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + c : char.ToUpperInvariant(c).ToString()));
}
