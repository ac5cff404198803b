using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Client;

/// <summary>
/// Writes Feedback events (labels, rewards, clicks) to the feedback topic (Avro, keyed by the
/// prediction_id they are about, so they meet their prediction in the join's partition).
/// See <see cref="EventPublisher{TEvent}"/> for the queue, back-pressure and unavailability.
/// </summary>
public sealed class FeedbackReporter : EventPublisher<Feedback>
{
    /// <summary>Creates the reporter and its producer.</summary>
    /// <inheritdoc cref="PredictionLogger(KafkaOptions, PublisherOptions?, ClientContext?)" path="/param"/>
    /// <exception cref="InvalidConfigurationException">An option cannot work; the message names its key.</exception>
    public FeedbackReporter(KafkaOptions kafka, PublisherOptions? options = null, ClientContext? context = null)
        : base(kafka, EventTopic.Feedback, feedback => feedback.PredictionId, options, context)
    {
    }

    /// <summary>Reports the outcome of a prediction. Returns once it is queued, not when Kafka acknowledges it.</summary>
    /// <exception cref="ArgumentException">The feedback would be rejected by the processors (no prediction id; no label, reward or click; NaN or infinite values).</exception>
    /// <exception cref="EventQueueFullException">The queue is full and the policy is Fail.</exception>
    /// <exception cref="KafkaUnavailableException">Kafka has been unreachable for longer than the timeout.</exception>
    public ValueTask ReportAsync(Feedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (EventValidation.Check(feedback) is { } problem)
        {
            throw new ArgumentException($"The feedback cannot be reported: {problem.Reason}", nameof(feedback));
        }

        return PublishAsync([feedback], cancellationToken);
    }
}
