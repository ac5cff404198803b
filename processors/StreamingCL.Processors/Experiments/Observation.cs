using System.Text.Json.Serialization;
using StreamingCL.Statistics.Interleaving;

namespace StreamingCL.Processors.Experiments;

/// <summary>
/// What one prediction or labeled example tells an experiment, reduced to what the analysis needs:
/// the repartition topic carries this instead of the events (no features, no rankings).
/// </summary>
/// <param name="ExperimentId">The experiment (the repartition key).</param>
/// <param name="PredictionId">The prediction it stems from (the key of the input topics).</param>
/// <param name="EventTimeMs">Prediction time: windows are those of the exposure, whenever its outcome comes.</param>
/// <param name="Origin">Where the record was read, for a dead letter written after the repartition.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(UnitObservation), "unit")]
[JsonDerivedType(typeof(ShadowObservation), "shadow")]
[JsonDerivedType(typeof(ImpressionObservation), "impression")]
internal abstract record Observation(string ExperimentId, string PredictionId, long EventTimeMs, RecordOrigin Origin);

/// <summary>
/// A unit seen in a variant of an AbTest, Canary or Bandit: a served prediction exposes it; a served
/// labeled example exposes it too (its prediction was served) and brings an outcome.
/// </summary>
/// <param name="ExperimentId">The experiment.</param>
/// <param name="PredictionId">The prediction.</param>
/// <param name="EventTimeMs">Prediction time.</param>
/// <param name="Origin">Where the record was read.</param>
/// <param name="UnitId">Randomisation unit.</param>
/// <param name="Variant">Variant of the record.</param>
/// <param name="Outcome">The outcome as the metric counts it (0/1 for proportions), or null (a prediction, or no value).</param>
/// <param name="Error">Whether the decision was wrong, for an error-rate guardrail; null when not measured.</param>
internal sealed record UnitObservation(string ExperimentId, string PredictionId, long EventTimeMs, RecordOrigin Origin, string UnitId, string Variant, double? Outcome, bool? Error)
    : Observation(ExperimentId, PredictionId, EventTimeMs, Origin);

/// <summary>A labeled example of a Shadow experiment, served or shadow, to pair with its counterparts on prediction_id.</summary>
/// <param name="ExperimentId">The experiment.</param>
/// <param name="PredictionId">The request both versions scored.</param>
/// <param name="EventTimeMs">Prediction time.</param>
/// <param name="Origin">Where the example was read.</param>
/// <param name="Variant">The shadow variant, or the experiment's control for the served example.</param>
/// <param name="Shadow">Computed in shadow, not served.</param>
/// <param name="Score">Predicted probability of the positive class.</param>
/// <param name="Positive">The 0/1 label as a class, or null when the example has no label.</param>
internal sealed record ShadowObservation(string ExperimentId, string PredictionId, long EventTimeMs, RecordOrigin Origin, string Variant, bool Shadow, double Score, bool? Positive)
    : Observation(ExperimentId, PredictionId, EventTimeMs, Origin);

/// <summary>One impression of an Interleaving experiment, already credited from its clicks.</summary>
/// <param name="ExperimentId">The experiment.</param>
/// <param name="PredictionId">The prediction that served the list.</param>
/// <param name="EventTimeMs">Prediction time.</param>
/// <param name="Origin">Where the example was read.</param>
/// <param name="Credit">Which team the clicks preferred.</param>
internal sealed record ImpressionObservation(string ExperimentId, string PredictionId, long EventTimeMs, RecordOrigin Origin, InterleavingOutcome Credit)
    : Observation(ExperimentId, PredictionId, EventTimeMs, Origin);
