using System.Text.Json.Nodes;
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
