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
public sealed record TopicSpec(
    string Name,
    int Partitions,
    short ReplicationFactor,
    CleanupPolicy Cleanup,
    TimeSpan? Retention,
    string Description)
{
    /// <summary>The topic-level configuration to create it with.</summary>
    public IReadOnlyDictionary<string, string> Configs => new Dictionary<string, string>
    {
        ["cleanup.policy"] = Cleanup switch
        {
            CleanupPolicy.Delete => "delete",
            CleanupPolicy.Compact => "compact",
            _ => "compact,delete",
        },
        ["retention.ms"] = Retention is { } retention ? ((long)retention.TotalMilliseconds).ToString() : "-1",
    };
}
