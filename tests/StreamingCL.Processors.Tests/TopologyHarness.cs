using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;

namespace StreamingCL.Processors.Tests;

/// <summary>A topology under Streamiz's TopologyTestDriver, with events piped in as the bytes producers write.</summary>
internal sealed class TopologyHarness : IDisposable
{
    private readonly TopologyTestDriver _driver;
    private readonly Dictionary<string, TestInputTopic<string, byte[]>> _inputs = [];
    private readonly Dictionary<string, object> _outputs = [];

    /// <param name="build">Builds the topology under test.</param>
    /// <param name="applicationId">Its application.id.</param>
    /// <param name="maxClockSkew">
    /// How far ahead of <see cref="Clock"/> records may be; by default any, so tests can use event
    /// times of their choosing without moving the clock.
    /// </param>
    public TopologyHarness(Func<ProcessorEnvironment, Topology> build, string applicationId, TimeSpan? maxClockSkew = null)
    {
        Environment = new ProcessorEnvironment(new TopicCatalog(), new EventSerdes(new KafkaOptions()), Clock, new ProcessorMetrics(Registry))
        {
            MaxClockSkew = maxClockSkew ?? TimeSpan.FromDays(36_500),
        };
        var config = new StreamConfig<StringSerDes, StringSerDes>
        {
            ApplicationId = applicationId,
            BootstrapServers = "unused:9092",
            StateDir = Path.Combine(Path.GetTempPath(), $"streamingcl-tests-{Guid.NewGuid():N}"),
        };
        _driver = new TopologyTestDriver(build(Environment), config);
    }

    /// <summary>The metrics the topology reported.</summary>
    public Prometheus.CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public ProcessorEnvironment Environment { get; }

    public TopologyTestDriver Driver => _driver;

    /// <summary>Pipes an event as its Avro bytes, with the record timestamp <paramref name="at"/>.</summary>
    public void Pipe<T>(EventTopic topic, string key, T value, DateTimeOffset at)
        where T : class, IAvroEvent<T> =>
        PipeBytes(topic, key, Environment.Serdes.For<T>().Serialize(value, Environment.Topic(topic)), at);

    public void PipeBytes(EventTopic topic, string key, byte[] bytes, DateTimeOffset at)
    {
        var name = Environment.Topic(topic);
        if (!_inputs.TryGetValue(name, out var input))
        {
            input = _inputs[name] = _driver.CreateInputTopic(name, new StringSerDes(), new ByteArraySerDes());
        }

        input.PipeInput(key, bytes, at.UtcDateTime);
    }

    /// <summary>What was written to an event topic since the last read of it.</summary>
    public List<ConsumeResult<string, T>> Read<T>(EventTopic topic)
        where T : class, IAvroEvent<T>
    {
        var name = Environment.Topic(topic);
        if (!_outputs.TryGetValue(name, out var output))
        {
            output = _outputs[name] = _driver.CreateOutputTopic(name, TimeSpan.FromMilliseconds(100), new StringSerDes(), Environment.StreamSerDes<T>());
        }

        return ((TestOutputTopic<string, T>)output).ReadKeyValueList().ToList();
    }

    /// <summary>The value of one sample in the Prometheus text exposition, or null when absent.</summary>
    public double? Metric(string sample)
    {
        using var stream = new MemoryStream();
        Registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        var line = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _driver.Dispose();
        Environment.Serdes.Dispose();
    }
}
