using System.CommandLine;

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

    /// <summary>Every command of the tree, as the words that name it: none can be forgotten here.</summary>
    public static TheoryData<string[]> Commands()
    {
        var commands = new TheoryData<string[]>();
        void Walk(Command command, string[] path)
        {
            foreach (var child in command.Subcommands)
            {
                string[] words = [.. path, child.Name];
                commands.Add(words);
                Walk(child, words);
            }
        }

        Walk(Cli.Build(), []);
        return commands;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help(params string[] command)
    {
        var result = await CliRunner.RunAsync([.. command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output);
        Assert.Contains("Description:", result.Output);
    }
}
