using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using StreamingCL.Cli.Hosting;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Processors;

namespace StreamingCL.Cli.Commands;

/// <summary>`streamingcl run`: hosts the workers against a cluster, or first starts the embedded one.</summary>
internal static class RunCommand
{
    private const string AllProcessors = "processors";
    private const string Trainer = "trainer";
    private const string BrokerOnly = "broker";

    private static readonly Argument<string[]> WorkersArgument = new("worker")
    {
        Description = "What to run: processors (every stream application) or some by name (join, drift, performance, experiments, triggers); "
            + "trainer (the trainer of Trainer:ModelName and the registry policy); broker (with --embedded: the broker alone). "
            + "None: the processors and, when Trainer:ModelName is set, the trainer.",
        Arity = ArgumentArity.ZeroOrMore,
    };

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

    private static readonly Option<int?> MetricsPortOption = new("--metrics-port")
    {
        Description = "Port of the Prometheus endpoint /metrics (overrides Metrics:Port, default 9464; 0 turns it off).",
    };

    public static Command Build()
    {
        var run = new Command("run", "Run workers (all of them by default) until Ctrl+C / SIGTERM, then shut down gracefully. With --embedded, start the embedded broker first. Prints bootstrap.servers=HOST:PORT,... once started.")
        {
            WorkersArgument,
            EmbeddedOption,
            BrokersOption,
            ReadyFileOption,
            MetricsPortOption,
        };
        run.SetAction((parsed, _) => RunAsync(parsed));
        return run;
    }

    private static async Task<int> RunAsync(ParseResult parsed)
    {
        var configuration = Cli.Configuration(parsed);
        var kafka = Settings.Kafka(configuration);
        var processors = Settings.Processors(configuration);
        var embedded = parsed.GetValue(EmbeddedOption);
        var catalog = Settings.Topics(configuration, kafka);
        var (applications, trainer) = Select(processors.Applications(), parsed.GetValue(WorkersArgument) ?? [], embedded, Settings.TrainerConfigured(configuration));
        TrainerWorkerSettings? trainerSettings = null;
        if (trainer)
        {
            var trainerOptions = Settings.Trainer(configuration);
            trainerOptions.Validate();
            trainerSettings = new TrainerWorkerSettings(
                trainerOptions, Settings.Registry(configuration), Settings.TrainerWorker(configuration), kafka, catalog, embedded);
            trainerSettings.Validate();
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

        var metricsPort = parsed.GetValue(MetricsPortOption) ?? configuration.GetValue("Metrics:Port", 9464);
        if (metricsPort is < 0 or > 65535)
        {
            throw new CliInputException($"metrics port must be 0 (off) or a TCP port, was {metricsPort}.");
        }

        readyFile?.Delete();
        using var scratch = embedded ? new ScratchStateDirectory(processors) : null;
        var registry = Metrics.NewCustomRegistry();
        using var serdes = new EventSerdes(kafka);
        var environment = new ProcessorEnvironment(catalog, serdes, TimeProvider.System, new ProcessorMetrics(registry)) { MaxClockSkew = processors.MaxClockSkew };
        var endpoint = new ClusterEndpoint(kafka.BootstrapServers);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        // Logs go to stderr: stdout carries only what scripts read (bootstrap.servers=...).
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("Streamiz", LogLevel.Warning)
            .SetMinimumLevel(LogLevel.Information);
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        if (embedded)
        {
            builder.Services.AddHostedService(_ => new EmbeddedKafkaService(catalog, brokers, endpoint));
        }

        if (metricsPort > 0)
        {
            builder.Services.AddHostedService(_ => new MetricsEndpointService(registry, metricsPort));
        }

        if (trainerSettings is not null)
        {
            builder.Services.AddTrainer(trainerSettings, endpoint, serdes, registry);
        }
        else if (parsed.GetValue(WorkersArgument) is not { Length: > 0 })
        {
            builder.Services.AddHostedService(services => new StartupNotice(
                services.GetRequiredService<ILogger<StartupNotice>>(), "The trainer is not started: Trainer:ModelName is not set (see README, Trainer and registry)."));
        }

        builder.Services.AddStreamApplications(applications, endpoint, kafka, processors, environment, embedded);
        builder.Services.AddHostedService(services => new ReadinessAnnouncer(
            services.GetRequiredService<IHostApplicationLifetime>(), endpoint, parsed.InvocationConfiguration.Output, readyFile));

        using var host = builder.Build();
        await host.RunAsync();
        return Cli.Ok;
    }

    /// <summary>The stream applications and whether the trainer runs; no worker named means all of them.</summary>
    private static (List<StreamApplicationDefinition> Applications, bool Trainer) Select(
        IReadOnlyList<StreamApplicationDefinition> all, string[] workers, bool embedded, bool trainerConfigured)
    {
        if (workers.Length == 0)
        {
            return ([.. all], trainerConfigured);
        }

        if (workers.Contains(BrokerOnly))
        {
            return workers.Length > 1 || !embedded
                ? throw new CliInputException($"run: {BrokerOnly} runs the embedded broker alone: `run {BrokerOnly} --embedded`.")
                : ([], false);
        }

        var selected = new List<StreamApplicationDefinition>();
        var trainer = false;
        foreach (var worker in workers)
        {
            if (worker == Trainer)
            {
                trainer = true;
                continue;
            }

            var matches = worker == AllProcessors ? all : all.Where(application => application.Name == worker).ToList();
            if (matches.Count == 0)
            {
                throw new CliInputException($"run: unknown worker '{worker}'; known: {AllProcessors}, {string.Join(", ", all.Select(a => a.Name))}, {Trainer}, {BrokerOnly}.");
            }

            selected.AddRange(matches.Except(selected));
        }

        return (selected, trainer);
    }
}

/// <summary>Logs one line once the host has started (e.g. why a worker was left out).</summary>
internal sealed class StartupNotice(ILogger<StartupNotice> logger, string message) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("{Notice}", message);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
