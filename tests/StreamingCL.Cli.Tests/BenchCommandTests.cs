namespace StreamingCL.Cli.Tests;

/// <summary>The benchmark commands run and report; their figures are read by people, never asserted.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task Bench_pipeline_runs_the_pass_through_and_every_application_over_the_records()
    {
        var result = await CliRunner.RunAsync("bench", "pipeline", "--events", "200");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches(@"pass-through topology: 200 predictions in [0-9.]+ s \([0-9]+ records/s\)", result.Output);
        Assert.Matches(@"join, drift, performance, experiments, triggers: 400 predictions and feedback in [0-9.]+ s \([0-9]+ records/s\)", result.Output);
        Assert.Matches(@"managed heap after the run: [0-9]+ MB", result.Output);
    }
}
