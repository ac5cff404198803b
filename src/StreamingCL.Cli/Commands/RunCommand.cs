using System.CommandLine;
using System.Text.Json;
using StreamingCL.Kafka.Embedded;

namespace StreamingCL.Cli.Commands;

/// <summary>`streamingcl run`: hosts the workers against a cluster, or first starts the embedded one.</summary>
internal static class RunCommand
{
    private static readonly Option<bool> EmbeddedOption = new("--embedded")
    {
        Description = "Start an embedded Kafka-protocol broker in this process with every catalog topic, and use it.",
    };

    private static readonly Option<int> BrokersOption = new("--brokers")
    {
        Description = "Brokers of the embedded cluster.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<FileInfo?> ReadyFileOption = new("--ready-file")
    {
        Description = "Write {\"bootstrap_servers\": ...} to this file once the cluster is ready.",
    };

    public static Command Build()
    {
        var run = new Command("run", "Run until Ctrl+C / SIGTERM. With --embedded, start the embedded broker first and print bootstrap.servers=HOST:PORT,...")
        {
            EmbeddedOption,
            BrokersOption,
            ReadyFileOption,
        };
        run.SetAction(RunAsync);
        return run;
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken stopping)
    {
        if (!parsed.GetValue(EmbeddedOption))
        {
            throw new CliInputException("run: no workers are available yet; use --embedded to host the embedded broker.");
        }

        var brokers = parsed.GetValue(BrokersOption);
        if (brokers < 1)
        {
            throw new CliInputException($"--brokers must be at least 1, was {brokers}.");
        }

        var configuration = Cli.Configuration(parsed);
        var catalog = Settings.Topics(configuration, Settings.Kafka(configuration));
        using var cluster = EmbeddedKafkaCluster.Start(brokers, catalog.All);
        var output = parsed.InvocationConfiguration.Output;
        await output.WriteLineAsync($"bootstrap.servers={cluster.BootstrapServers}");
        await output.FlushAsync(stopping);
        if (parsed.GetValue(ReadyFileOption) is { } readyFile)
        {
            await WriteAtomicallyAsync(readyFile, JsonSerializer.Serialize(new { bootstrap_servers = cluster.BootstrapServers }), stopping);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stopping);
        }
        catch (OperationCanceledException)
        {
            await output.WriteLineAsync("stopping");
        }

        return Cli.Ok;
    }

    /// <summary>Readers polling for the file never see it half written.</summary>
    private static async Task WriteAtomicallyAsync(FileInfo file, string content, CancellationToken cancellation)
    {
        var temporary = file.FullName + ".tmp";
        await File.WriteAllTextAsync(temporary, content, cancellation);
        File.Move(temporary, file.FullName, overwrite: true);
    }
}
