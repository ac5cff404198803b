using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors.Drift;

/// <summary>
/// One record of the drift application's repartition topic, keyed by model: a prediction, the
/// error of a labeled example, or the reference profiles a model version published. One topic for
/// the three keeps them co-partitioned by construction, so the task that owns a model sees its
/// predictions, its errors and its profiles, in the order they were repartitioned.
/// </summary>
/// <param name="Origin">Where the record was read, for a dead letter written after the repartition.</param>
/// <param name="Prediction">A prediction, whole (a dead letter carries it as its payload).</param>
/// <param name="Error">The error of a labeled example.</param>
/// <param name="Published">The reference profiles of a model version.</param>
internal sealed record DriftInput(RecordOrigin Origin, Prediction? Prediction = null, LabeledError? Error = null, PublishedReferences? Published = null)
{
    public string ModelName => Prediction?.ModelName ?? Error?.ModelName ?? Published!.ModelName;
}

/// <summary>The per-example error of a labeled example (see <see cref="DriftErrorMeasure"/>).</summary>
/// <param name="ModelName">Model.</param>
/// <param name="ModelVersion">Version that made the prediction.</param>
/// <param name="Value">The error.</param>
/// <param name="TimestampMs">When the label was observed.</param>
internal sealed record LabeledError(string ModelName, int ModelVersion, double Value, long TimestampMs);

/// <summary>The reference profiles a model version published, decoded and validated.</summary>
/// <param name="ModelName">Model.</param>
/// <param name="Version">Version.</param>
/// <param name="References">Its profiles.</param>
internal sealed record PublishedReferences(string ModelName, int Version, VersionReferences References);

/// <summary>What the drift application checks and derives from its input events, before the repartition.</summary>
internal static class DriftInputs
{
    /// <summary>A prediction is processable when valid and when it does not use a reserved feature name.</summary>
    public static EventProblem? Check(Prediction prediction) =>
        EventValidation.Check(prediction)
        ?? Reserved(prediction.NumericFeatures.Keys, "numeric_features")
        ?? Reserved(prediction.CategoricalFeatures.Keys, "categorical_features");

    /// <summary>
    /// A labeled example is processable when valid and, if it has a label, when its error is defined:
    /// a misclassification error needs a 0/1 label. One without a label (reward-only feedback) is
    /// valid, and skipped later.
    /// </summary>
    public static EventProblem? Check(LabeledExample example, DriftOptions options) =>
        EventValidation.Check(example)
        ?? (example.Label is { } label && label is not (0.0 or 1.0) && options.ErrorOf(example.ModelName) == DriftErrorMeasure.Misclassification
            ? new EventProblem(DeadLetterKind.InvalidValue, $"label is {label}; the misclassification error of model {example.ModelName} needs a label of 0 or 1.")
            : null);

    /// <summary>A model version is processable when each of its reference profiles is a valid one.</summary>
    public static EventProblem? Check(ModelVersion version)
    {
        try
        {
            VersionReferences.Published(version.ReferenceProfile);
            return null;
        }
        catch (ArgumentException e)
        {
            return new EventProblem(DeadLetterKind.InvalidValue, $"reference_profile of {version.Key}: {e.Message}");
        }
    }

    /// <summary>The error of a checked, labeled example.</summary>
    public static LabeledError ErrorOf(LabeledExample example, DriftOptions options)
    {
        var label = example.Label!.Value;
        var error = options.ErrorOf(example.ModelName) switch
        {
            DriftErrorMeasure.Misclassification => (example.Score >= options.DecisionThreshold ? 1.0 : 0.0) == label ? 0.0 : 1.0,
            _ => Math.Abs(example.Score - label),
        };
        return new LabeledError(example.ModelName, example.ModelVersion, error, example.FeedbackTimestamp.ToUnixTimeMilliseconds());
    }

    private static EventProblem? Reserved(IEnumerable<string> features, string field) =>
        features.FirstOrDefault(feature => feature is DriftMetric.ScoreFeature or DriftMetric.ErrorFeature) is { } reserved
            ? new EventProblem(DeadLetterKind.InvalidValue, $"{field} uses the reserved name {reserved}.")
            : null;
}
