using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using StreamingCL.Cli.Hosting;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Registry;
using StreamingCL.Trainer;

namespace StreamingCL.Cli.Commands;

/// <summary>
/// `streamingcl bench trainer`: trigger-to-published latency of the trainer worker on the
/// embedded broker, by training kind.
/// </summary>
internal static class BenchTrainer
{
    private static readonly Option<int> ExamplesOption = new("--examples") { Description = "Labeled examples in the topic before the first trigger.", DefaultValueFactory = _ => 20_000 };
    private static readonly Option<int> TriggersOption = new("--triggers") { Description = "Triggers to time; every second one asks for a stateless retrain.", DefaultValueFactory = _ => 20 };
    private static readonly Option<int> NewExamplesOption = new("--new-examples") { Description = "Fresh labeled examples written before each trigger.", DefaultValueFactory = _ => 1_000 };
    private static readonly Option<int> FeaturesOption = new("--features") { Description = "Numeric features of the synthetic model.", DefaultValueFactory = _ => 20 };
    private static readonly Option<bool> JsonOption = CliOptions.Json();
    private static readonly JsonSerializerOptions SummaryJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Command Build()
    {
        var trainer = new Command(
            "trainer",
            "Start the trainer worker on an embedded broker with labeled examples of a synthetic model, then time triggers one at a time: from writing the trigger to reading its version back from model-updates.")
        {
            ExamplesOption,
            TriggersOption,
            NewExamplesOption,
            FeaturesOption,
            JsonOption,
        };
        trainer.SetAction((parsed, cancellation) => TrainerAsync(parsed, cancellation));
        return trainer;
    }

