namespace StreamingCL.Kafka.Events;

/// <summary>Why an event cannot be processed: the dead-letter kind and a reason naming the field.</summary>
/// <param name="Kind">Class of failure.</param>
/// <param name="Reason">Human-readable reason.</param>
public readonly record struct EventProblem(DeadLetterKind Kind, string Reason);

/// <summary>
/// Checks of decoded events that Avro cannot express: required text present, numbers finite and
/// within ±<see cref="MaxMagnitude"/>. The processors dead-letter what fails; serving apps can
/// check before sending.
/// </summary>
public static class EventValidation
{
    /// <summary>
    /// Largest magnitude of a number: sums of squares of values beyond it overflow to infinity in
    /// the processors' aggregates.
    /// </summary>
    public const double MaxMagnitude = 1e150;

    /// <summary>The first problem of a prediction, or null when it can be processed.</summary>
    public static EventProblem? Check(Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return Required(prediction.PredictionId, "prediction_id")
            ?? Required(prediction.ModelName, "model_name")
            ?? Required(prediction.UnitId, "unit_id")
            ?? ModelVersion(prediction.ModelVersion)
            ?? Finite(prediction.Score, "score")
            ?? Finite(prediction.PredictedLabel, "predicted_label")
            ?? Finite(prediction.NumericFeatures, "numeric_features");
    }

    /// <summary>The first problem of a feedback, or null when it can be processed.</summary>
    public static EventProblem? Check(Feedback feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        return Required(feedback.PredictionId, "prediction_id")
            ?? (feedback.Label is null && feedback.Reward is null && feedback.ClickedItems.Count == 0
                ? new EventProblem(DeadLetterKind.MissingField, "Feedback has no label, reward or clicked items.")
                : (EventProblem?)null)
            ?? Finite(feedback.Label, "label")
            ?? Finite(feedback.Reward, "reward");
    }

    /// <summary>The first problem of a labeled example, or null when it can be processed.</summary>
    public static EventProblem? Check(LabeledExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return Required(example.PredictionId, "prediction_id")
            ?? Required(example.ModelName, "model_name")
            ?? ModelVersion(example.ModelVersion)
            ?? Finite(example.Score, "score")
            ?? Finite(example.Label, "label")
            ?? Finite(example.Reward, "reward")
            ?? Finite(example.NumericFeatures, "numeric_features");
    }

    private static EventProblem? Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? new EventProblem(DeadLetterKind.MissingField, $"{field} is empty.") : null;

    /// <summary>
    /// The problem of a model_version, if any: registry versions start at 1, and 0 marks traffic
    /// served before a model's first version (a cold-start heuristic whose labeled examples train it).
    /// </summary>
    public static EventProblem? ModelVersion(int version) =>
        version < 0 ? new EventProblem(DeadLetterKind.InvalidValue, $"model_version must be 0 (before the first version) or more, was {version}.") : null;

    private static EventProblem? Finite(double? value, string field) =>
        value is { } number && !(Math.Abs(number) <= MaxMagnitude)
            ? new EventProblem(DeadLetterKind.InvalidValue, $"{field} is {number}, not a finite number within ±{MaxMagnitude}.")
            : null;

    private static EventProblem? Finite(IReadOnlyDictionary<string, double> features, string field)
    {
        foreach (var (name, value) in features)
        {
            if (Finite(value, $"{field}[{name}]") is { } problem)
            {
                return problem;
            }
        }

        return null;
    }
}
