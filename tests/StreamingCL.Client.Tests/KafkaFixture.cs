using Confluent.Kafka;
using Prometheus;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Client.Tests;

/// <summary>One embedded broker for the broker-backed tests; every test gets topics of its own.</summary>
public sealed class KafkaFixture : IDisposable
{
    private int _next;

    public KafkaFixture() => Cluster = EmbeddedKafkaCluster.Start();

    public EmbeddedKafkaCluster Cluster { get; }

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Options of a client of <paramref name="cluster"/> that reconnects quickly after a fault.</summary>
    public static KafkaOptions Options(EmbeddedKafkaCluster cluster) => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        Properties = new() { ["reconnect.backoff.max.ms"] = "200" },
    };

    public KafkaOptions Options() => Options(Cluster);

    /// <summary>A catalog whose client-facing topics are new to this broker, created with the catalog's partition counts.</summary>
    public TopicCatalog NewTopics(string test)
    {
        var suffix = $"{test}-{Interlocked.Increment(ref _next)}";
        return NewTopics(Cluster, suffix);
    }

    public static TopicCatalog NewTopics(EmbeddedKafkaCluster cluster, string suffix)
    {
        EventTopic[] used = [EventTopic.ModelUpdates, EventTopic.TrafficAllocations, EventTopic.Predictions, EventTopic.Feedback];
        var catalog = new TopicCatalog(used.ToDictionary(topic => topic.ToString(), topic => new TopicSettings { Name = $"{topic}-{suffix}".ToLowerInvariant() }));
        foreach (var topic in used)
        {
            cluster.CreateTopic(catalog[topic].Name, catalog[topic].Partitions);
        }

        return catalog;
    }

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollectionDefinition : ICollectionFixture<KafkaFixture>
{
    public const string Name = "embedded kafka";
}

/// <summary>Writes the registry's records as the trainer and the registry policy do.</summary>
internal sealed class RegistryWriter : IDisposable
{
    private readonly EventSerdes _serdes;
    private readonly IProducer<string?, byte[]?> _producer;
    private readonly TopicCatalog _topics;

    public RegistryWriter(KafkaOptions kafka, TopicCatalog topics)
    {
        _topics = topics;
        _serdes = new EventSerdes(kafka);
        var config = kafka.ProducerConfig();
        config.MessageMaxBytes = TopicCatalog.ModelUpdatesMaxMessageBytes;
        _producer = new ProducerBuilder<string?, byte[]?>(config).Build();
    }

    public Task Publish(ModelVersion version) =>
        Produce(EventTopic.ModelUpdates, version.Key, _serdes.For<ModelVersion>().Serialize(version, _topics[EventTopic.ModelUpdates].Name));

    public Task Publish(TrafficAllocation allocation) =>
        Produce(EventTopic.TrafficAllocations, allocation.Target, _serdes.For<TrafficAllocation>().Serialize(allocation, _topics[EventTopic.TrafficAllocations].Name));

    public Task Tombstone(EventTopic topic, string key) => Produce(topic, key, null);

    public Task Garbage(EventTopic topic, string key) => Produce(topic, key, "not avro"u8.ToArray());

    public void Dispose()
    {
        _producer.Dispose();
        _serdes.Dispose();
    }

    private async Task Produce(EventTopic topic, string key, byte[]? value) =>
        await _producer.ProduceAsync(_topics[topic].Name, new Message<string?, byte[]?> { Key = key, Value = value });
}

/// <summary>Shortcuts of the broker-backed tests.</summary>
internal static class Given
{
    public static TrafficAllocation Allocation(long sequence, string salt, params ArmWeight[] arms) => new()
    {
        Target = TrainedModels.Model,
        Kind = AllocationKind.Rollout,
        Salt = salt,
        Sequence = sequence,
        Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(sequence),
        Arms = arms,
        Reason = "test",
    };

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the fixture's timeout.</summary>
    public static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + KafkaFixture.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Every record of a topic, decoded, read from the beginning by assignment until <paramref name="count"/> arrived.</summary>
    public static List<(string Key, T Value, int Partition)> Read<T>(KafkaOptions kafka, string topic, int partitions, int count)
        where T : class, IAvroEvent<T>
    {
        using var serdes = new EventSerdes(kafka);
        var config = kafka.ClientConfig<ConsumerConfig>();
        config.GroupId = $"reader-{Guid.NewGuid():N}";
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<string, T>(config).SetValueDeserializer(serdes.For<T>()).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(partition => new TopicPartitionOffset(topic, partition, Offset.Beginning)));
        var records = new List<(string, T, int)>();
        var deadline = DateTime.UtcNow + KafkaFixture.Timeout;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                records.Add((result.Message.Key, result.Message.Value, result.Partition.Value));
            }
        }

        return records;
    }

    /// <summary>The value of a counter of the client's metrics, read back from its registry.</summary>
    public static double Counter(CollectorRegistry registry, string name, params string[] labels)
    {
        // prometheus-net hands back the registered instance when asked for the same name and label names.
        string[] labelNames = name switch
        {
            "streamingcl_client_allocations_ignored_total" => ["target", "reason"],
            "streamingcl_client_models_rejected_total" or "streamingcl_client_models_loaded_total" => ["model"],
            "streamingcl_client_undecodable_records_total" => ["topic"],
            _ => throw new ArgumentException($"Unknown counter {name}.", nameof(name)),
        };
        return Metrics.WithCustomRegistry(registry).CreateCounter(name, "", labelNames).WithLabels(labels).Value;
    }
}
