using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Interleaving;

namespace StreamingCL.Processors.Experiments;

/// <summary>
/// The stateless first step, before the repartition by experiment: which records are experiment
/// traffic, which are invalid for their experiment (checked while the original bytes and offset are
/// still at hand, so their dead letters carry them), and the <see cref="Observation"/> of the rest.
/// <list type="bullet">
/// <item>No experiment_id: not experiment traffic, ignored.</item>
/// <item>An experiment_id not in the options: dead-lettered as UNKNOWN_MODEL (the operator defines
/// it and replays the dead letters; guessing its kind, control and split would publish wrong
/// statistics).</item>
/// <item>AbTest, Canary, Bandit: served predictions and served labeled examples, whose variant must be
/// one of the experiment's (MISSING_FIELD, INVALID_VALUE), and labeled examples need a unit_id.
/// With an error-rate guardrail a label must be 0 or 1. Shadow records are ignored: they were not
/// served, so they expose no unit.</item>
/// <item>Shadow: labeled examples only, served and shadow (shadow ones name their variant; the served
/// one is the control whatever its variant); the score must be a probability and a label 0 or 1.
/// Predictions are ignored: the comparison needs both versions' records of a request with its
/// label, which the labeled examples hold.</item>
/// <item>Interleaving: served labeled examples only, whose ranking has a team on every item and no
/// item twice; the clicks are credited here. Predictions are ignored (a ranking without feedback
/// holds no preference).</item>
/// </list>
/// </summary>
internal sealed class ExperimentRouting(ExperimentOptions options)
{

    /// <summary>Why a prediction cannot be analysed, or null.</summary>
    public EventProblem? Check(Prediction prediction)
    {
        var problem = Find(prediction.ExperimentId, out var experiment);
        return experiment is not null && Exposes(experiment, prediction.Shadow) ? KnownVariant(experiment, prediction.Variant) : problem;
    }

    /// <summary>Why a labeled example cannot be analysed, or null.</summary>
    public EventProblem? Check(LabeledExample example)
    {
        var problem = Find(example.ExperimentId, out var experiment);
        if (experiment is null)
        {
            return problem;
        }

        return experiment.Kind switch
        {
            ExperimentKind.Shadow => (example.Shadow ? Required(example.Variant, "variant") : null) ?? Probability(example.Score) ?? BinaryLabel(example.Label, "a shadow comparison"),
            ExperimentKind.Interleaving => example.Shadow ? null : CheckRanking(example.Ranking),
            _ when example.Shadow => null,
            _ => Required(example.UnitId, "unit_id")
                ?? KnownVariant(experiment, example.Variant)
                ?? (experiment.Guardrail?.Metric == GuardrailMetric.ErrorRate ? BinaryLabel(example.Label, "an error-rate guardrail") : null),
        };
    }

    /// <summary>The exposure of a checked prediction, if it is one.</summary>
    public IEnumerable<Observation> Observe(Prediction prediction, RecordOrigin origin)
    {
        if (Definition(prediction.ExperimentId) is { } experiment && Exposes(experiment, prediction.Shadow))
        {
            yield return new UnitObservation(
                experiment.Id, prediction.PredictionId, prediction.Timestamp.ToUnixTimeMilliseconds(), origin, prediction.UnitId, prediction.Variant!, null, null);
        }
    }

    /// <summary>The observation of a checked labeled example, if it is one.</summary>
    public IEnumerable<Observation> Observe(LabeledExample example, RecordOrigin origin)
    {
        if (Definition(example.ExperimentId) is not { } experiment)
        {
            yield break;
        }

        var (id, time) = (example.PredictionId, example.PredictionTimestamp.ToUnixTimeMilliseconds());
        switch (experiment.Kind)
        {
            case ExperimentKind.Shadow:
                var variant = example.Shadow ? example.Variant! : experiment.Control;
                yield return new ShadowObservation(experiment.Id, id, time, origin, variant, example.Shadow, example.Score, example.Label is { } label ? label == 1 : null);
                break;
            case ExperimentKind.Interleaving when !example.Shadow:
                yield return new ImpressionObservation(experiment.Id, id, time, origin, Credit(example.Ranking!, example.ClickedItems));
                break;
            case ExperimentKind.AbTest or ExperimentKind.Canary or ExperimentKind.Bandit when !example.Shadow:
                yield return new UnitObservation(experiment.Id, id, time, origin, example.UnitId, example.Variant!, Outcome(experiment.Metric, example), Error(experiment, example));
                break;
        }
    }

