namespace StreamingCL.Cli.Tests;

public sealed class CliTests
{
    [Fact]
    public async Task Usage_errors_exit_with_code_2_in_one_line()
    {
        var result = await CliRunner.RunAsync("topics", "lst");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith("error: ", result.Error);
    }

    [Theory]
    [InlineData("topics")]
    [InlineData("topics", "list")]
    [InlineData("topics", "create")]
    [InlineData("run")]
    [InlineData("drift", "compare")]
    [InlineData("drift", "detect")]
    [InlineData("experiment", "analyze")]
    [InlineData("models", "list")]
    [InlineData("models", "promote")]
    [InlineData("models", "approve")]
    [InlineData("models", "rollback")]
    [InlineData("freshness")]
    [InlineData("bench", "trainer")]
    [InlineData("demo")]
    [InlineData("simulate")]
    public async Task Every_command_has_help(params string[] command)
    {
        var result = await CliRunner.RunAsync([.. command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output);
        Assert.Contains("Description:", result.Output);
    }
}
