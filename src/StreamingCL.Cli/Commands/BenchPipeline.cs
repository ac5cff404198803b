using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Prometheus;
using StreamingCL.Cli.Hosting;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors;
using StreamingCL.Processors.Experiments;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;

namespace StreamingCL.Cli.Commands;

/// <summary>
/// `streamingcl bench pipeline`: throughput of the stream applications on the embedded broker,
/// against a bare Streamiz pass-through topology measured in the same run on the same records.
/// Both are started and RUNNING before the records are produced, commit every 100 ms, and are
/// done when their consumer groups have committed the end of every partition they read, their
/// internal repartition topics included (for the applications, in the order the data flows, so
/// what the join writes is in the ends the others wait for).
/// </summary>
internal static class BenchPipeline
{
    private const string PassThroughId = "bench-pass-through";
    private const string PassThroughSink = "bench-pass-through-sink";
    private const string Experiment = "bench-experiment";
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(100);

    private static readonly Option<int> EventsOption = new("--events") { Description = "Predictions to process (each with its feedback).", DefaultValueFactory = _ => 50_000 };
    private static readonly Option<int> ModelsOption = new("--models") { Description = "Distinct models in the traffic.", DefaultValueFactory = _ => 4 };
    private static readonly Option<bool> JsonOption = CliOptions.Json();

    public static Command Build()
    {
        var pipeline = new Command("pipeline", "Time a bare pass-through topology and every stream application over the same predictions and feedback on an embedded broker.")
        {
            EventsOption,
            ModelsOption,
            JsonOption,
        };
        pipeline.SetAction((parsed, cancellation) => PipelineAsync(parsed, cancellation));
        return pipeline;
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
        processors.CommitInterval = CommitInterval;
        using var scratch = new ScratchStateDirectory(processors);
        processors.Experiments.Experiments.Add(new ExperimentDefinition { Id = Experiment, Control = "A", Variants = ["A", "B"] });
        var catalog = Settings.Topics(configuration, kafka);
        using var serdes = new EventSerdes(kafka);
        var environment = new ProcessorEnvironment(catalog, serdes, TimeProvider.System, new ProcessorMetrics(Metrics.NewCustomRegistry())) { MaxClockSkew = processors.MaxClockSkew };
        var predictions = catalog[EventTopic.Predictions];
        using var cluster = EmbeddedKafkaCluster.Start(1, [.. catalog.All, predictions with { Name = PassThroughSink }]);
        var progress = parsed.InvocationConfiguration.Error;
        var traffic = Traffic(serdes, catalog, events, models);
        // Streamiz's warnings and errors (a stream thread dying, say) go to stderr beside the progress lines.
        using var logging = LoggerFactory.Create(logs => logs.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));

        progress.WriteLine("pass-through topology...");
        var passThrough = await TimeAsync(
            [(PassThrough(catalog), Config(PassThroughId, cluster.BootstrapServers, logging))],
            [(PassThroughId, [predictions.Name])],
            cluster.BootstrapServers,
            traffic.Where(message => message.Topic == predictions.Name).ToList(),
            progress,
            cancellation);

        var applications = processors.Applications();
        progress.WriteLine($"{string.Join(", ", applications.Select(application => application.Name))}...");
        var all = await TimeAsync(
            applications.Select(application => (application.Build(environment), StreamsConfiguration.For(application, cluster.BootstrapServers, kafka, processors, embedded: true, logging))).ToList(),
            applications.Select(application => (application.ApplicationId, Inputs(application, environment))).ToList(),
            cluster.BootstrapServers,
            traffic,
            progress,
            cancellation);

