namespace StreamingCL.Cli.Tests;

/// <summary>Runs the command line in-process and captures what it printed.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Cli.RunAsync(args, output, error);
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A file (configuration, input) for one test, deleted with the returned handle.</summary>
    public static TemporaryFile TempFile(string content) => new(content);

    public sealed class TemporaryFile : IDisposable
    {
        public TemporaryFile(string content)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"streamingcl-{Guid.NewGuid():N}.json");
            File.WriteAllText(Path, content);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
