using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Prometheus;
using StreamingCL.Cli;
using StreamingCL.Cli.Hosting;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors;
using StreamingCL.Registry;
using StreamingCL.Trainer;

namespace StreamingCL.Integration.Tests.Training;

/// <summary>
/// An embedded broker of its own, trainer workers hosted in-process against it, and the means to
/// feed them and read what they published. Data come from a synthetic linear concept over four
/// features; buffers are small so that a version trains in milliseconds.
/// </summary>
internal sealed class TrainerHarness : IAsyncDisposable
{
    public const string Model = "churn";
    public const int Dimension = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly ILoggerFactory _logging;
    private readonly List<TrainerWorker> _workers = [];
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly Random _random = new(11);
    private int _examples;

    public TrainerHarness(ITestOutputHelper output, Action<RegistryOptions>? registry = null, Guarantee? guarantee = null)
    {
        Cluster = EmbeddedKafkaCluster.Start(topics: Catalog.All);
        Kafka = new KafkaOptions { BootstrapServers = Cluster.BootstrapServers };
        Serdes = new EventSerdes(Kafka);
        _logging = LoggerFactory.Create(builder => builder.AddProvider(new TestOutputLoggerProvider(output)).SetMinimumLevel(LogLevel.Information));
        _producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = Cluster.BootstrapServers, EnableIdempotence = true }).Build();
        Registry = new RegistryOptions { RampSteps = [0.1, 0.5], MinStepDuration = TimeSpan.Zero };
        registry?.Invoke(Registry);
        Worker = new TrainerWorkerOptions { Guarantee = guarantee, CommitInterval = TimeSpan.FromMilliseconds(200) };
        ConfigFile = Path.Combine(Path.GetTempPath(), $"streamingcl-trainer-test-{Guid.NewGuid():N}.json");
        File.WriteAllText(ConfigFile, JsonSerializer.Serialize(new
        {
            Registry = new { Registry.RampSteps, Registry.MinStepDuration, Registry.RequireApproval, EntryStage = Registry.EntryStage.ToString() },
        }));
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public TopicCatalog Catalog { get; } = new();

    public KafkaOptions Kafka { get; }

    public EventSerdes Serdes { get; }

    public RegistryOptions Registry { get; }

    public TrainerWorkerOptions Worker { get; }

    public CollectorRegistry MetricsRegistry { get; } = Prometheus.Metrics.NewCustomRegistry();

    /// <summary>The registry options as a --config file, for the command line.</summary>
    public string ConfigFile { get; }

    public SyntheticConcept Concept { get; } = SyntheticConcept.Random(Dimension, new Random(5), scale: 2);

    public static TrainerOptions TrainerOptions() => new()
    {
        ModelName = Model,
        Features = new FeatureSpec { NumericFeatures = [.. SyntheticConcept.FeatureNames(Dimension)] },
        HoldoutSize = 200,
        WindowSize = 1_000,
        ReservoirSize = 1_000,
    };

    public TrainerWorkerSettings Settings() => new(TrainerOptions(), Registry, Worker, Kafka, Catalog, Embedded: true);

    /// <summary>Starts a worker (the metrics of every worker of the harness share one registry) and waits until it has restored.</summary>
    public async Task<(TrainerWorker Worker, TrainerMetrics Metrics)> StartWorkerAsync(Func<ProducerConfig, Guarantee, ITrainerOutputs>? outputs = null)
    {
        var metrics = new TrainerMetrics(MetricsRegistry);
        var worker = new TrainerWorker(
            Settings(), new ClusterEndpoint(Cluster.BootstrapServers), Serdes, metrics, TimeProvider.System, _logging.CreateLogger<TrainerWorker>(), outputs);
        _workers.Add(worker);
        await worker.StartAsync(CancellationToken.None);
        await worker.Ready.WaitAsync(Deadline);
        return (worker, metrics);
    }

    public async Task StopAsync(TrainerWorker worker)
    {
        await worker.StopAsync(CancellationToken.None);
        worker.Dispose();
        _workers.Remove(worker);
    }

    /// <summary>Labeled examples of <paramref name="concept"/>, all on one partition when given (their order is then the buffer's).</summary>
    public void ProduceExamples(SyntheticConcept concept, int count, int? partition = null)
    {
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var id = $"{Model}-{_examples++}";
            Produce(EventTopic.LabeledExamples, id, Serdes.For<LabeledExample>().Serialize(concept.Example(Model, id, _random, start.AddMilliseconds(i)), "labeled-examples"), partition);
        }

        Flush();
    }

    public void ProduceExample(LabeledExample example) => Produce(EventTopic.LabeledExamples, example.PredictionId, Serdes.For<LabeledExample>().Serialize(example, "labeled-examples"));

    public void ProduceRaw(EventTopic topic, string key, byte[] value) => Produce(topic, key, value);

    public void ProduceTrigger(string id, TrainingKind? kind = null)
    {
        var trigger = new RetrainTrigger
        {
            TriggerId = id,
            ModelName = Model,
            Kind = TriggerKind.Manual,
            Timestamp = DateTimeOffset.UtcNow,
            Reason = "test",
            TrainingKind = kind,
            RequestedBy = "tests",
        };
        Produce(EventTopic.RetrainTriggers, Model, Serdes.For<RetrainTrigger>().Serialize(trigger, "retrain-triggers"));
        Flush();
    }

    public void ProduceVerdict(int version, ExperimentVerdict verdict, DateTimeOffset windowEnd)
    {
        var metric = new ExperimentMetric
        {
            ExperimentId = Registry.ExperimentId(Model, version),
            Variant = "canary",
            ControlVariant = "production",
            Kind = ExperimentKind.Canary,
            Scope = MetricScope.Cumulative,
            WindowStart = windowEnd.AddMinutes(-5),
            WindowEnd = windowEnd,
            Units = 1_000,
            MetricSum = 100,
            MetricSumSquares = 100,
            Statistics = new Dictionary<string, double> { ["p_value"] = verdict == ExperimentVerdict.Rollback ? 0.001 : 0.4 },
            Verdict = verdict,
        };
        Produce(EventTopic.ExperimentMetrics, $"{metric.ExperimentId}/canary", Serdes.For<ExperimentMetric>().Serialize(metric, "experiment-metrics"));
        Flush();
    }

    /// <summary>Every record of the model on model-updates, in topic order.</summary>
    public List<ModelVersion> ModelUpdates() => Read<ModelVersion>(EventTopic.ModelUpdates).Where(version => version.ModelName == Model).ToList();

    public List<TrafficAllocation> Allocations() => Read<TrafficAllocation>(EventTopic.TrafficAllocations).Where(allocation => allocation.Target == Model).ToList();

    public List<DeadLetter> DeadLetters() => Read<DeadLetter>(EventTopic.DeadLetters);

    /// <summary>Reads until <paramref name="done"/> holds, or the deadline passes; returns the last read either way, for the test to assert on.</summary>
    public static async Task<T> WaitForAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var value = read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = read();
        }

        return value;
    }

    /// <summary>The workers' metrics in Prometheus' text format.</summary>
    public string MetricsText()
    {
        using var stream = new MemoryStream();
        MetricsRegistry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The registry rebuilt from the topics, as `streamingcl models` rebuilds it.</summary>
    public ModelRegistry RebuiltRegistry() => RegistryTopics.Read(Kafka, Catalog, Serdes, Deadline).Registry;

    /// <summary>Runs the command line against the harness's cluster, with the harness's registry options.</summary>
    public async Task<(int ExitCode, string Output, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Cli.Cli.RunAsync([.. args, "--bootstrap-servers", Cluster.BootstrapServers, "--config", ConfigFile], output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers.ToList())
        {
            await StopAsync(worker);
        }

        _producer.Dispose();
        Serdes.Dispose();
        _logging.Dispose();
        Cluster.Dispose();
        File.Delete(ConfigFile);
    }

    private void Produce(EventTopic topic, string key, byte[] value, int? partition = null)
    {
        var message = new Message<byte[]?, byte[]> { Key = System.Text.Encoding.UTF8.GetBytes(key), Value = value };
        var name = Catalog[topic].Name;
        if (partition is { } fixedPartition)
        {
            _producer.Produce(new TopicPartition(name, fixedPartition), message);
        }
        else
        {
            _producer.Produce(name, message);
        }
    }

    private void Flush() => Assert.Equal(0, _producer.Flush(Deadline));

    private List<T> Read<T>(EventTopic topic)
        where T : class, IAvroEvent<T>
    {
        var name = Catalog[topic].Name;
        var events = new List<T>();
        RegistryTopics.ReadToEnd(Kafka, [name], Deadline, record =>
            events.Add(Serdes.For<T>().Deserialize(record.Message.Value!, false, new SerializationContext(MessageComponentType.Value, name))));
        return events;
    }
}

