using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Spectre.Console;
using StreamingCL.Cli.Demo;
using StreamingCL.Cli.Hosting;
using StreamingCL.Cli.Simulation;
using StreamingCL.Client;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors;

namespace StreamingCL.Cli.Commands;

/// <summary>
/// `streamingcl demo`: the whole loop in one process on an embedded broker. A simulated serving app
/// starts cold (by popularity), the operator asks for a first version once labels are in, the trend
/// changes a third of the way in, and the processors, the trainer and the registry take it from
/// there: drift detected, a retrain triggered, the new version canaried and promoted.
/// </summary>
internal static class DemoCommand
{
    private static readonly Option<int> DurationOption = new("--duration") { Description = "Seconds of simulated traffic (a full cycle needs about 90).", DefaultValueFactory = _ => 90 };
    private static readonly Option<int?> SeedOption = new("--seed") { Description = "Seed of the simulation (default: Simulation:Seed, 42)." };
    private static readonly Option<FileInfo?> SummaryOption = new("--summary") { Description = "Write the run's summary as JSON to this file." };
    private static readonly Option<FileInfo?> ReportOption = new("--report") { Description = "Write a self-contained HTML report with charts to this file." };
    private static readonly Option<DirectoryInfo?> ChartsOption = new("--charts") { Description = "Also write the report's charts as PNG files into this directory." };
    private static readonly Option<bool> NoUiOption = new("--no-ui") { Description = "Print a progress line every few seconds instead of the live view (for CI logs)." };
    private static readonly Option<FileInfo?> LogOption = new("--log") { Description = "Where the workers log (default: a file in the temp directory, named at the end)." };

