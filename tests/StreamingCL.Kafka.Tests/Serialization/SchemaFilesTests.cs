using System.Text.Json.Nodes;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Tests.Shared;

namespace StreamingCL.Kafka.Tests.Serialization;

public sealed class SchemaFilesTests
{
    private static readonly string SchemasDirectory = Path.Combine(RepositoryPaths.Root, "schemas");

    public static TheoryData<string> SchemaFiles() => new(Directory.GetFiles(SchemasDirectory, "*.avsc").Select(Path.GetFileName)!);

    [Fact]
    public void There_is_one_schema_file_per_event()
    {
        string[] events = ["Prediction", "Feedback", "LabeledExample", "DriftMetric", "PerformanceMetric", "ExperimentMetric", "TrafficAllocation", "RetrainTrigger", "ModelVersion", "DeadLetter"];

        Assert.Equal(events.Order(), Directory.GetFiles(SchemasDirectory, "*.avsc").Select(Path.GetFileNameWithoutExtension).Order());
    }

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void A_schema_file_is_a_documented_namespaced_record_named_like_its_file(string file)
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(SchemasDirectory, file)))!;

        Assert.Equal("record", (string?)schema["type"]);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), (string?)schema["name"]);
        Assert.Equal("io.streamingcl.events", (string?)schema["namespace"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)schema["doc"]));
        foreach (var field in Fields(schema))
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)field["doc"]), $"{file}: field {field["name"]} has no doc");
        }
    }

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void Time_fields_use_the_timestamp_millis_logical_type(string file)
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(SchemasDirectory, file)))!;

        var timeFields = Fields(schema).Where(f => IsTimeField((string)f["name"]!)).ToList();

        Assert.NotEmpty(timeFields); // every event says when it happened
        foreach (var field in timeFields)
        {
            Assert.Equal("timestamp-millis", (string?)field["type"]!["logicalType"]);
        }
    }

    [Fact]
    public void Every_current_schema_is_its_newest_published_version()
    {
        foreach (var file in Directory.GetFiles(SchemasDirectory, "*.avsc"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var history = EventSchemas.History(name);

            Assert.NotEmpty(history);
            Assert.True(
                EventSchemas.Fingerprint(history[^1]) == EventSchemas.Fingerprint(EventSchemas.Load(name)),
                $"schemas/{name}.avsc changed: publish it as schemas/history/{name}.v{history.Count + 1}.avsc");
        }
    }

    [Fact]
    public void Published_versions_are_never_edited()
    {
        // A released schema is immutable: records written with it are in topics. Publish a new version instead.
        var pinned = new Dictionary<string, ulong>
        {
            ["DeadLetter.v1"] = 0x7baee225f80081e8UL,
            ["DriftMetric.v1"] = 0x58724f55195f07feUL,
            ["ExperimentMetric.v1"] = 0x4e940a4174c03423UL,
            ["Feedback.v1"] = 0xe57c17d620d253afUL,
            ["LabeledExample.v1"] = 0x83db3718d11ab634UL,
            ["ModelVersion.v1"] = 0x3b567e34c5ea4111UL,
            ["PerformanceMetric.v1"] = 0x1a273d169c92354fUL,
            ["Prediction.v1"] = 0x4f3dac6dd429987bUL,
            ["RetrainTrigger.v1"] = 0x4c96fa70dff37e04UL,
            ["TrafficAllocation.v1"] = 0x1200b65063ff1cb7UL,
        };

        foreach (var file in Directory.GetFiles(Path.Combine(SchemasDirectory, "history"), "*.avsc"))
        {
            var version = Path.GetFileNameWithoutExtension(file);
            var fingerprint = (ulong)EventSchemas.Fingerprint(Avro.Schema.Parse(File.ReadAllText(file)));
            Assert.True(pinned.TryGetValue(version, out var expected), $"{version} ({fingerprint:x16}) is not pinned here yet");
            Assert.True(expected == fingerprint, $"{version} was edited: {fingerprint:x16}, published as {expected:x16}");
        }
    }

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void The_current_schema_reads_records_of_every_published_version(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var current = EventSchemas.Load(name);

        foreach (var published in EventSchemas.History(name))
        {
            // Resolution happens when the reader is built: an incompatible pair throws here.
            _ = new GenericDatumReader<GenericRecord>(published, current);
        }
    }

    [Fact]
    public void Resolution_refuses_a_writer_the_reader_cannot_read()
    {
        var current = EventSchemas.Load("Feedback");
        var incompatible = Avro.Schema.Parse("""{"type":"record","name":"Feedback","namespace":"io.streamingcl.events","fields":[{"name":"prediction_id","type":"long"}]}""");

        Assert.ThrowsAny<Avro.AvroException>(() => new GenericDatumReader<GenericRecord>(incompatible, current));
    }

    [Fact]
    public void Named_types_defined_in_several_files_are_identical()
    {
        var definitions = Directory.GetFiles(SchemasDirectory, "*.avsc")
            .SelectMany(file => NamedTypes(JsonNode.Parse(File.ReadAllText(file))!))
            .GroupBy(type => (string)type["name"]!)
            .Where(group => group.Count() > 1)
            .ToList();

        Assert.Contains(definitions, group => group.Key == "RankedItem");
        Assert.Contains(definitions, group => group.Key == "TrainingKind");
        foreach (var group in definitions)
        {
            Assert.Single(group.Select(type => type.ToJsonString()).Distinct());
        }
    }

    private static IEnumerable<JsonObject> NamedTypes(JsonNode node) => node switch
    {
        JsonObject named when named["type"] is JsonValue type && type.GetValue<string>() is "record" or "enum" or "fixed" =>
            named.Where(p => p.Value is JsonObject or JsonArray).SelectMany(p => NamedTypes(p.Value!)).Prepend(named),
        JsonObject other => other.Where(p => p.Value is JsonObject or JsonArray).SelectMany(p => NamedTypes(p.Value!)),
        JsonArray array => array.SelectMany(item => NamedTypes(item!)),
        _ => [],
    };

    private static bool IsTimeField(string name) =>
        name.EndsWith("timestamp", StringComparison.Ordinal) || name.EndsWith("_at", StringComparison.Ordinal) || name.StartsWith("window_", StringComparison.Ordinal);

    /// <summary>The fields of a record and of every record nested in it.</summary>
    private static IEnumerable<JsonNode> Fields(JsonNode node) => node switch
    {
        JsonObject record when (string?)record["type"] == "record" =>
            record["fields"]!.AsArray().SelectMany(field => Fields(field!["type"]!).Prepend(field!)),
        JsonObject complex => complex.Where(p => p.Value is JsonObject or JsonArray).SelectMany(p => Fields(p.Value!)),
        JsonArray union => union.SelectMany(branch => Fields(branch!)),
        _ => [],
    };
}
