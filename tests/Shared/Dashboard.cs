using System.Text.Json;

namespace StreamingCL.Tests.Shared;

/// <summary>The Grafana dashboard of monitoring/ (shared by the test projects).</summary>
internal static class Dashboard
{
    /// <summary>Every PromQL expression of its panels.</summary>
    public static IReadOnlyList<string> Expressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "monitoring", "grafana", "dashboards", "streamingcl.json")));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)];
    }
}
