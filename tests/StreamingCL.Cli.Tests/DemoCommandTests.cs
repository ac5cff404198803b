using System.Text.Json;

namespace StreamingCL.Cli.Tests;

/// <summary>The demo takes both cores for a minute: it runs alone, not beside other tests.</summary>
[CollectionDefinition(nameof(DemoCommandTests), DisableParallelization = true)]
public sealed class DemoRunsAlone;

[Collection(nameof(DemoCommandTests))]
public sealed class DemoCommandTests
{
    [Fact]
    public async Task A_short_seeded_demo_closes_the_loop_and_accounts_for_every_event()
    {
        var directory = Directory.CreateTempSubdirectory("streamingcl-demo-test-");
        var summaryPath = Path.Combine(directory.FullName, "summary.json");
        var reportPath = Path.Combine(directory.FullName, "report.html");
        try
        {
            var result = await CliRunner.RunAsync("demo", "--duration", "60", "--seed", "7", "--summary", summaryPath, "--report", reportPath, "--log", Path.Combine(directory.FullName, "demo.log"));

            Assert.True(result.ExitCode == 0, result.Output + result.Error + File.ReadAllText(Path.Combine(directory.FullName, "demo.log")));
            var summary = JsonDocument.Parse(File.ReadAllText(summaryPath)).RootElement;
            var driftAt = summary.GetProperty("drift_injected_at").GetDouble();
            Assert.Equal(20, driftAt);
            Assert.InRange(summary.GetProperty("first_drift_detected_at").GetDouble(), driftAt, 60);

            var triggers = summary.GetProperty("triggers").EnumerateArray().ToList();
            Assert.Equal("manual", triggers[0].GetProperty("kind").GetString()); // the operator's cold-start trigger
            Assert.Contains(triggers, trigger => trigger.GetProperty("kind").GetString() is "drift" or "performance" && trigger.GetProperty("at").GetDouble() > driftAt);

            // A version trained after the drift, from a trigger, with lineage, canaried then promoted.
            var versions = summary.GetProperty("versions").EnumerateArray().ToList();
            var promoted = versions.First(version => version.GetProperty("created_at").GetDouble() > driftAt && version.GetProperty("production_at").ValueKind == JsonValueKind.Number);
            Assert.StartsWith("ctr:", promoted.GetProperty("trigger_id").GetString());
            Assert.True(promoted.GetProperty("lineage_examples").GetInt64() > 0);
            Assert.True(promoted.GetProperty("production_at").GetDouble() > promoted.GetProperty("canary_at").GetDouble());

            var accuracy = summary.GetProperty("accuracy");
            Assert.True(accuracy.GetProperty("after_promotion").GetDouble() > accuracy.GetProperty("after_drift_before_update").GetDouble() + 0.1, accuracy.ToString());
            Assert.True(accuracy.GetProperty("before_drift").GetDouble() > accuracy.GetProperty("after_drift_before_update").GetDouble() + 0.1, accuracy.ToString());

            // Every event the simulated app sent was read back, and joined; nothing was dead-lettered.
            var events = summary.GetProperty("events");
            var simulated = summary.GetProperty("simulated");
            Assert.Equal(simulated.GetProperty("predictions").GetInt64(), events.GetProperty("predictions").GetInt64());
            Assert.Equal(simulated.GetProperty("feedback").GetInt64(), events.GetProperty("feedback").GetInt64());
            Assert.True(events.GetProperty("labeled_examples").GetInt64() >= simulated.GetProperty("feedback").GetInt64());
            Assert.Equal(0, events.GetProperty("dead_letters").GetInt64());
            Assert.True(summary.GetProperty("accounted").GetBoolean());
            Assert.True(summary.GetProperty("loop_closed").GetBoolean());

            var report = File.ReadAllText(reportPath);
            Assert.Equal(3, report.Split("data:image/png;base64,").Length - 1);
            Assert.Contains("Loop closed: <b>yes</b>", report);
            Assert.Contains("The loop closed in 60 s (seed 7)", result.Output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--duration", "5", "--duration must be at least 30 seconds, was 5.")]
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
