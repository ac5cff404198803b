using System.Text.Json;

namespace StreamingCL.Cli.Tests;

/// <summary>The demo takes both cores for a minute and a half: it runs alone among this assembly's tests.</summary>
[CollectionDefinition(nameof(DemoCommandTests), DisableParallelization = true)]
public sealed class DemoRunsAlone;

[Collection(nameof(DemoCommandTests))]
public sealed class DemoCommandTests
{
    [Fact]
    public async Task The_default_seeded_demo_closes_the_loop_and_accounts_for_every_event()
    {
        var directory = Directory.CreateTempSubdirectory("streamingcl-demo-test-");
        var summaryPath = Path.Combine(directory.FullName, "summary.json");
        var reportPath = Path.Combine(directory.FullName, "report.html");
        try
        {
            var result = await CliRunner.RunAsync("demo", "--seed", "7", "--summary", summaryPath, "--report", reportPath, "--log", Path.Combine(directory.FullName, "demo.log"));

            Assert.True(result.ExitCode == 0, result.Output + result.Error + File.ReadAllText(Path.Combine(directory.FullName, "demo.log")));
            var summary = JsonDocument.Parse(File.ReadAllText(summaryPath)).RootElement;
            double Number(JsonElement element, string name) =>
                element.GetProperty(name) is { ValueKind: JsonValueKind.Number } number ? number.GetDouble() : throw new Xunit.Sdk.XunitException($"{name} is not a number in {summary}");
            var driftAt = Number(summary, "drift_injected_at");
            Assert.InRange(driftAt, 30, 32); // the first request of the new trend, as late as the app served it
            Assert.InRange(Number(summary, "first_drift_detected_at"), driftAt, 90);

            var triggers = summary.GetProperty("triggers").EnumerateArray().ToList();
            Assert.Equal("manual", triggers[0].GetProperty("kind").GetString()); // the operator's cold-start trigger
            Assert.Contains(triggers, trigger => trigger.GetProperty("kind").GetString() is "drift" or "performance" && Number(trigger, "at") > driftAt);

            // A version trained after the drift, from a trigger, with lineage, canaried then promoted.
            var versions = summary.GetProperty("versions").EnumerateArray().ToList();
            var promoted = versions.First(version => Number(version, "created_at") > driftAt && version.GetProperty("production_at").ValueKind == JsonValueKind.Number);
            Assert.StartsWith("ctr:", promoted.GetProperty("trigger_id").GetString());
            Assert.True(promoted.GetProperty("lineage_examples").GetInt64() > 0);
            Assert.True(Number(promoted, "production_at") > Number(promoted, "canary_at"));

            var accuracy = summary.GetProperty("accuracy");
            Assert.True(Number(accuracy, "after_promotion") > Number(accuracy, "after_drift_before_update") + 0.1, accuracy.ToString());
            Assert.True(Number(accuracy, "before_drift") > Number(accuracy, "after_drift_before_update") + 0.1, accuracy.ToString());

            // Every event the simulated app sent was read back, and joined; nothing was dead-lettered.
            var events = summary.GetProperty("events");
            var simulated = summary.GetProperty("simulated");
            Assert.Equal(simulated.GetProperty("predictions").GetInt64(), events.GetProperty("predictions").GetInt64());
            Assert.Equal(simulated.GetProperty("feedback").GetInt64(), events.GetProperty("feedback").GetInt64());
            Assert.Equal(simulated.GetProperty("shadow_predictions").GetInt64(), events.GetProperty("shadow_predictions").GetInt64());
            Assert.True(events.GetProperty("labeled_examples").GetInt64() >= simulated.GetProperty("feedback").GetInt64());
            Assert.Equal(0, events.GetProperty("dead_letters").GetInt64());
            Assert.True(summary.GetProperty("accounted").GetBoolean());
            Assert.True(summary.GetProperty("loop_closed").GetBoolean());

            var report = File.ReadAllText(reportPath);
            Assert.Equal(3, report.Split("data:image/png;base64,").Length - 1);
            Assert.Contains("Loop closed: <b>yes</b>", report);
            Assert.Contains("The loop closed in 90 s (seed 7)", result.Output);
            // --no-ui is implied when the output is not a terminal: a line every 5 s.
            Assert.InRange(result.Output.Split('\n').Count(line => line.StartsWith('[')), 16, 20);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--duration", "30", "--duration must be at least 45 seconds, was 30.")]
    [InlineData("--summary", "/no/such/dir/summary.json", "directory /no/such/dir does not exist")]
    public async Task Bad_options_are_refused_before_anything_starts(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync("demo", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task Bad_configuration_fails_naming_the_key()
    {
        using var config = CliRunner.TempFile("""{ "Simulation": { "FeedbackLoss": 1.5 } }""");

        var result = await CliRunner.RunAsync("demo", "--config", config.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Simulation:FeedbackLoss", result.Error);
    }
}
