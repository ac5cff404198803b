using Confluent.Kafka;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Registry;

namespace StreamingCL.Cli.Hosting;

/// <summary>
/// The registry as the command line sees it: rebuilt by reading model-updates and
/// traffic-allocations from the beginning to their current end, and changed by publishing a
/// decision to them (what `streamingcl models` does; the trainer worker reads the same records).
/// </summary>
internal static class RegistryTopics
{
    /// <summary>Reads both topics to their end into a registry; records that are not events are counted and left out.</summary>
    /// <exception cref="TimeoutException">The topics could not be read within <paramref name="timeout"/>.</exception>
    public static (ModelRegistry Registry, int Undecodable) Read(KafkaOptions kafka, TopicCatalog catalog, EventSerdes serdes, TimeSpan timeout)
    {
        var registry = new ModelRegistry();
        var undecodable = 0;
        var updates = catalog[EventTopic.ModelUpdates].Name;
        ReadToEnd(kafka, [updates, catalog[EventTopic.TrafficAllocations].Name], timeout, record =>
        {
            if (record.Message.Value is null)
            {
                return;
            }

            var context = new SerializationContext(MessageComponentType.Value, record.Topic);
            try
            {
                if (record.Topic == updates)
                {
                    registry.Apply(serdes.For<ModelVersion>().Deserialize(record.Message.Value, false, context));
                }
                else
                {
                    registry.Apply(serdes.For<TrafficAllocation>().Deserialize(record.Message.Value, false, context));
                }
            }
            catch (EventDecodeException)
            {
                undecodable++;
            }
        });
        return (registry, undecodable);
    }

    /// <summary>
    /// Every record of <paramref name="topics"/> from the beginning to the end they had when the
    /// reading started (read_committed). Partitions are assigned, not subscribed: no group.
    /// </summary>
    public static void ReadToEnd(KafkaOptions kafka, IReadOnlyList<string> topics, TimeSpan timeout, Action<ConsumeResult<byte[]?, byte[]?>> handle)
    {
        var config = kafka.ClientConfig<ConsumerConfig>();
        config.GroupId = $"streamingcl-cli-{Guid.NewGuid():N}";
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = true;
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        config.FetchWaitMaxMs ??= 50;
        var deadline = DateTime.UtcNow + timeout;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var ends = new Dictionary<TopicPartition, long>();
        foreach (var topic in topics)
        {
            Metadata metadata;
            try
            {
                metadata = admin.GetMetadata(topic, Remaining(deadline));
            }
            catch (KafkaException e)
            {
                throw new TimeoutException($"cannot read {topic} on {kafka.BootstrapServers}: {e.Error.Reason}", e);
            }

            var described = metadata.Topics.Single();
            if (described.Error.IsError)
            {
                throw new InvalidOperationException($"cannot read {topic} on {kafka.BootstrapServers}: {described.Error.Reason}");
            }

            foreach (var partition in described.Partitions)
            {
                var topicPartition = new TopicPartition(topic, partition.PartitionId);
                var watermarks = consumer.QueryWatermarkOffsets(topicPartition, Remaining(deadline));
                if (watermarks.High.Value > watermarks.Low.Value)
                {
                    ends[topicPartition] = watermarks.High.Value;
                }
            }
        }

        var read = ends.Keys.ToDictionary(partition => partition, _ => 0L);
        consumer.Assign(ends.Keys.Select(partition => new TopicPartitionOffset(partition, Offset.Beginning)));
        while (read.Any(pair => pair.Value < ends[pair.Key]))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"cannot read {string.Join(" and ", topics)} to their end on {kafka.BootstrapServers} within {timeout.TotalSeconds:0} s.");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
            {
                continue;
            }

            var position = result.IsPartitionEOF ? result.Offset.Value : result.Offset.Value + 1;
            read[result.TopicPartition] = Math.Max(read[result.TopicPartition], position);
            if (!result.IsPartitionEOF && result.Offset.Value < ends[result.TopicPartition])
            {
                handle(result);
            }
        }

        consumer.Close();
    }

    /// <summary>Writes a decision: the stage changes to model-updates (key model:version), the allocation to traffic-allocations (key model).</summary>
    public static void Publish(KafkaOptions kafka, TopicCatalog catalog, EventSerdes serdes, RegistryDecision decision, TimeSpan timeout)
    {
        var config = kafka.ClientConfig<ProducerConfig>();
        config.EnableIdempotence = true;
        config.MessageMaxBytes = TopicCatalog.ModelUpdatesMaxMessageBytes;
        config.MessageTimeoutMs = (int)timeout.TotalMilliseconds;
        using var producer = new ProducerBuilder<string, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var updates = catalog[EventTopic.ModelUpdates].Name;
        var allocations = catalog[EventTopic.TrafficAllocations].Name;
        var errors = new List<Error>();
        void Report(DeliveryReport<string, byte[]> report)
        {
            if (report.Error.IsError)
            {
                lock (errors)
                {
                    errors.Add(report.Error);
                }
            }
        }

        foreach (var version in decision.Versions)
        {
            producer.Produce(updates, new Message<string, byte[]> { Key = version.Key, Value = serdes.For<ModelVersion>().Serialize(version, updates) }, Report);
        }

        if (decision.Allocation is { } allocation)
        {
            producer.Produce(allocations, new Message<string, byte[]> { Key = allocation.Target, Value = serdes.For<TrafficAllocation>().Serialize(allocation, allocations) }, Report);
        }

        if (producer.Flush(timeout) > 0 || errors.Count > 0)
        {
            var reason = errors.Count > 0 ? errors[0].Reason : "timed out";
            throw new InvalidOperationException($"cannot write the registry decision to {updates} on {kafka.BootstrapServers}: {reason}");
        }
    }

    private static TimeSpan Remaining(DateTime deadline) => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(1).Ticks, (deadline - DateTime.UtcNow).Ticks));
}