        var result = new
        {
            events,
            pass_through_seconds = passThrough.TotalSeconds,
            pass_through_records_per_second = events / passThrough.TotalSeconds,
            applications = applications.Select(application => application.Name).ToArray(),
            applications_seconds = all.TotalSeconds,
            applications_records_per_second = traffic.Count / all.TotalSeconds,
            managed_heap_mb = GC.GetTotalMemory(forceFullCollection: true) / 1e6,
        };
        parsed.InvocationConfiguration.Output.WriteLine(parsed.GetValue(JsonOption)
            ? JsonSerializer.Serialize(result)
            : $"""
              pass-through topology: {events} predictions in {passThrough.TotalSeconds:F1} s ({result.pass_through_records_per_second:F0} records/s)
              {string.Join(", ", result.applications)}: {traffic.Count} predictions and feedback in {all.TotalSeconds:F1} s ({result.applications_records_per_second:F0} records/s)
              managed heap after the run: {result.managed_heap_mb:F0} MB
              """);
        return Cli.Ok;
    }

    /// <summary>Starts the topologies, waits until they run, produces the traffic, and times until every group has committed everything.</summary>
    private static async Task<TimeSpan> TimeAsync(
        List<(Streamiz.Kafka.Net.Stream.Topology Topology, StreamConfig Config)> topologies,
        List<(string Group, IReadOnlyList<string> Topics)> groups,
        string bootstrapServers,
        List<(string Topic, Message<string, byte[]> Message)> traffic,
        TextWriter progress,
        CancellationToken cancellation)
    {
        var streams = new List<KafkaStream>();
        try
        {
            foreach (var (topology, config) in topologies)
            {
                var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var stream = new KafkaStream(topology, config);
                stream.StateChanged += (_, state) =>
                {
                    if (state == KafkaStream.State.RUNNING)
                    {
                        running.TrySetResult();
                    }
                };
                streams.Add(stream);
                await stream.StartAsync(cancellation);
                await running.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellation);
            }

            var clock = Stopwatch.StartNew();
            using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 5, Partitioner = Partitioner.Murmur2Random }).Build())
            {
                foreach (var (topic, message) in traffic)
                {
                    producer.Produce(topic, message);
                }

                producer.Flush(cancellation);
            }

            await Task.Run(() => WaitUntilCommitted(bootstrapServers, groups, progress, cancellation), cancellation);
            return clock.Elapsed;
        }
        finally
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }
    }

    private static IReadOnlyList<string> Inputs(StreamApplicationDefinition application, ProcessorEnvironment environment)
    {
        var internalTopics = application.InternalTopics(environment);
        return [.. StreamApplication.SourceTopics(application.Build(environment)), .. internalTopics.Repartitions.Select(internalTopics.RepartitionTopic)];
    }

    private static StreamConfig<StringSerDes, StringSerDes> Config(string applicationId, string bootstrapServers, ILoggerFactory logging) => new()
    {
        ApplicationId = applicationId,
        BootstrapServers = bootstrapServers,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        Guarantee = Streamiz.Kafka.Net.ProcessingGuarantee.AT_LEAST_ONCE,
        CommitIntervalMs = (long)CommitInterval.TotalMilliseconds,
        Logger = StreamsConfiguration.StreamizLogging(logging),
    };

    private static List<(string Topic, Message<string, byte[]> Message)> Traffic(EventSerdes serdes, TopicCatalog catalog, int events, int models)
    {
        var random = new Random(7);
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var traffic = new List<(string, Message<string, byte[]>)>(2 * events);
        for (var i = 0; i < events; i++)
        {
            var at = start.AddMilliseconds(i * 10);
            var id = $"bench-{i}";
            var unitNumber = random.Next(10_000);
            var unit = $"unit-{unitNumber}";
            var prediction = new Prediction
            {
                PredictionId = id,
                ModelName = $"model-{i % models}",
                ModelVersion = 1,
                UnitId = unit,
                Timestamp = at,
                NumericFeatures = new Dictionary<string, double> { ["x1"] = random.NextDouble(), ["x2"] = random.NextDouble() * 10 },
                CategoricalFeatures = new Dictionary<string, string> { ["country"] = random.Next(3) switch { 0 => "DE", 1 => "FR", _ => "IT" } },
                Score = random.NextDouble(),
                ExperimentId = Experiment,
                Variant = unitNumber % 2 == 0 ? "A" : "B",
            };
            var feedback = new Feedback { PredictionId = id, Timestamp = at.AddSeconds(5), Label = random.Next(2) };
            traffic.Add((catalog[EventTopic.Predictions].Name, BenchCommand.Message(id, serdes.For<Prediction>().Serialize(prediction, "predictions"), at)));
            traffic.Add((catalog[EventTopic.Feedback].Name, BenchCommand.Message(id, serdes.For<Feedback>().Serialize(feedback, "feedback"), feedback.Timestamp)));
        }

        return traffic;
    }

    private static Streamiz.Kafka.Net.Stream.Topology PassThrough(TopicCatalog catalog)
    {
        var builder = new StreamBuilder();
        builder.Stream(catalog[EventTopic.Predictions].Name, new StringSerDes(), new ByteArraySerDes()).To(PassThroughSink, new StringSerDes(), new ByteArraySerDes());
        return builder.Build();
    }

    /// <summary>Waits until each group, in order, has committed the end of every non-empty partition it reads.</summary>
    private static void WaitUntilCommitted(string bootstrapServers, List<(string Group, IReadOnlyList<string> Topics)> groups, TextWriter progress, CancellationToken cancellation)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        foreach (var (group, topics) in groups)
        {
            using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = group }).Build();
            var partitions = topics.SelectMany(topic => admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
                .Select(partition => new TopicPartition(topic, partition.PartitionId))).ToList();
            var waiting = Stopwatch.StartNew();
            while (!cancellation.IsCancellationRequested)
            {
                var ends = partitions.ToDictionary(partition => partition, partition => probe.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)));
                var behind = probe.Committed(partitions, TimeSpan.FromSeconds(10))
                    .Where(offset => ends[offset.TopicPartition].High.Value != ends[offset.TopicPartition].Low.Value && offset.Offset.Value < ends[offset.TopicPartition].High.Value)
                    .ToList();
                if (behind.Count == 0)
                {
                    break;
                }

                if (waiting.Elapsed > TimeSpan.FromSeconds(30))
                {
                    progress.WriteLine($"  {group} still behind on {string.Join(", ", behind.Take(3).Select(offset => $"{offset.TopicPartition} ({offset.Offset.Value} of {ends[offset.TopicPartition].High.Value})"))}");
                    waiting.Restart();
                }

                Thread.Sleep(50);
            }
        }
    }
}
