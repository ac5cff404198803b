using System.Reflection;
using Avro;

namespace StreamingCL.Kafka.Serialization;

/// <summary>
/// The schemas of schemas/ embedded in this assembly: the current one of each event, and every
/// published version in schemas/history/ ({Event}.v{N}.avsc, never edited once released), which
/// readers accept as writer schemas.
/// </summary>
public static class EventSchemas
{
    private const string HistoryPrefix = "schemas/history/";

    /// <summary>Parses the embedded schemas/<paramref name="eventName"/>.avsc.</summary>
    public static RecordSchema Load(string eventName) => Parse($"schemas/{eventName}.avsc");

    /// <summary>Every published version of an event's schema, oldest first.</summary>
    public static IReadOnlyList<RecordSchema> History(string eventName) =>
        Assembly.GetExecutingAssembly().GetManifestResourceNames()
            .Where(name => name.StartsWith($"{HistoryPrefix}{eventName}.v", StringComparison.Ordinal))
            .OrderBy(name => int.Parse(name[(HistoryPrefix.Length + eventName.Length + 2)..^".avsc".Length]))
            .Select(Parse)
            .ToList();

    /// <summary>The CRC-64-AVRO fingerprint of a schema's parsing canonical form, as single-object encoding carries it.</summary>
    public static long Fingerprint(Schema schema) => SchemaNormalization.ParsingFingerprint64(schema);

    private static RecordSchema Parse(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Schema resource {resource} is not embedded.");
        using var reader = new StreamReader(stream);
        return (RecordSchema)Schema.Parse(reader.ReadToEnd());
    }
}
