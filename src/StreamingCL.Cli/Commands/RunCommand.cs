using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamingCL.Cli.Hosting;

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
        Description = "Write {\"bootstrap_servers\": ...} to this file once everything has started; it is removed on shutdown.",
    };

    public static Command Build()
    {
        var run = new Command("run", "Run until Ctrl+C / SIGTERM, then shut down gracefully. With --embedded, start the embedded broker first. Prints bootstrap.servers=HOST:PORT,... once started.")
        {
            EmbeddedOption,
            BrokersOption,
            ReadyFileOption,
        };
        run.SetAction((parsed, _) => RunAsync(parsed));
        return run;
    }

    private static async Task<int> RunAsync(ParseResult parsed)
    {
        var embedded = parsed.GetValue(EmbeddedOption);
        if (!embedded)
        {
            throw new CliInputException("run: no workers are available yet; use --embedded to host the embedded broker.");
        }

        var brokers = parsed.GetValue(BrokersOption);
        if (brokers < 1)
        {
            throw new CliInputException($"--brokers must be at least 1, was {brokers}.");
        }

        var readyFile = parsed.GetValue(ReadyFileOption);
        if (readyFile is { Directory.Exists: false })
        {
            throw new CliInputException($"--ready-file: directory {readyFile.DirectoryName} does not exist.");
        }

        readyFile?.Delete();
        var configuration = Cli.Configuration(parsed);
        var kafka = Settings.Kafka(configuration);
        var catalog = Settings.Topics(configuration, kafka);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var endpoint = new ClusterEndpoint(kafka.BootstrapServers);
        builder.Services.AddSingleton(endpoint);
        builder.Services.AddHostedService(_ => new EmbeddedKafkaService(catalog, brokers, endpoint));
        builder.Services.AddHostedService(services => new ReadinessAnnouncer(
            services.GetRequiredService<IHostApplicationLifetime>(), endpoint, parsed.InvocationConfiguration.Output, readyFile));

        using var host = builder.Build();
        await host.RunAsync();
        return Cli.Ok;
    }
}
