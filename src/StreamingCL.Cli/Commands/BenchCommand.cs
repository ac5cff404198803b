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
using StreamingCL.Processors;
using StreamingCL.Registry;
using StreamingCL.Trainer;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;

namespace StreamingCL.Cli.Commands;

/// <summary>
/// `streamingcl bench pipeline`: throughput of the stream applications on the embedded broker,
/// against a bare Streamiz pass-through topology measured in the same run on the same records.
/// `streamingcl bench trainer`: trigger-to-published latency of the trainer worker on the
/// embedded broker, by training kind.
/// </summary>
internal static class BenchCommand
{
    private const string PassThroughSink = "bench-pass-through";

    private static readonly Option<int> EventsOption = new("--events") { Description = "Predictions to process (each with its feedback).", DefaultValueFactory = _ => 50_000 };
    private static readonly Option<int> ModelsOption = new("--models") { Description = "Distinct models in the traffic.", DefaultValueFactory = _ => 4 };
    private static readonly Option<bool> JsonOption = CliOptions.Json();
    private static readonly Option<int> ExamplesOption = new("--examples") { Description = "Labeled examples in the topic before the first trigger.", DefaultValueFactory = _ => 20_000 };
    private static readonly Option<int> TriggersOption = new("--triggers") { Description = "Triggers to time; every second one asks for a stateless retrain.", DefaultValueFactory = _ => 20 };
    private static readonly Option<int> NewExamplesOption = new("--new-examples") { Description = "Fresh labeled examples written before each trigger.", DefaultValueFactory = _ => 1_000 };
    private static readonly JsonSerializerOptions SummaryJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly Option<int> FeaturesOption = new("--features") { Description = "Numeric features of the synthetic model.", DefaultValueFactory = _ => 20 };

    public static Command Build()
    {
        var pipeline = new Command("pipeline", "Produce predictions and feedback to an embedded broker, then time a bare pass-through topology and every stream application over them.")
        {
            EventsOption,
            ModelsOption,
            JsonOption,
        };
        pipeline.SetAction((parsed, cancellation) => PipelineAsync(parsed, cancellation));
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
        return new Command("bench", "Measure speed.") { pipeline, trainer };
    }

    private static async Task<int> PipelineAsync(ParseResult parsed, CancellationToken cancellation)
    {
        var events = parsed.GetValue(EventsOption);
        var models = parsed.GetValue(ModelsOption);
        if (events < 1 || models < 1)
        {
            throw new CliInputException("--events and --models must be at least 1.");
        }

        var configuration = Cli.Configuration(parsed);
        var kafka = Settings.Kafka(configuration);
        var processors = Settings.Processors(configuration);
        var catalog = Settings.Topics(configuration, kafka);
        using var serdes = new EventSerdes(kafka);
        var environment = new ProcessorEnvironment(catalog, serdes, TimeProvider.System, new ProcessorMetrics(Metrics.NewCustomRegistry()));
        using var cluster = EmbeddedKafkaCluster.Start(1, [.. catalog.All, new TopicSpec(PassThroughSink, catalog[EventTopic.Predictions].Partitions, 1, CleanupPolicy.Delete, null, "bench")]);
        var output = parsed.InvocationConfiguration.Output;

        var progress = parsed.InvocationConfiguration.Error;
        progress.WriteLine($"producing {events} predictions and their feedback...");
        var produce = Stopwatch.StartNew();
        await ProduceTrafficAsync(cluster.BootstrapServers, serdes, catalog, events, models);
        produce.Stop();

        progress.WriteLine("running the pass-through topology...");
        var passThrough = Time(() => RunUntilConsumed(PassThrough(catalog), "bench-pass-through", cluster.BootstrapServers, [catalog[EventTopic.Predictions].Name], cancellation));
        var applications = processors.Applications();
        progress.WriteLine($"running {string.Join(", ", applications.Select(application => application.Name))}...");
        var all = Time(() => RunUntilConsumed(applications, environment, cluster.BootstrapServers, kafka, processors, cancellation));

        var result = new
        {
            events,
            produce_events_per_second = 2 * events / produce.Elapsed.TotalSeconds,
            pass_through_seconds = passThrough.TotalSeconds,
            pass_through_events_per_second = events / passThrough.TotalSeconds,
            applications = applications.Select(application => application.Name).ToArray(),
            all_applications_seconds = all.TotalSeconds,
            all_applications_events_per_second = 2 * events / all.TotalSeconds,
            managed_heap_mb = GC.GetTotalMemory(forceFullCollection: true) / 1e6,
        };
        output.WriteLine(parsed.GetValue(JsonOption)
            ? JsonSerializer.Serialize(result)
            : $"""
              produced {2 * events} records in {produce.Elapsed.TotalSeconds:F1} s ({result.produce_events_per_second:F0}/s)
              pass-through topology: {events} predictions in {passThrough.TotalSeconds:F1} s ({result.pass_through_events_per_second:F0}/s)
              {string.Join(", ", result.applications)}: {2 * events} predictions and feedback in {all.TotalSeconds:F1} s ({result.all_applications_events_per_second:F0}/s)
              managed heap after the run: {result.managed_heap_mb:F0} MB
              """);
        return Cli.Ok;
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
                producer.Produce(catalog[EventTopic.LabeledExamples].Name, Message(example.PredictionId, serdes.For<LabeledExample>().Serialize(example, "labeled-examples"), example.PredictionTimestamp));
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
                producer.Produce(catalog[EventTopic.RetrainTriggers].Name, Message(model, serdes.For<RetrainTrigger>().Serialize(trigger, "retrain-triggers"), started));
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

    private static TimeSpan Time(Action run)
    {
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed;
    }

    private static async Task ProduceTrafficAsync(string bootstrapServers, EventSerdes serdes, TopicCatalog catalog, int events, int models)
    {
        var random = new Random(7);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 5 }).Build();
        for (var i = 0; i < events; i++)
        {
            var at = start.AddMilliseconds(i * 10);
            var id = $"bench-{i}";
            var prediction = new Prediction
            {
                PredictionId = id,
                ModelName = $"model-{i % models}",
                ModelVersion = 1,
                UnitId = $"unit-{random.Next(10_000)}",
                Timestamp = at,
                NumericFeatures = new Dictionary<string, double> { ["x1"] = random.NextDouble(), ["x2"] = random.NextDouble() * 10 },
                CategoricalFeatures = new Dictionary<string, string> { ["country"] = random.Next(3) switch { 0 => "DE", 1 => "FR", _ => "IT" } },
                Score = random.NextDouble(),
                ExperimentId = i % 2 == 0 ? "bench-experiment" : null,
                Variant = i % 4 == 0 ? "A" : "B",
            };
            var feedback = new Feedback { PredictionId = id, Timestamp = at.AddSeconds(5), Label = random.Next(2) };
            producer.Produce(catalog[EventTopic.Predictions].Name, Message(id, serdes.For<Prediction>().Serialize(prediction, "predictions"), at));
            producer.Produce(catalog[EventTopic.Feedback].Name, Message(id, serdes.For<Feedback>().Serialize(feedback, "feedback"), at.AddSeconds(5)));
        }

