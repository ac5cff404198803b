using Microsoft.Extensions.Configuration;
using StreamingCL.Kafka;

namespace StreamingCL.Cli.Tests;

/// <summary>What `streamingcl run` refuses before starting anything, and the settings it binds.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task The_broker_alone_needs_the_embedded_broker()
    {
        var result = await CliRunner.RunAsync("run", "broker");

        Assert.Equal((2, "error: run: broker runs the embedded broker alone: `run broker --embedded`."), (result.ExitCode, result.Error.Trim()));
    }

    [Fact]
    public async Task An_unknown_worker_is_refused_naming_the_known_ones()
    {
        var result = await CliRunner.RunAsync("run", "trainr", "--embedded");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: run: unknown worker 'trainr'; known: processors, join, drift, performance, experiments, triggers, trainer, broker.", result.Error.Trim());
    }

    [Fact]
    public async Task The_trainer_needs_a_model()
    {
        var result = await CliRunner.RunAsync("run", "trainer", "--embedded");

        Assert.Equal((2, "error: Trainer:ModelName: is required."), (result.ExitCode, result.Error.Trim()));
    }

    [Fact]
    public async Task A_bad_trainer_worker_setting_fails_naming_its_key()
    {
        using var config = CliRunner.TempFile("""{ "Trainer": { "ModelName": "ctr", "Features": { "NumericFeatures": ["x"] } }, "TrainerWorker": { "CommitInterval": "00:00:00" } }""");

        var result = await CliRunner.RunAsync("run", "trainer", "--embedded", "--config", config.Path);

        Assert.Equal((2, "error: TrainerWorker:CommitInterval: must be positive, was 00:00:00."), (result.ExitCode, result.Error.Trim()));
    }

    [Fact]
    public async Task Only_a_binary_classifier_can_enter_as_a_shadow()
    {
        using var config = CliRunner.TempFile("""{ "Trainer": { "ModelName": "eta", "Features": { "Task": "Regression", "NumericFeatures": ["x"] } }, "Registry": { "EntryStage": "Shadow" } }""");

        var result = await CliRunner.RunAsync("run", "trainer", "--embedded", "--config", config.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: Registry:EntryStage: Shadow judges a version by its decisions against 0/1 labels", result.Error, StringComparison.Ordinal);
        Assert.Contains("Trainer:Features:Task is Regression", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_ramp_steps_replace_the_default_ones()
    {
        using var config = CliRunner.TempFile("""{ "Registry": { "RampSteps": [0.2, 0.6], "RequireApproval": true } }""");
        var configuration = new ConfigurationBuilder().AddJsonFile(config.Path).Build();

        var options = Settings.Registry(configuration);

        Assert.Equal([0.2, 0.6], options.RampSteps);
        Assert.True(options.RequireApproval);
        Assert.Equal([0.05, 0.25, 0.5], Settings.Registry(new ConfigurationBuilder().Build()).RampSteps);
    }

    [Fact]
    public void A_registry_setting_that_cannot_work_fails_naming_its_key()
    {
        using var config = CliRunner.TempFile("""{ "Registry": { "RampSteps": [0.5, 0.2] } }""");
        var configuration = new ConfigurationBuilder().AddJsonFile(config.Path).Build();

        var error = Assert.Throws<InvalidConfigurationException>(() => { Settings.Registry(configuration); });

        Assert.Equal("Registry:RampSteps", error.Key);
    }
}
