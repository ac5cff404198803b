using System.Reflection;
using Avro;

namespace StreamingCL.Kafka.Serialization;

/// <summary>The current schemas of schemas/*.avsc, embedded in this assembly.</summary>
public static class EventSchemas
{
    /// <summary>Parses the embedded schemas/<paramref name="eventName"/>.avsc.</summary>
    public static RecordSchema Load(string eventName)
    {
        var resource = $"schemas/{eventName}.avsc";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Schema resource {resource} is not embedded.");
        using var reader = new StreamReader(stream);
        return (RecordSchema)Schema.Parse(reader.ReadToEnd());
    }

    /// <summary>The CRC-64-AVRO fingerprint of a schema's parsing canonical form, as single-object encoding carries it.</summary>
    public static long Fingerprint(Schema schema) => SchemaNormalization.ParsingFingerprint64(schema);
}