    private static async Task<int> TrainerAsync(ParseResult parsed, CancellationToken cancellation)
    {
        var examples = parsed.GetValue(ExamplesOption);
        var triggers = parsed.GetValue(TriggersOption);
        var fresh = parsed.GetValue(NewExamplesOption);
        var features = parsed.GetValue(FeaturesOption);
        if (examples < 1 || triggers < 1 || fresh < 1 || features < 1)
        {
            throw new CliInputException("--examples, --triggers, --new-examples and --features must be at least 1.");
        }

        const string model = "bench";
        var catalog = new TopicCatalog();
        using var cluster = EmbeddedKafkaCluster.Start(1, catalog.All);
        var kafka = new KafkaOptions { BootstrapServers = cluster.BootstrapServers };
        using var serdes = new EventSerdes(kafka);
        var options = new TrainerOptions { ModelName = model, Features = new FeatureSpec { NumericFeatures = [.. SyntheticConcept.FeatureNames(features)] } };
        var settings = new TrainerWorkerSettings(options, new RegistryOptions(), new TrainerWorkerOptions(), kafka, catalog, Embedded: true);
        var metrics = new TrainerMetrics(Metrics.NewCustomRegistry());
        var concept = SyntheticConcept.Random(features, new Random(7));
        var random = new Random(8);
        var progress = parsed.InvocationConfiguration.Error;
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 5 }).Build();
        var written = 0;
        void WriteExamples(int count)
        {
            for (var i = 0; i < count; i++, written++)
            {
                var example = concept.Example(model, $"bench-{written}", random, DateTimeOffset.UtcNow);
                producer.Produce(catalog[EventTopic.LabeledExamples].Name, BenchCommand.Message(example.PredictionId, serdes.For<LabeledExample>().Serialize(example, "labeled-examples"), example.PredictionTimestamp));
            }

            producer.Flush(TimeSpan.FromMinutes(5));
        }

        progress.WriteLine($"writing {examples} labeled examples with {features} features...");
        WriteExamples(examples);
        using var worker = new TrainerWorker(settings, new ClusterEndpoint(cluster.BootstrapServers), serdes, metrics, TimeProvider.System, NullLogger<TrainerWorker>.Instance);
        await worker.StartAsync(cancellation);
        using var observer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "bench-observer", FetchWaitMaxMs = 5 }).Build();
        observer.Assign(new TopicPartitionOffset(catalog[EventTopic.ModelUpdates].Name, 0, 0));
        var latencies = new List<(TrainingKind Kind, double Milliseconds)>();
        try
        {
            await worker.Ready.WaitAsync(TimeSpan.FromMinutes(5), cancellation);
            for (var i = 0; i < triggers; i++)
            {
                WriteExamples(fresh);
                var id = $"bench-trigger-{i}";
                var started = DateTimeOffset.UtcNow;
                var trigger = new RetrainTrigger
                {
                    TriggerId = id,
                    ModelName = model,
                    Kind = TriggerKind.Manual,
                    Timestamp = started,
                    Reason = "bench",
                    TrainingKind = i % 2 == 1 ? TrainingKind.Stateless : null,
                    RequestedBy = "streamingcl bench trainer",
                };
                producer.Produce(catalog[EventTopic.RetrainTriggers].Name, BenchCommand.Message(model, serdes.For<RetrainTrigger>().Serialize(trigger, "retrain-triggers"), started));
                producer.Flush(TimeSpan.FromSeconds(30));
                var clock = Stopwatch.StartNew();
                var published = Published(observer, serdes, id, cancellation)
                    ?? throw new InvalidOperationException($"no version for {id} within 5 minutes");
                latencies.Add((published.TrainingKind, clock.Elapsed.TotalMilliseconds));
                progress.WriteLine($"{id}: v{published.Version} {published.TrainingKind} in {clock.Elapsed.TotalMilliseconds:F0} ms");
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        LatencySummary Summary(TrainingKind kind)
        {
            var sorted = latencies.Where(l => l.Kind == kind).Select(l => l.Milliseconds).Order().ToList();
            var (count, sum) = metrics.TrainingDurations(model, kind);
            return new LatencySummary(
                sorted.Count, Percentile(sorted, 0.5), Percentile(sorted, 0.95), sorted.Count > 0 ? sorted[^1] : double.NaN, count > 0 ? 1000 * sum / count : double.NaN);
        }

        var output = parsed.InvocationConfiguration.Output;
        if (parsed.GetValue(JsonOption))
        {
            output.WriteLine(JsonSerializer.Serialize(
                new { examples, features, new_examples_per_trigger = fresh, stateful = Summary(TrainingKind.Stateful), stateless = Summary(TrainingKind.Stateless) },
                SummaryJson));
            return Cli.Ok;
        }

        output.WriteLine($"trainer on the embedded broker: {features} features, {examples} examples, then {fresh} fresh ones before each trigger");
        foreach (var kind in new[] { TrainingKind.Stateful, TrainingKind.Stateless })
        {
            var summary = Summary(kind);
            output.WriteLine(
                $"{kind.ToString().ToLowerInvariant(),-9}  n={summary.Count,-3} trigger to published: p50 {summary.P50Ms:F0} ms, p95 {summary.P95Ms:F0} ms, max {summary.MaxMs:F0} ms; of which training (mean) {summary.MeanTrainingMs:F0} ms");
        }

        return Cli.Ok;
    }

    /// <summary>Reads model-updates until the candidate of <paramref name="triggerId"/> and the registry's decision on it are both there.</summary>
    private static ModelVersion? Published(IConsumer<Ignore, byte[]> observer, EventSerdes serdes, string triggerId, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        ModelVersion? candidate = null;
        while (DateTime.UtcNow < deadline && !cancellation.IsCancellationRequested)
        {
            if (observer.Consume(TimeSpan.FromMilliseconds(100)) is not { } record)
            {
                continue;
            }

            var version = serdes.For<ModelVersion>().Deserialize(record.Message.Value, false, default);
            if (version.TriggerId == triggerId && version.Stage == ModelStage.Candidate)
            {
                candidate = version;
            }
            else if (candidate is not null && version.Version == candidate.Version)
            {
                return candidate;
            }
        }

        return null;
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}

internal sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double MaxMs, double MeanTrainingMs);