        await Task.Run(() => producer.Flush(TimeSpan.FromMinutes(5)));
    }

    private static Message<string, byte[]> Message(string key, byte[] value, DateTimeOffset at) => new() { Key = key, Value = value, Timestamp = new Timestamp(at) };

    private static Streamiz.Kafka.Net.Stream.Topology PassThrough(TopicCatalog catalog)
    {
        var builder = new StreamBuilder();
        builder.Stream(catalog[EventTopic.Predictions].Name, new StringSerDes(), new ByteArraySerDes()).To(PassThroughSink, new StringSerDes(), new ByteArraySerDes());
        return builder.Build();
    }

    private static void RunUntilConsumed(Streamiz.Kafka.Net.Stream.Topology topology, string applicationId, string bootstrapServers, IReadOnlyList<string> inputs, CancellationToken cancellation)
    {
        var config = new StreamConfig<StringSerDes, StringSerDes>
        {
            ApplicationId = applicationId,
            BootstrapServers = bootstrapServers,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            MaxPollRecords = 5000,
            CommitIntervalMs = 100,
            Logger = NullLoggerFactory.Instance,
        };
        using var stream = new KafkaStream(topology, config);
        stream.StartAsync(cancellation).GetAwaiter().GetResult();
        WaitUntilCommitted(bootstrapServers, [(applicationId, inputs)], cancellation);
    }

    private static void RunUntilConsumed(
        IReadOnlyList<StreamApplicationDefinition> applications,
        ProcessorEnvironment environment,
        string bootstrapServers,
        KafkaOptions kafka,
        ProcessorsOptions processors,
        CancellationToken cancellation)
    {
        var streams = applications.Select(application =>
        {
            var config = StreamsConfiguration.For(application, bootstrapServers, kafka, processors, embedded: true, NullLoggerFactory.Instance);
            config.MaxPollRecords = 5000;
            return new KafkaStream(application.Build(environment), config);
        }).ToList();
        try
        {
            foreach (var stream in streams)
            {
                stream.StartAsync(cancellation).GetAwaiter().GetResult();
            }

            WaitUntilCommitted(
                bootstrapServers,
                applications.Select(application => (application.ApplicationId, StreamApplication.SourceTopics(application.Build(environment)))).ToList(),
                cancellation);
        }
        finally
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }
    }

    /// <summary>Waits until every group has committed the end offset of each partition of its input topics.</summary>
    private static void WaitUntilCommitted(string bootstrapServers, List<(string Group, IReadOnlyList<string> Topics)> groups, CancellationToken cancellation)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        foreach (var (group, topics) in groups)
        {
            using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = group }).Build();
            var partitions = topics.SelectMany(topic => admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
                .Select(partition => new TopicPartition(topic, partition.PartitionId))).ToList();
            var ends = partitions.ToDictionary(partition => partition, partition => probe.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value);
            while (!cancellation.IsCancellationRequested)
            {
                var committed = probe.Committed(partitions, TimeSpan.FromSeconds(10));
                if (committed.All(offset => offset.Offset.Value >= ends[offset.TopicPartition]))
                {
                    break;
                }

                Thread.Sleep(50);
            }
        }
    }
}

/// <summary>Trigger-to-published latencies of one training kind, and the trainer's mean time to train.</summary>
internal sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double MaxMs, double MeanTrainingMs);
