using System.Text.Json;

namespace StreamingCL.Statistics.Tests.Reference;

/// <summary>Loads the JSON written by the generate_*.py scripts next to this file.</summary>
internal static class ReferenceData
{
    private static readonly Dictionary<string, JsonElement> Files = [];
    private static readonly Lock Gate = new();

    internal static IEnumerable<JsonElement> Cases(string file, string name)
    {
        lock (Gate)
        {
            if (!Files.TryGetValue(file, out var root))
            {
                using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Reference", file));
                root = JsonDocument.Parse(stream).RootElement.Clone();
                Files[file] = root;
            }

            return root.GetProperty(name).EnumerateArray().ToList();
        }
    }

    internal static double Number(this JsonElement element, string property) => element.GetProperty(property).GetDouble();

    internal static int Integer(this JsonElement element, string property) => element.GetProperty(property).GetInt32();

    internal static long Long(this JsonElement element, string property) => element.GetProperty(property).GetInt64();
}
