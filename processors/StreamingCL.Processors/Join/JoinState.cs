using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors.Join;

/// <summary>
/// What the join knows about one prediction_id: predictions waiting for feedback (the served one and
/// any shadow ones), the feedback once it came, and the predictions already joined (by identity
/// only, so a joined prediction's features leave the state at once).
/// </summary>
/// <param name="Waiting">Predictions waiting for feedback.</param>
/// <param name="Joined">Identities of predictions already joined (<see cref="Identity"/>).</param>
/// <param name="Feedback">The feedback, once received.</param>
/// <param name="FeedbackOrigin">Where the feedback was read, for a dead letter written later.</param>
/// <param name="TimestampMs">Time of the first prediction (or of the feedback while no prediction came), for expiry.</param>
internal sealed record JoinState(
    IReadOnlyList<Prediction> Waiting,
    IReadOnlyList<string> Joined,
    Feedback? Feedback,
    RecordOrigin? FeedbackOrigin,
    long TimestampMs)
{
    /// <summary>Whether only feedback is known: it waits for its prediction.</summary>
    public bool FeedbackOnly => Feedback is not null && Waiting.Count == 0 && Joined.Count == 0;

    /// <summary>One served prediction per id, and one shadow prediction per model version.</summary>
    public static string Identity(Prediction prediction) =>
        prediction.Shadow ? $"shadow:{prediction.ModelName}:{prediction.ModelVersion}" : "served";

    public bool Knows(Prediction prediction) =>
        Joined.Contains(Identity(prediction)) || Waiting.Any(waiting => Identity(waiting) == Identity(prediction));
}
