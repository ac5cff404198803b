using StreamingCL.Kafka;

namespace StreamingCL.Client;

/// <summary>What a publisher does with an event when its queue is full.</summary>
public enum QueueFullPolicy
{
    /// <summary>The caller awaits a free place (back-pressure on the serving app).</summary>
    Wait,

    /// <summary>The caller gets <see cref="EventQueueFullException"/> at once (the app sheds load).</summary>
    Fail,
}

/// <summary>
/// How <see cref="PredictionLogger"/> and <see cref="FeedbackReporter"/> queue and deliver events.
/// Section "Client:Publisher" (environment: Client__Publisher__QueueCapacity, ...).
/// </summary>
public sealed class PublisherOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Client:Publisher";

    /// <summary>
    /// Largest number of events accepted but not yet acknowledged by Kafka (default 10 000). This
    /// is the in-memory queue: librdkafka's own queue never holds more than it.
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>What a caller meets when the queue is full (default <see cref="QueueFullPolicy.Wait"/>).</summary>
    public QueueFullPolicy WhenFull { get; set; } = QueueFullPolicy.Wait;

    /// <summary>
    /// How long an event may wait for Kafka's acknowledgement (librdkafka's message.timeout.ms,
    /// default 30 s). An event that waited longer fails, the publisher becomes
    /// <see cref="PublisherStatus.Unavailable"/>, and callers get <see cref="KafkaUnavailableException"/>
    /// until a broker answers again.
    /// </summary>
    public TimeSpan UnavailableTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        // librdkafka's queue holds at most 10 million messages (queue.buffering.max.messages).
        InvalidConfigurationException.ThrowUnless(QueueCapacity is >= 1 and <= 10_000_000, Key(nameof(QueueCapacity)), $"must be between 1 and 10000000, was {QueueCapacity}.");
        InvalidConfigurationException.ThrowUnless(Enum.IsDefined(WhenFull), Key(nameof(WhenFull)), $"must be {nameof(QueueFullPolicy.Wait)} or {nameof(QueueFullPolicy.Fail)}, was {WhenFull}.");
        InvalidConfigurationException.ThrowUnless(
            UnavailableTimeout >= TimeSpan.FromMilliseconds(100) && UnavailableTimeout <= TimeSpan.FromMilliseconds(int.MaxValue),
            Key(nameof(UnavailableTimeout)),
            $"must be between 100 ms and {TimeSpan.FromMilliseconds(int.MaxValue)}, was {UnavailableTimeout}.");
    }

    private static string Key(string name) => $"{SectionName}:{name}";
}
