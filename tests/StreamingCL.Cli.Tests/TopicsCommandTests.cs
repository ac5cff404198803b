using System.Text.Json;

namespace StreamingCL.Cli.Tests;

public sealed class TopicsCommandTests
{
    [Fact]
    public async Task Topics_list_prints_the_catalog_as_json()
    {
        var result = await CliRunner.RunAsync("topics", "list", "--json");

        Assert.Equal(0, result.ExitCode);
        var topics = JsonDocument.Parse(result.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(10, topics.Count(topic => !topic.GetProperty("name").GetString()!.StartsWith("streamingcl-", StringComparison.Ordinal)));
        Assert.Contains(topics, topic => topic.GetProperty("name").GetString() == "streamingcl-join-join-state-changelog");
        var modelUpdates = topics.Single(topic => topic.GetProperty("name").GetString() == "model-updates");
        Assert.Equal("compact", modelUpdates.GetProperty("cleanup_policy").GetString());
        Assert.Equal(1, modelUpdates.GetProperty("partitions").GetInt32());
    }

    [Fact]
    public async Task Topics_list_applies_overrides_from_the_config_file()
    {
        using var config = CliRunner.TempFile("""{ "Topics": { "Predictions": { "Name": "prod.predictions", "Partitions": 16 }, "Feedback": { "Partitions": 16 } } }""");

        var result = await CliRunner.RunAsync("topics", "list", "--config", config.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"(?m)^prod\.predictions\s+16\s+delete\s+7 d\s", result.Output);
    }

    [Fact]
    public async Task A_bad_configuration_value_fails_at_start_naming_the_key()
    {
        using var config = CliRunner.TempFile("""{ "Topics": { "Feedback": { "Partitions": 0 } } }""");

        var result = await CliRunner.RunAsync("topics", "list", "--config", config.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: Topics:Feedback:Partitions: must be at least 1, was 0.", result.Error.Trim());
    }

    [Fact]
    public async Task An_unknown_configuration_key_fails_naming_it()
    {
        using var config = CliRunner.TempFile("""{ "Kafka": { "BootstrapServer": "typo:9092" } }""");

        var result = await CliRunner.RunAsync("topics", "list", "--config", config.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: Kafka:", result.Error);
        Assert.Contains("BootstrapServer", result.Error);
    }

    [Fact]
    public async Task A_missing_config_file_is_reported_in_one_line()
    {
        var result = await CliRunner.RunAsync("topics", "list", "--config", "/nonexistent/appsettings.json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --config: /nonexistent/appsettings.json does not exist.", result.Error.Trim());
    }
}