    private static readonly JsonSerializerOptions SummaryJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static Command Build()
    {
        var demo = new Command("demo", "Run the whole loop on an embedded broker: serving, drift detection, retraining, canary and promotion, in one process with a live view.")
        {
            DurationOption,
            SeedOption,
            SummaryOption,
            ReportOption,
            ChartsOption,
            NoUiOption,
            LogOption,
        };
        demo.SetAction((parsed, cancellation) => RunAsync(parsed, cancellation));
        return demo;
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken cancellation)
    {
        var duration = TimeSpan.FromSeconds(parsed.GetValue(DurationOption));
        // The cold start alone takes about 7 s; the drift comes at a third of the run.
        if (duration < TimeSpan.FromSeconds(30))
        {
            throw new CliInputException($"--duration must be at least 30 seconds, was {duration.TotalSeconds}.");
        }

        foreach (var file in new[] { parsed.GetValue(SummaryOption), parsed.GetValue(ReportOption), parsed.GetValue(LogOption) })
        {
            if (file is { Directory.Exists: false })
            {
                throw new CliInputException($"{file.FullName}: directory {file.DirectoryName} does not exist.");
            }
        }

        var configuration = DemoConfiguration.Build(Cli.Configuration(parsed), duration, parsed.GetValue(SeedOption));
        var simulation = Settings.Simulation(configuration);
        var processors = Settings.Processors(configuration);
        var catalog = Settings.Topics(configuration, Settings.Kafka(configuration));
        var trainer = Settings.Trainer(configuration);
        trainer.Validate();
        var registryOptions = Settings.Registry(configuration);
        var workerOptions = Settings.TrainerWorker(configuration);
        var routerOptions = Settings.Router(configuration);
        var output = parsed.InvocationConfiguration.Output;
        var logPath = parsed.GetValue(LogOption)?.FullName ?? Path.Combine(Path.GetTempPath(), $"streamingcl-demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log");

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        ConsoleCancelEventHandler interrupt = (_, e) =>
        {
            e.Cancel = true;
            stopping.Cancel();
        };
        Console.CancelKeyPress += interrupt;
        using var scratch = new ScratchStateDirectory(processors);
        using var logFile = new FileLoggerProvider(logPath);
        using var logging = LoggerFactory.Create(logs => logs.AddProvider(logFile).AddFilter("Streamiz", LogLevel.Warning).SetMinimumLevel(LogLevel.Information));
        try
        {
            await output.WriteLineAsync($"Starting the embedded broker, the five stream processors and the trainer of '{trainer.ModelName}' (log: {logPath})...");
            using var cluster = EmbeddedKafkaCluster.Start(1, catalog.All);
            var kafka = Settings.Kafka(configuration, cluster.BootstrapServers);
            var endpoint = new ClusterEndpoint(cluster.BootstrapServers);
            var metrics = Metrics.NewCustomRegistry();
            using var serdes = new EventSerdes(kafka);
            var environment = new ProcessorEnvironment(catalog, serdes, TimeProvider.System, new ProcessorMetrics(metrics)) { MaxClockSkew = processors.MaxClockSkew };
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders().AddProvider(logFile).AddFilter("Streamiz", LogLevel.Warning).SetMinimumLevel(LogLevel.Information);
            builder.Services.AddStreamApplications(processors.Applications(), endpoint, kafka, processors, environment, embedded: true);
            builder.Services.AddTrainer(new TrainerWorkerSettings(trainer, registryOptions, workerOptions, kafka, catalog, Embedded: true), endpoint, serdes, metrics);
            using var host = builder.Build();
            await host.StartAsync(stopping.Token);

            var timeline = new DemoTimeline(DateTimeOffset.UtcNow);
            using var observer = new DemoObserver(cluster.BootstrapServers, catalog, serdes, timeline, routerOptions.DecisionThreshold ?? 0.5, TimeProvider.System);
            var client = new ClientContext { Topics = catalog, Metrics = metrics, LoggerFactory = logging };
            await using var router = new ModelRouter(kafka, routerOptions, client);
            await using var predictions = new PredictionLogger(kafka, Settings.Publisher(configuration), client);
            await using var feedback = new FeedbackReporter(kafka, Settings.Publisher(configuration), client);
            var simulator = new Simulator(simulation, router, predictions, feedback, TimeProvider.System);
            var clock = Stopwatch.StartNew();
            var simulating = simulator.RunAsync(duration, stopping.Token);
            var operating = ColdStartAsync(observer, kafka, catalog, trainer.ModelName, simulating, stopping.Token);
            var view = new DemoView(duration.TotalSeconds, simulation.DriftAt.TotalSeconds, simulation.Seed);
            var live = !parsed.GetValue(NoUiOption) && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            await WatchAsync(view, observer, clock, simulating, live, output);
            await Task.WhenAll(simulating, operating);

            await predictions.FlushAsync(stopping.Token);
            await feedback.FlushAsync(stopping.Token);
            await output.WriteLineAsync("Traffic done; waiting for the processors to read the last events...");
            var counters = simulator.Counters;
            await WaitUntilAsync(() => observer.Query(t => t.Predictions >= counters.Predictions && t.Feedback >= counters.Feedback && t.Outcomes.Count >= counters.Feedback), TimeSpan.FromSeconds(30), stopping.Token);

            var summary = observer.Query(t => DemoSummary.From(t, counters, simulation, duration.TotalSeconds, observer.Unreadable));
            if (parsed.GetValue(SummaryOption) is { } summaryFile)
            {
                await File.WriteAllTextAsync(summaryFile.FullName, JsonSerializer.Serialize(summary, SummaryJson), CancellationToken.None);
            }

            if (parsed.GetValue(ReportOption) is { } reportFile)
            {
                await File.WriteAllTextAsync(reportFile.FullName, observer.Query(t => DemoReport.Html(summary, t)), CancellationToken.None);
            }

            if (parsed.GetValue(ChartsOption) is { } charts)
            {
                charts.Create();
                foreach (var (name, png) in observer.Query(t => DemoReport.Charts(summary, t).ToList()))
                {
                    await File.WriteAllBytesAsync(Path.Combine(charts.FullName, $"demo-{name}.png"), png, CancellationToken.None);
                }
            }

            await output.WriteLineAsync(Describe(summary, logPath));
            await host.StopAsync(CancellationToken.None);
            return summary.LoopClosed && summary.Accounted ? Cli.Ok : Cli.Failed;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await output.WriteLineAsync($"Interrupted (log: {logPath}).");
            return Cli.Failed;
        }
        finally
        {
            Console.CancelKeyPress -= interrupt;
        }
    }

