using StreamingCL.Kafka.Events;

namespace StreamingCL.Kafka.Serialization;

/// <summary>
/// A record could not be turned into an event. <see cref="Kind"/> says why, in the vocabulary of
/// the dead-letter topic, so a caller can route the record there without inspecting the message.
/// </summary>
public sealed class EventDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EventDecodeException(DeadLetterKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    /// <summary>The class of failure.</summary>
    public DeadLetterKind Kind { get; }
}
