namespace StreamingCL.Kafka.Topics;

/// <summary>How Kafka gets rid of old records of a topic.</summary>
public enum CleanupPolicy
{
    /// <summary>Delete records older than the retention.</summary>
    Delete,

    /// <summary>Keep the latest record per key.</summary>
    Compact,

    /// <summary>Keep the latest record per key, and delete keys older than the retention (windowed state).</summary>
    CompactDelete,
}

/// <summary>A topic to create.</summary>
/// <param name="Name">Topic name.</param>
/// <param name="Partitions">Partition count.</param>
/// <param name="ReplicationFactor">Replicas per partition; -1 takes the broker default.</param>
/// <param name="Cleanup">Cleanup policy.</param>
/// <param name="Retention">How long records are kept; null keeps them forever.</param>
/// <param name="Description">What the topic holds.</param>
/// <param name="MaxMessageBytes">Largest record the topic accepts, when above the broker default (about 1 MB).</param>
public sealed record TopicSpec(
    string Name,
    int Partitions,
    short ReplicationFactor,
    CleanupPolicy Cleanup,
    TimeSpan? Retention,
    string Description,
    int? MaxMessageBytes = null)
{
    /// <summary>Retention in milliseconds as Kafka takes it: -1 keeps records forever.</summary>
    public long RetentionMs => Retention is { } retention ? (long)retention.TotalMilliseconds : -1;

    /// <summary>cleanup.policy as Kafka takes it.</summary>
    public string CleanupPolicyConfig => Cleanup switch
    {
        CleanupPolicy.Delete => "delete",
        CleanupPolicy.Compact => "compact",
        _ => "compact,delete",
    };

    /// <summary>The topic-level configuration to create it with.</summary>
    public IReadOnlyDictionary<string, string> Configs
    {
        get
        {
            var configs = new Dictionary<string, string>
            {
                ["cleanup.policy"] = CleanupPolicyConfig,
                ["retention.ms"] = RetentionMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (MaxMessageBytes is { } maxMessageBytes)
            {
                configs["max.message.bytes"] = maxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return configs;
        }
    }
}
