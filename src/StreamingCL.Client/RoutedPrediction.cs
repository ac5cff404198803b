using StreamingCL.Kafka.Events;

namespace StreamingCL.Client;

/// <summary>
/// The answer of <see cref="ModelRouter.Predict"/>: the score of the version that served the
/// request, where the request was routed, and the scores of the shadow versions that saw it.
/// Log it with <see cref="PredictionLogger.LogAsync(RoutedPrediction, IReadOnlyList{RankedItem}?, CancellationToken)"/>;
/// feedback refers to <see cref="PredictionId"/>.
/// </summary>
/// <remarks>The feature dictionaries are the caller's, kept by reference: do not change them before the prediction is logged.</remarks>
public sealed record RoutedPrediction
{
    /// <summary>Unique id of this prediction (a version 7 GUID, so ids sort by time).</summary>
    public required string PredictionId { get; init; }

    /// <summary>Model asked for.</summary>
    public required string ModelName { get; init; }

    /// <summary>Version that served the request.</summary>
    public required int ModelVersion { get; init; }

    /// <summary>Randomisation unit the request was routed by.</summary>
    public required string UnitId { get; init; }

    /// <summary>Arm of the allocation the unit falls in ("production", "canary", a bandit arm, ...).</summary>
    public required string Variant { get; init; }

    /// <summary>Experiment the unit was assigned in: a canary rollout or a configured experiment; null when only production serves.</summary>
    public string? ExperimentId { get; init; }

    /// <summary>Probability of the positive class (binary classification) or the predicted value (regression).</summary>
    public required double Score { get; init; }

    /// <summary>Decision at <see cref="ModelRouterOptions.DecisionThreshold"/> (binary classification), or null.</summary>
    public double? PredictedLabel { get; init; }

    /// <summary>When the prediction was made.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Numeric features scored.</summary>
    public required IReadOnlyDictionary<string, double> NumericFeatures { get; init; }

    /// <summary>Categorical features scored.</summary>
    public required IReadOnlyDictionary<string, string> CategoricalFeatures { get; init; }

    /// <summary>Scores of shadow versions on this request: computed, not served.</summary>
    public IReadOnlyList<ShadowScore> Shadows { get; init; } = [];

    /// <summary>
    /// The Prediction events of this request: the served one (with <paramref name="ranking"/>, if
    /// the app served a ranked list), then one per shadow score, with the same prediction id and
    /// the shadow flag set, as the join and experiment processors expect.
    /// </summary>
    public IReadOnlyList<Prediction> ToEvents(IReadOnlyList<RankedItem>? ranking = null)
    {
        var served = new Prediction
        {
            PredictionId = PredictionId,
            ModelName = ModelName,
            ModelVersion = ModelVersion,
            UnitId = UnitId,
            Timestamp = Timestamp,
            NumericFeatures = NumericFeatures,
            CategoricalFeatures = CategoricalFeatures,
            Score = Score,
            PredictedLabel = PredictedLabel,
            ExperimentId = ExperimentId,
            Variant = Variant,
            Ranking = ranking,
        };
        var events = new List<Prediction>(1 + Shadows.Count) { served };
        foreach (var shadow in Shadows)
        {
            events.Add(served with
            {
                ModelVersion = shadow.ModelVersion,
                Score = shadow.Score,
                PredictedLabel = shadow.PredictedLabel,
                Variant = shadow.Arm,
                Shadow = true,
                Ranking = null,
            });
        }

        return events;
    }
}

/// <summary>The score of a shadow version on a request it did not serve.</summary>
/// <param name="Arm">Arm of the allocation (e.g. "shadow").</param>
/// <param name="ModelVersion">Version that computed the score.</param>
/// <param name="Score">Its score.</param>
/// <param name="PredictedLabel">Its decision at the router's threshold, or null.</param>
public sealed record ShadowScore(string Arm, int ModelVersion, double Score, double? PredictedLabel);