/// <summary>Where a <see cref="CrashingOutputs"/> trainer dies.</summary>
public enum CrashPoint
{
    /// <summary>After training, before anything is published.</summary>
    BeforePublishing,

    /// <summary>After the candidate is on model-updates, before the registry's decision is.</summary>
    BetweenCandidateAndDecision,

    /// <summary>After the candidate and the decision are published, before the input positions are committed (at-least-once).</summary>
    BeforeCommitting,
}

/// <summary>
/// The publisher of a trainer that dies at <paramref name="point"/> of its first publishing step:
/// it holds there until <see cref="Crash"/>, then fails; what was flushed before stays, nothing
/// else of the step reaches the broker.
/// </summary>
internal sealed class CrashingOutputs(ITrainerOutputs inner, CrashPoint point, string modelUpdates, EventSerdes serdes) : ITrainerOutputs
{
    private readonly ManualResetEventSlim _crash = new();
    private int _published;
    private bool _crashed;

    /// <summary>The candidate the trainer was publishing when it crashed.</summary>
    public TaskCompletionSource<ModelVersion> Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Crash() => _crash.Set();

    public void Initialize() => inner.Initialize();

    public void Produce(string topic, byte[]? key, byte[] value)
    {
        if (topic == modelUpdates && !_crashed && ++_published == 1)
        {
            Reached.TrySetResult(serdes.For<ModelVersion>().Deserialize(value, false, new SerializationContext(MessageComponentType.Value, topic)));
            if (point == CrashPoint.BeforePublishing)
            {
                Die();
            }
        }
        else if (topic == modelUpdates && !_crashed && _published == 2 && point == CrashPoint.BetweenCandidateAndDecision)
        {
            // Out goes the candidate (no position is committed without a consumer's positions), then the trainer dies.
            inner.Commit([], null!);
            Die();
        }

        inner.Produce(topic, key, value);
    }

    public IReadOnlyDictionary<TopicPartition, long> Commit(IReadOnlyCollection<TopicPartitionOffset> positions, IConsumer<byte[]?, byte[]?> consumer)
    {
        if (point == CrashPoint.BeforeCommitting && !_crashed && _published > 0)
        {
            inner.Commit([], consumer);
            Die();
        }

        return inner.Commit(positions, consumer);
    }

    public void Abort() => inner.Abort();

    public void Dispose()
    {
        inner.Dispose();
        _crash.Dispose();
    }

    private void Die()
    {
        _crashed = true;
        _crash.Wait();
        throw new IOException($"simulated crash: {point}");
    }
}
