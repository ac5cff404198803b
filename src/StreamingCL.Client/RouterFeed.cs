using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Client;

/// <summary>
/// The router's background reader of model-updates and traffic-allocations. Every serving
/// instance rebuilds the registry's state on its own: the partitions are assigned (no consumer
/// group to join, nothing committed) from the beginning, and both topics are compacted, so the
/// first offset may be anything and tombstones remove keys. No routing is published before
/// every partition has been read to its end once, so an instance never serves from a half-read
/// history; after that, a new routing is published whenever the reader reaches the end again (or
/// every <see cref="MaxRecordsPerRouting"/> records of a burst).
/// </summary>
internal sealed class RouterFeed : IDisposable
{
    internal const int MaxRecordsPerRouting = 1_000;
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MetadataRetry = TimeSpan.FromSeconds(1);

    private readonly IConsumer<string?, byte[]?> _consumer;
    private readonly EventSerdes _serdes;
    private readonly RouterState _state;
    private readonly ClientMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Action<RoutingSnapshot> _publish;

    public RouterFeed(
        KafkaOptions kafka, string modelUpdatesTopic, string allocationsTopic, RouterState state, ClientMetrics metrics, ILogger logger, Action<RoutingSnapshot> publish)
    {
        ModelUpdatesTopic = modelUpdatesTopic;
        AllocationsTopic = allocationsTopic;
        _state = state;
        _metrics = metrics;
        _logger = logger;
        _publish = publish;
        _serdes = new EventSerdes(kafka);
        var config = kafka.ClientConfig<ConsumerConfig>();
        // Confluent.Kafka wants a group id even for assigned partitions; it is never joined or committed to.
        config.GroupId ??= $"streamingcl-router-{Guid.NewGuid():N}";
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        config.EnablePartitionEof = true;
        // A ModelVersion carries its artifact: let a partition's fetch hold the largest the topic accepts.
        config.MaxPartitionFetchBytes ??= TopicCatalog.ModelUpdatesMaxMessageBytes;
        _consumer = new ConsumerBuilder<string?, byte[]?>(config)
            .SetErrorHandler((_, error) => _logger.LogWarning("Model router consumer: {Reason} ({Code}).", error.Reason, error.Code))
            .SetLogHandler((_, message) => LogLibrdkafka(_logger, message))
            .Build();
    }

    public string ModelUpdatesTopic { get; }

    public string AllocationsTopic { get; }

    /// <summary>Reads until <paramref name="stopping"/> is cancelled; runs on the router's own thread.</summary>
    public void Run(CancellationToken stopping)
    {
        var partitions = Partitions(stopping);
        _consumer.Assign(partitions.Select(partition => new TopicPartitionOffset(partition, Offset.Beginning)));
        var notReadToEnd = partitions.ToHashSet();
        var routing = RoutingSnapshot.Empty;
        var changed = false;
        var sinceRouting = 0;
        while (!stopping.IsCancellationRequested)
        {
            var result = Consume();
            if (result is { IsPartitionEOF: false })
            {
                changed |= Apply(result);
                if (notReadToEnd.Count > 0 || ++sinceRouting < MaxRecordsPerRouting)
                {
                    continue;
                }
            }
            else if (result is not null)
            {
                notReadToEnd.Remove(result.TopicPartition);
            }

            if (notReadToEnd.Count == 0 && (changed || !routing.CaughtUp))
            {
                routing = _state.Build(routing, caughtUp: true);
                _publish(routing);
                changed = false;
                sinceRouting = 0;
            }
        }
    }

    public void Dispose()
    {
        // Close leaves no group (none was joined) and commits nothing (auto-commit is off).
        _consumer.Close();
        _consumer.Dispose();
        _serdes.Dispose();
    }

    /// <summary>librdkafka's log lines at warning and above; its chatter below that stays out of the app's log.</summary>
    internal static void LogLibrdkafka(ILogger logger, LogMessage message)
    {
        if (message.Level <= SyslogLevel.Warning)
        {
            logger.LogWarning("librdkafka {Facility}: {Message}", message.Facility, message.Message);
        }
    }

    private ConsumeResult<string?, byte[]?>? Consume()
    {
        try
        {
            return _consumer.Consume(PollTimeout);
        }
        catch (ConsumeException e)
        {
            _logger.LogWarning("Model router: cannot read {Topic}: {Reason}.", e.ConsumerRecord?.Topic, e.Error.Reason);
            return null;
        }
    }

    private bool Apply(ConsumeResult<string?, byte[]?> result)
    {
        var topic = result.Topic;
        var key = result.Message.Key;
        var value = result.Message.Value;
        var context = new SerializationContext(MessageComponentType.Value, topic);
        try
        {
            return topic == ModelUpdatesTopic
                ? _state.Apply(key, _serdes.For<ModelVersion>().Deserialize(value, value is null, context))
                : _state.Apply(key, _serdes.For<TrafficAllocation>().Deserialize(value, value is null, context));
        }
        catch (EventDecodeException e)
        {
            _metrics.Undecodable(topic);
            _logger.LogError("Model router: record {Topic}[{Partition}]@{Offset} (key {Key}) skipped: {Reason}", topic, result.Partition.Value, result.Offset.Value, key, e.Message);
            return false;
        }
    }

    /// <summary>Every partition of both topics, waiting (and retrying) until the cluster describes them.</summary>
    private List<TopicPartition> Partitions(CancellationToken stopping)
    {
        using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        var partitions = new List<TopicPartition>();
        foreach (var topic in new[] { ModelUpdatesTopic, AllocationsTopic })
        {
            while (true)
            {
                stopping.ThrowIfCancellationRequested();
                string problem;
                try
                {
                    var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.Single(described => described.Topic == topic);
                    if (metadata.Error.Code == ErrorCode.NoError && metadata.Partitions.Count > 0)
                    {
                        partitions.AddRange(metadata.Partitions.Select(partition => new TopicPartition(topic, partition.PartitionId)));
                        break;
                    }

                    problem = metadata.Error.Code == ErrorCode.NoError ? "it has no partitions" : metadata.Error.Reason;
                }
                catch (KafkaException e)
                {
                    problem = e.Error.Reason;
                }

                _logger.LogWarning("Model router: cannot describe {Topic} ({Problem}); retrying.", topic, problem);
                stopping.WaitHandle.WaitOne(MetadataRetry);
            }
        }

        return partitions;
    }
}
