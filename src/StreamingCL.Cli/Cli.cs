using System.CommandLine;
using Microsoft.Extensions.Configuration;
using StreamingCL.Cli.Commands;
using StreamingCL.Kafka;

namespace StreamingCL.Cli;

/// <summary>The `streamingcl` command line: the commands, shared options, exit codes and error reporting.</summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    /// <summary>appsettings.json-style file; environment variables (Kafka__BootstrapServers, ...) override it.</summary>
    public static readonly Option<FileInfo?> ConfigOption = new("--config")
    {
        Description = "Configuration file (JSON, sections Kafka, Topics, ...); environment variables such as Kafka__BootstrapServers override it. Default: ./appsettings.json if present.",
        Recursive = true,
    };

    public static RootCommand Build() => new("StreamingCL: continual learning on Kafka. Drift, experiments, retraining and model rollout as stream processors.")
    {
        ConfigOption,
        DemoCommand.Build(),
        SimulateCommand.Build(),
        TopicsCommand.Build(),
        RunCommand.Build(),
        TriggerCommand.Build(),
        ModelsCommand.Build(),
        FreshnessCommand.Build(),
        DriftCommand.Build(),
        ExperimentCommand.Build(),
        BenchCommand.Build(),
    };

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"error: {parsed.Errors[0].Message} (see --help)");
            return BadInput;
        }

        try
        {
            // Signals are left to the commands: `run` hosts workers whose graceful shutdown the
            // generic host drives on SIGTERM / Ctrl+C.
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e) when (e is InvalidConfigurationException or CliInputException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return Failed;
        }
    }

    /// <summary>Configuration: the --config file (or ./appsettings.json), then environment variables.</summary>
    public static IConfiguration Configuration(ParseResult parsed)
    {
        var file = parsed.GetValue(ConfigOption);
        if (file is { Exists: false })
        {
            throw new CliInputException($"--config: {file.FullName} does not exist.");
        }

        return new ConfigurationBuilder()
            .AddJsonFile(file?.FullName ?? Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: file is null)
            .AddEnvironmentVariables()
            .Build();
    }
}

/// <summary>Bad input from the user (file, value, argument): reported in one line with exit code 2.</summary>
internal sealed class CliInputException(string message) : Exception(message);
