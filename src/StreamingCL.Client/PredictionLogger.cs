using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Client;

/// <summary>
/// Writes Prediction events to the predictions topic (Avro, keyed by prediction_id): the served
/// prediction and its shadow scores, which the join, drift and experiment processors read.
/// See <see cref="EventPublisher{TEvent}"/> for the queue, back-pressure and unavailability.
/// </summary>
public sealed class PredictionLogger : EventPublisher<Prediction>
{
    /// <summary>Creates the logger and its producer.</summary>
    /// <param name="kafka">The cluster (its client properties pass through unchanged).</param>
    /// <param name="options">Queue and timeout options (validated here); defaults when null.</param>
    /// <param name="context">Topic names, metrics registry, logging and clock; defaults when null.</param>
    /// <exception cref="InvalidConfigurationException">An option cannot work; the message names its key.</exception>
    public PredictionLogger(KafkaOptions kafka, PublisherOptions? options = null, ClientContext? context = null)
        : base(kafka, EventTopic.Predictions, prediction => prediction.PredictionId, options, context)
    {
    }

    /// <summary>
    /// Logs a routed prediction: the served event (with the ranked list the app showed, if any)
    /// and one shadow event per shadow score, all keyed by its prediction id. Returns once they
    /// are queued, not when Kafka acknowledges them.
    /// </summary>
    /// <exception cref="ArgumentException">An event would be rejected by the processors (missing id, NaN or infinite value).</exception>
    /// <exception cref="EventQueueFullException">The queue is full and the policy is Fail.</exception>
    /// <exception cref="KafkaUnavailableException">Kafka has been unreachable for longer than the timeout.</exception>
    public ValueTask LogAsync(RoutedPrediction prediction, IReadOnlyList<RankedItem>? ranking = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var events = prediction.ToEvents(ranking);
        foreach (var value in events)
        {
            Validate(value, nameof(prediction));
        }

        return PublishAsync(events, cancellationToken);
    }

    /// <summary>Logs a prediction the app built itself (e.g. a ranking's impression). Returns once it is queued.</summary>
    /// <inheritdoc cref="LogAsync(RoutedPrediction, IReadOnlyList{RankedItem}?, CancellationToken)" path="/exception"/>
    public ValueTask LogAsync(Prediction prediction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        Validate(prediction, nameof(prediction));
        return PublishAsync([prediction], cancellationToken);
    }

    private static void Validate(Prediction prediction, string parameter)
    {
        if (EventValidation.Check(prediction) is { } problem)
        {
            throw new ArgumentException($"The prediction cannot be logged: {problem.Reason}", parameter);
        }
    }
}
