using System.Text.Json;
using System.Text.Json.Serialization;
using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Statistics.Tests.ChangeDetection;

/// <summary>
/// The streams and expected change points of Reference/change_detection_*.json: River's documented
/// outputs, and the parity cases produced from a transcription of River (see the files' notes).
/// </summary>
internal static class DetectorReference
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly Lazy<StreamFile> Streams = new(() => Load<StreamFile>("change_detection_streams.json"));
    private static readonly Lazy<ParityFile> Parity = new(() => Load<ParityFile>("change_detection_parity.json"));

    public static IReadOnlyList<DocumentedCase> DocumentedCases => Streams.Value.RiverCases;

    public static IReadOnlyList<ParityCase> ParityCases => Parity.Value.Cases;

    public static double[] Stream(string name) => Streams.Value.Streams[name];

    public static IChangeDetector Create(string detector, IReadOnlyDictionary<string, JsonElement> parameters) =>
        ChangeDetectorFactory.Create(detector, parameters.ToDictionary(p => p.Key, p => p.Value.ToString().ToLowerInvariant()));

    /// <summary>Runs <paramref name="detector"/> over <paramref name="stream"/> and records every flagged index.</summary>
    public static (List<int> Drifts, List<int> Warnings) Run(IChangeDetector detector, double[] stream)
    {
        List<int> drifts = [], warnings = [];
        for (var i = 0; i < stream.Length; i++)
        {
            detector.Update(stream[i]);
            if (detector.DriftDetected)
            {
                drifts.Add(i);
            }

            if (detector.WarningDetected)
            {
                warnings.Add(i);
            }
        }

        return (drifts, warnings);
    }

    private static T Load<T>(string file) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", file)), Options)
        ?? throw new InvalidDataException($"{file} is empty.");

    internal sealed record StreamFile(Dictionary<string, double[]> Streams, List<DocumentedCase> RiverCases);

    internal sealed record ParityFile(string Note, List<ParityCase> Cases);

    internal sealed record DocumentedCase(
        string Source,
        string Detector,
        Dictionary<string, JsonElement> Parameters,
        string Stream,
        int[] Drifts,
        [property: JsonPropertyName("first_warnings")] int[]? FirstWarnings)
    {
        public override string ToString() => $"{Source}: {Detector}{Describe(Parameters)} on {Stream}";
    }

    internal sealed record ParityCase(string Detector, Dictionary<string, JsonElement> Parameters, string Stream, int[] Drifts, int[] Warnings)
    {
        public override string ToString() => $"{Detector}{Describe(Parameters)} on {Stream}";
    }

    private static string Describe(Dictionary<string, JsonElement> parameters) =>
        parameters.Count == 0 ? "" : $"({string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}"))})";
}
