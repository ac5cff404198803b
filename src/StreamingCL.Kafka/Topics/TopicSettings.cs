namespace StreamingCL.Kafka.Topics;

/// <summary>
/// Overrides of one catalog topic. Section "Topics:{EventTopic}", e.g. Topics:Predictions:Partitions.
/// Unset values keep the catalog default.
/// </summary>
public sealed class TopicSettings
{
    /// <summary>Topic name.</summary>
    public string? Name { get; set; }

    /// <summary>Partition count.</summary>
    public int? Partitions { get; set; }

    /// <summary>Retention in milliseconds; -1 keeps records forever.</summary>
    public long? RetentionMs { get; set; }
}