    /// <summary>
    /// The operator's part: once enough cold-start traffic is labeled, ask for the model's first
    /// version with a manual trigger (`streamingcl trigger` does the same).
    /// </summary>
    private static async Task ColdStartAsync(DemoObserver observer, Kafka.KafkaOptions kafka, TopicCatalog catalog, string model, Task simulating, CancellationToken cancellation)
    {
        while (!simulating.IsCompleted)
        {
            var (labeled, versions) = observer.Query(t => (t.Outcomes.Count(outcome => outcome.Version == 0), t.Versions.Count));
            if (versions > 0)
            {
                return;
            }

            if (labeled >= DemoConfiguration.ColdStartExamples)
            {
                var trigger = TriggerCommand.Manual(model, $"cold start: {labeled} labeled examples served by popularity", null, "streamingcl demo (operator)", DateTimeOffset.UtcNow);
                await TriggerCommand.PublishAsync(kafka, catalog[EventTopic.RetrainTriggers].Name, trigger, TimeSpan.FromSeconds(10));
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation);
        }
    }

    private static async Task WatchAsync(DemoView view, DemoObserver observer, Stopwatch clock, Task simulating, bool live, TextWriter output)
    {
        DemoSnapshot Snapshot() => observer.Query(t => DemoSnapshot.Of(t, clock.Elapsed.TotalSeconds));
        if (live)
        {
            await AnsiConsole.Live(view.Render(Snapshot())).StartAsync(async context =>
            {
                while (!simulating.IsCompleted)
                {
                    await Task.WhenAny(simulating, Task.Delay(TimeSpan.FromMilliseconds(500)));
                    context.UpdateTarget(view.Render(Snapshot()));
                }
            });
            return;
        }

        while (!simulating.IsCompleted)
        {
            await Task.WhenAny(simulating, Task.Delay(TimeSpan.FromSeconds(5)));
            await output.WriteLineAsync(view.Line(Snapshot()));
        }
    }

    private static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation);
        }
    }

    private static string Describe(DemoSummary summary, string logPath)
    {
        static string Fraction(double? value) => value?.ToString("F3", CultureInfo.InvariantCulture) ?? "-";
        static string At(double? seconds) => seconds is { } value ? $"{value:F1} s" : "never";
        var versions = string.Join(", ", summary.Versions.Select(version =>
            $"v{version.Version} {DemoView.StageName(version.Stage)} ({version.TrainingKind.ToString().ToLowerInvariant()}, holdout AUC {Fraction(version.HoldoutAuc)})"));
        var triggers = string.Join(", ", summary.Triggers.Select(trigger => $"{trigger.Kind.ToString().ToLowerInvariant()} at {trigger.At:F1} s"));
        return string.Create(CultureInfo.InvariantCulture, $"""

            {(summary.LoopClosed ? "The loop closed" : "The loop did NOT close")} in {summary.DurationSeconds:F0} s (seed {summary.Seed}):
              events       {summary.Events.Predictions} predictions, {summary.Events.Feedback} feedback, {summary.Events.LabeledExamples} labeled examples, {summary.Events.DeadLetters} dead letters{(summary.Accounted ? " (every event accounted for)" : " (NOT all accounted for)")}
              drift        injected at {summary.DriftInjectedAt:F1} s, first detected at {At(summary.FirstDriftDetectedAt)}
              triggers     {(triggers.Length == 0 ? "none" : triggers)}
              versions     {(versions.Length == 0 ? "none" : versions)}
              accuracy     {Fraction(summary.Accuracy.BeforeDrift)} before the drift, {Fraction(summary.Accuracy.AfterDriftBeforeUpdate)} after it, {Fraction(summary.Accuracy.AfterPromotion)} after the promotion
              retraining   trigger to published version: p50 {summary.TriggerToPublishMs.P50:F0} ms, p95 {summary.TriggerToPublishMs.P95:F0} ms
              log          {logPath}
            """);
    }
}