    // The metric's value of one outcome: 0/1 for a proportion (a unit converts when any outcome is
    // positive), the value itself for a mean.
    private static double? Outcome(MetricDefinition metric, LabeledExample example)
    {
        var value = metric.Source == OutcomeSource.Label ? example.Label : example.Reward;
        return value is { } outcome && metric.Type == MetricType.Proportion ? (outcome > 0 ? 1 : 0) : value;
    }

    private bool? Error(ExperimentDefinition experiment, LabeledExample example) =>
        experiment.Guardrail?.Metric == GuardrailMetric.ErrorRate && example.Label is { } label
            ? (example.Score >= options.DecisionThreshold) != (label == 1)
            : null;

    // Team-draft credit of the served list: clicks on items it did not show credit nobody.
    private static InterleavingOutcome Credit(IReadOnlyList<RankedItem> ranking, IReadOnlyList<string> clicked)
    {
        var items = ranking.Select(item => item.ItemId).ToList();
        var served = new InterleavedList<string>(items, ranking.Select(item => item.Team == InterleavingTeam.A ? Team.A : Team.B).ToList());
        var positions = clicked.Distinct(StringComparer.Ordinal)
            .Select(item => items.IndexOf(item))
            .Where(position => position >= 0)
            .ToArray();
        return served.Credit(positions);
    }

    private static bool Exposes(ExperimentDefinition experiment, bool shadow) =>
        !shadow && experiment.Kind is ExperimentKind.AbTest or ExperimentKind.Canary or ExperimentKind.Bandit;

    private ExperimentDefinition? Definition(string? experimentId) => options.Find(experimentId);

    private EventProblem? Find(string? experimentId, out ExperimentDefinition? experiment)
    {
        experiment = Definition(experimentId);
        return experiment is null && !string.IsNullOrEmpty(experimentId)
            ? new EventProblem(DeadLetterKind.UnknownModel, $"experiment_id '{experimentId}' is not defined under {ExperimentOptions.SectionName}:{nameof(ExperimentOptions.Experiments)} and is not a rollout ({options.Rollouts.Prefix}MODEL:VERSION).")
            : null;
    }

    private static EventProblem? KnownVariant(ExperimentDefinition experiment, string? variant) =>
        Required(variant, "variant") ?? (experiment.Variants.Contains(variant!)
            ? null
            : new EventProblem(DeadLetterKind.InvalidValue, $"variant '{variant}' is not one of experiment '{experiment.Id}''s variants [{string.Join(", ", experiment.Variants)}]."));

    private static EventProblem? Probability(double score) =>
        score is >= 0 and <= 1 ? null : new EventProblem(DeadLetterKind.InvalidValue, $"score is {score}: a shadow comparison needs probabilities in [0, 1].");

    private static EventProblem? BinaryLabel(double? label, string use) =>
        label is null or 0 or 1 ? null : new EventProblem(DeadLetterKind.InvalidValue, $"label is {label}: {use} needs a 0/1 label.");

    private static EventProblem? CheckRanking(IReadOnlyList<RankedItem>? ranking)
    {
        if (ranking is null || ranking.Count == 0)
        {
            return new EventProblem(DeadLetterKind.MissingField, "ranking is empty: an interleaving impression needs the served list.");
        }

        for (var i = 0; i < ranking.Count; i++)
        {
            if (ranking[i].Team is null)
            {
                return new EventProblem(DeadLetterKind.MissingField, $"ranking[{i}].team is empty: interleaving credits clicks to the team of each item.");
            }
        }

        var duplicate = ranking.GroupBy(item => item.ItemId, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        return duplicate is null ? null : new EventProblem(DeadLetterKind.InvalidValue, $"ranking holds item '{duplicate.Key}' twice: team-draft interleaving shows an item once.");
    }

    private static EventProblem? Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? new EventProblem(DeadLetterKind.MissingField, $"{field} is empty.") : null;
}
