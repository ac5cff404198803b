namespace StreamingCL.Client;

/// <summary>A request named a model the router cannot serve: no usable version of it has been seen on model-updates.</summary>
public sealed class UnknownModelException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnknownModelException(string modelName, string message)
        : base(message) => ModelName = modelName;

    /// <summary>The model asked for.</summary>
    public string ModelName { get; }
}

/// <summary>
/// Kafka has not acknowledged an event for longer than <see cref="PublisherOptions.UnavailableTimeout"/>:
/// the publisher refuses events until a broker answers again (see <see cref="EventPublisher{TEvent}.Health"/>).
/// </summary>
public sealed class KafkaUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KafkaUnavailableException(string topic, string message, Exception? innerException = null)
        : base(message, innerException) => Topic = topic;

    /// <summary>The topic the refused event was for.</summary>
    public string Topic { get; }
}

/// <summary>The publisher's queue is full and its policy is <see cref="QueueFullPolicy.Fail"/>.</summary>
public sealed class EventQueueFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EventQueueFullException(string topic, int capacity)
        : base($"The queue of events for {topic} is full ({capacity} awaiting Kafka's acknowledgement) and {PublisherOptions.SectionName}:{nameof(PublisherOptions.WhenFull)} is {nameof(QueueFullPolicy.Fail)}: the event was not accepted.")
    {
        Topic = topic;
        Capacity = capacity;
    }

    /// <summary>The topic the refused event was for.</summary>
    public string Topic { get; }

    /// <summary>The queue's capacity.</summary>
    public int Capacity { get; }
}
