namespace StreamingCL.Client;

/// <summary>Whether a publisher accepts events.</summary>
public enum PublisherStatus
{
    /// <summary>Accepting events; Kafka acknowledges them (or has not been asked yet).</summary>
    Healthy,

    /// <summary>
    /// An event waited longer than <see cref="PublisherOptions.UnavailableTimeout"/> for Kafka:
    /// events are refused with <see cref="KafkaUnavailableException"/> until a broker answers again
    /// (the publisher asks the cluster every second).
    /// </summary>
    Unavailable,

    /// <summary>The producer hit a fatal error (e.g. its idempotence guarantees broke): recreate the publisher.</summary>
    Failed,
}

/// <summary>A publisher's state, for a serving app's health checks.</summary>
/// <param name="Status">Whether events are accepted.</param>
/// <param name="LastError">The latest error Kafka reported, if any (kept after recovery, for the record).</param>
/// <param name="Since">When <paramref name="Status"/> last changed, or null if it never did.</param>
/// <param name="Pending">Events accepted and not yet acknowledged or failed: the queue's depth.</param>
/// <param name="Delivered">Events Kafka acknowledged.</param>
/// <param name="Failed">Accepted events Kafka did not acknowledge.</param>
public sealed record PublisherHealth(PublisherStatus Status, string? LastError, DateTimeOffset? Since, int Pending, long Delivered, long Failed);
