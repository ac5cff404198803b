using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
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

    // Ctrl+C: 128 + SIGINT, as shells report it.
    private const int Interrupted = 130;

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
        // A cycle needs the cold start (about 7 s), the drift at a third of the run, detection,
        // retraining (the first challenger is often rejected: too few post-drift examples yet) and
        // the ramp: 45 s is the least where one fits; at 30 s the canary is still ramping at the end.
        if (duration < TimeSpan.FromSeconds(45))
        {
            throw new CliInputException($"--duration must be at least 45 seconds, was {duration.TotalSeconds}.");
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
        var configuredKafka = Settings.Kafka(configuration);
        var catalog = Settings.Topics(configuration, configuredKafka);
        var trainer = Settings.Trainer(configuration);
        trainer.Validate();
        // Its cluster is set once the embedded broker runs.
        var trainerSettings = new TrainerWorkerSettings(trainer, Settings.Registry(configuration), Settings.TrainerWorker(configuration), configuredKafka, catalog, Embedded: true);
        trainerSettings.Validate();
        var coldStart = DemoConfiguration.ColdStartExamples(trainer, simulation);
        var output = parsed.InvocationConfiguration.Output;
        var logPath = parsed.GetValue(LogOption)?.FullName
            ?? Path.Combine(Path.GetTempPath(), $"streamingcl-demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");

        await output.WriteLineAsync($"Starting the embedded broker, the five stream processors and the trainer of '{trainer.ModelName}' (log: {logPath})...");
        using var scratch = new ScratchStateDirectory(processors);
        using var logFile = FileLoggerProvider.Open(logPath, "--log");
        using var logging = LoggerFactory.Create(logs => logs.AddProvider(logFile).AddFilter("Streamiz", LogLevel.Warning).SetMinimumLevel(LogLevel.Information));
        using var cluster = EmbeddedKafkaCluster.Start(1, catalog.All);
        var kafka = Settings.Kafka(configuration, cluster.BootstrapServers);
        var endpoint = new ClusterEndpoint(cluster.BootstrapServers);
        var metrics = Metrics.NewCustomRegistry();
        using var serdes = new EventSerdes(kafka);
        var environment = new ProcessorEnvironment(catalog, serdes, TimeProvider.System, new ProcessorMetrics(metrics)) { MaxClockSkew = processors.MaxClockSkew };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(logFile).AddFilter("Streamiz", LogLevel.Warning).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddStreamApplications(processors.Applications(), endpoint, kafka, processors, environment, embedded: true);
        builder.Services.AddTrainer(trainerSettings with { Kafka = kafka }, endpoint, serdes, metrics);
        using var host = builder.Build();
        // The host's console lifetime turns Ctrl+C and SIGTERM into ApplicationStopping.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        await host.StartAsync(stopping.Token);
        try
        {
            var timeline = new DemoTimeline(DateTimeOffset.UtcNow, trainer.ModelName);
            await using var app = new SimulatedApp(configuration, kafka, new ClientContext { Topics = catalog, Metrics = metrics, LoggerFactory = logging });
            using var observer = new DemoObserver(cluster.BootstrapServers, catalog, serdes, timeline, app.DecisionThreshold, TimeProvider.System, logging.CreateLogger<DemoObserver>());
            var clock = Stopwatch.StartNew();
            var simulating = app.RunAsync(duration, stopping.Token);
            var operating = ColdStartAsync(observer, kafka, catalog, trainer.ModelName, coldStart, simulating, stopping.Token);
            var view = new DemoView(duration.TotalSeconds, simulation.DriftAt.TotalSeconds, simulation.Seed);
            var live = !parsed.GetValue(NoUiOption) && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            await WatchAsync(view, observer, clock, simulating, operating, live, output);
            await Task.WhenAll(simulating, operating);

            await output.WriteLineAsync("Traffic done; waiting for the processors to read the last events...");
            var counters = app.Simulator.Counters;
            if (await ReadBackAsync(observer, counters, TimeSpan.FromSeconds(30), stopping.Token) is { } missing)
            {
                await output.WriteLineAsync($"Not read back within 30 s: {missing}.");
            }

            var summary = observer.Query(t => DemoSummary.From(t, counters, simulation, duration.TotalSeconds, observer.Unreadable));
            await output.WriteLineAsync(Describe(summary, logPath));
            await WriteFilesAsync(parsed, summary, observer);
            return summary.LoopClosed && summary.Accounted ? Cli.Ok : Cli.Failed;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await output.WriteLineAsync($"Interrupted (log: {logPath}).");
            return Interrupted;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The operator's part: once enough cold-start traffic is labeled, ask for the model's first
    /// version with a manual trigger (`streamingcl trigger` does the same), then make sure it came.
    /// </summary>
    private static async Task ColdStartAsync(DemoObserver observer, Kafka.KafkaOptions kafka, TopicCatalog catalog, string model, int examples, Task simulating, CancellationToken cancellation)
    {
        while (!simulating.IsCompleted && observer.Query(t => t.Versions.Count) == 0)
        {
            var labeled = observer.Query(t => t.Outcomes.Count(outcome => outcome.Version == 0));
            if (labeled < examples)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation);
                continue;
            }

            var trigger = TriggerCommand.Manual(model, $"cold start: {labeled} labeled examples served by popularity", null, "streamingcl demo (operator)", DateTimeOffset.UtcNow);
            await TriggerCommand.PublishAsync(kafka, catalog[EventTopic.RetrainTriggers].Name, trigger, TimeSpan.FromSeconds(10));
            await WaitUntilAsync(() => simulating.IsCompleted || observer.Query(t => t.Versions.Count) > 0, TimeSpan.FromSeconds(30), cancellation);
            if (observer.Query(t => t.Versions.Count) == 0 && !simulating.IsCompleted)
            {
                throw new InvalidOperationException($"The trainer published no first version of '{model}' within 30 s of the cold-start trigger: see the log.");
            }
        }
    }

    private static async Task WatchAsync(DemoView view, DemoObserver observer, Stopwatch clock, Task simulating, Task operating, bool live, TextWriter output)
    {
        DemoSnapshot Snapshot() => observer.Query(t => DemoSnapshot.Of(t, clock.Elapsed.TotalSeconds));
        bool Running() => !simulating.IsCompleted && !operating.IsFaulted;
        var period = TimeSpan.FromMilliseconds(live ? 500 : 5000);
        if (live)
        {
            await AnsiConsole.Live(view.Render(Snapshot())).StartAsync(async context =>
            {
                while (Running())
                {
                    await Task.WhenAny(simulating, Task.Delay(period)); // the operator is done early: not a wake-up
                    context.UpdateTarget(view.Render(Snapshot()));
                }
            });
        }
        else
        {
            while (Running())
            {
                await Task.WhenAny(simulating, Task.Delay(period)); // the operator is done early: not a wake-up
                await output.WriteLineAsync(view.Line(Snapshot()));
            }
        }

        if (operating.IsFaulted)
        {
            await operating; // the operator's failure, now rather than after the whole run
        }
    }

    /// <summary>Waits until the observer has read every event the app sent and every labeled example of them; null when it has, else what is missing.</summary>
    private static async Task<string?> ReadBackAsync(DemoObserver observer, SimulationCounters sent, TimeSpan timeout, CancellationToken cancellation)
    {
        string? Missing() => observer.Query(t =>
        {
            var gaps = new List<string>();
            if (t.Predictions < sent.Predictions)
            {
                gaps.Add($"{sent.Predictions - t.Predictions} of {sent.Predictions} predictions");
            }

            if (t.Feedback < sent.Feedback)
            {
                gaps.Add($"{sent.Feedback - t.Feedback} of {sent.Feedback} feedback");
            }

            if (t.Outcomes.Count < sent.Feedback)
            {
                gaps.Add($"{sent.Feedback - t.Outcomes.Count} of {sent.Feedback} labeled examples");
            }

            return gaps.Count == 0 ? null : string.Join(", ", gaps);
        });
        await WaitUntilAsync(() => Missing() is null, timeout, cancellation);
        return Missing();
    }

    /// <summary>The summary, report and charts asked for; the charts are drawn once.</summary>
    private static async Task WriteFilesAsync(ParseResult parsed, DemoSummary summary, DemoObserver observer)
    {
        if (parsed.GetValue(SummaryOption) is { } summaryFile)
        {
            await File.WriteAllTextAsync(summaryFile.FullName, JsonSerializer.Serialize(summary, SummaryJson));
        }

        var (reportFile, chartsDirectory) = (parsed.GetValue(ReportOption), parsed.GetValue(ChartsOption));
        if (reportFile is null && chartsDirectory is null)
        {
            return;
        }

        var charts = observer.Query(t => DemoReport.Charts(summary, t));
        if (reportFile is not null)
        {
            await File.WriteAllTextAsync(reportFile.FullName, DemoReport.Html(summary, charts));
        }

        if (chartsDirectory is not null)
        {
            chartsDirectory.Create();
            foreach (var chart in charts)
            {
                await File.WriteAllBytesAsync(Path.Combine(chartsDirectory.FullName, $"demo-{chart.Name}.png"), chart.Png);
            }
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
        var versions = string.Join(", ", summary.Versions.Select(version =>
            $"v{version.Version} {DemoFormat.Stage(version.Stage)} ({version.TrainingKind.ToString().ToLowerInvariant()}, holdout AUC {DemoFormat.Fraction(version.HoldoutAuc)})"));
        var triggers = string.Join(", ", summary.Triggers.Select(trigger => string.Create(CultureInfo.InvariantCulture, $"{trigger.Kind.ToString().ToLowerInvariant()} at {trigger.At:F1} s")));
        var accuracy = summary.Accuracy;
        return string.Create(CultureInfo.InvariantCulture, $"""

            {(summary.LoopClosed ? "The loop closed" : "The loop did NOT close")} in {summary.DurationSeconds:F0} s (seed {summary.Seed}):
              events       {summary.Events.Predictions} predictions, {summary.Events.Feedback} feedback, {summary.Events.LabeledExamples} labeled examples, {summary.Events.DeadLetters} dead letters{(summary.Accounted ? " (every event accounted for)" : " (NOT all accounted for)")}
              drift        injected at {summary.DriftInjectedAt:F1} s, first detected at {(summary.FirstDriftDetectedAt is null ? "never" : DemoFormat.Seconds(summary.FirstDriftDetectedAt))}
              triggers     {(triggers.Length == 0 ? "none" : triggers)}
              versions     {(versions.Length == 0 ? "none" : versions)}
              accuracy     {DemoFormat.Fraction(accuracy.BeforeDrift)} before the drift, {DemoFormat.Fraction(accuracy.AfterDriftBeforeUpdate)} after it, {DemoFormat.Fraction(accuracy.AfterPromotion)} after the promotion
              retraining   trigger to published version: p50 {DemoFormat.Milliseconds(summary.TriggerToPublishMs.P50)}, p95 {DemoFormat.Milliseconds(summary.TriggerToPublishMs.P95)}
              log          {logPath}
            """);
    }
}
