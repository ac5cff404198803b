using Confluent.Kafka;

namespace StreamingCL.Kafka;

/// <summary>How to reach the Kafka cluster. Section "Kafka" (environment: Kafka__BootstrapServers, ...).</summary>
public sealed class KafkaOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated host:port list.</summary>
    public string BootstrapServers { get; set; } = "localhost:9092";

    /// <summary>Schema registry URL; when set, events are written in Confluent wire format.</summary>
    public string? SchemaRegistryUrl { get; set; }

    /// <summary>
    /// Schema registry client properties passed through unchanged (basic.auth.user.info,
    /// schema.registry.ssl.ca.location, ...), e.g. Kafka__SchemaRegistryProperties__basic.auth.credentials.source=USER_INFO.
    /// </summary>
    public Dictionary<string, string> SchemaRegistryProperties { get; set; } = [];

    /// <summary>Replication factor of created topics; -1 takes the broker's default.</summary>
    public short ReplicationFactor { get; set; } = -1;

    /// <summary>
    /// librdkafka client properties passed through unchanged (security.protocol, sasl.*, ssl.*, ...),
    /// e.g. Kafka__Properties__sasl.mechanism=PLAIN.
    /// </summary>
    public Dictionary<string, string> Properties { get; set; } = [];

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            throw new InvalidConfigurationException($"{SectionName}:{nameof(BootstrapServers)}", "is required (host:port[,host:port...]).");
        }

        if (ReplicationFactor is 0 or < -1)
        {
            throw new InvalidConfigurationException($"{SectionName}:{nameof(ReplicationFactor)}", $"must be -1 (broker default) or at least 1, was {ReplicationFactor}.");
        }

        if (SchemaRegistryUrl is not null && !Uri.TryCreate(SchemaRegistryUrl, UriKind.Absolute, out _))
        {
            throw new InvalidConfigurationException($"{SectionName}:{nameof(SchemaRegistryUrl)}", $"'{SchemaRegistryUrl}' is not an absolute URL.");
        }
    }

    /// <summary>
    /// Producer properties: <see cref="ClientConfig{T}"/> with the Java client's key partitioner
    /// (murmur2), which Kafka Streams and Streamiz use too, unless Properties sets another: events
    /// keyed by prediction_id must land on the same partitions whoever writes them, or the join's
    /// co-partitioning breaks.
    /// </summary>
    public ProducerConfig ProducerConfig()
    {
        var config = ClientConfig<ProducerConfig>();
        config.Partitioner ??= Partitioner.Murmur2Random;
        return config;
    }

    /// <summary>Client properties: the pass-through ones, then the bootstrap servers.</summary>
    public T ClientConfig<T>()
        where T : ClientConfig, new()
    {
        var config = new T();
        foreach (var (key, value) in Properties)
        {
            config.Set(key, value);
        }

        config.BootstrapServers = BootstrapServers;
        return config;
    }
}
