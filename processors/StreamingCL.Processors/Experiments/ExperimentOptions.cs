using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors.Experiments;

/// <summary>The analysis of online experiments. Section "Processors:Experiments".</summary>
public sealed class ExperimentOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Processors:Experiments";

    /// <summary>application.id of the stream application (prefix of its internal topics and consumer group).</summary>
    public string ApplicationId { get; set; } = "streamingcl-experiments";

    /// <summary>How often (in stream time) cumulative statistics are published and closed windows emitted.</summary>
    public TimeSpan EmitInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Size of the tumbling windows of the WINDOW scope, aligned to the epoch.</summary>
    public TimeSpan WindowSize { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after its end a window still takes records. Windows are those of the prediction time,
    /// and outcomes come with the feedback: keep it at least the join's feedback window.
    /// </summary>
    public TimeSpan WindowGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// An experiment without any record for this long (in stream time) is over: its state, units
    /// included, is dropped. This is what bounds the state.
    /// </summary>
    public TimeSpan IdleRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a shadow experiment's labeled example waits for its served (or shadow) counterpart.</summary>
    public TimeSpan ShadowPairingTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A score at or above it decides positive (shadow agreement and accuracy, canary error rate).</summary>
    public double DecisionThreshold { get; set; } = 0.5;

    /// <summary>The experiments; records of any other experiment_id are dead-lettered as UNKNOWN_MODEL.</summary>
    public List<ExperimentDefinition> Experiments { get; set; } = [];

    /// <summary>
    /// The rollouts the registry starts, analysed without being configured one by one: an
    /// experiment_id {Prefix}{model}:{version} is a Canary of variant "canary" against control
    /// "production", {Prefix}{model}:{version}:shadow a Shadow paired with "production", both with
    /// this guardrail and a sequential test (the registry reads their verdicts at every emission,
    /// so they must stay valid under repeated looks).
    /// </summary>
    public RolloutTemplate Rollouts { get; set; } = new();

    /// <summary>The definition of an experiment: a configured one, or a rollout by its id's prefix; null if neither.</summary>
    public ExperimentDefinition? Find(string? experimentId)
    {
        if (string.IsNullOrEmpty(experimentId))
        {
            return null;
        }

        return Experiments.Find(experiment => experiment.Id == experimentId)
            ?? (RolloutExperiment.Parse(Rollouts.Prefix, experimentId) is { } rollout ? Rollouts.Definition(rollout) : null);
    }

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(ApplicationId), Key(nameof(ApplicationId)), "is required.");
        InvalidConfigurationException.ThrowUnless(
            EmitInterval >= TimeSpan.FromMilliseconds(10),
            Key(nameof(EmitInterval)),
            $"must be at least 10 ms (Streamiz's smallest punctuation interval), was {EmitInterval}.");
        InvalidConfigurationException.ThrowUnless(WindowSize >= TimeSpan.FromMilliseconds(1), Key(nameof(WindowSize)), $"must be positive, was {WindowSize}.");
        InvalidConfigurationException.ThrowUnless(WindowGrace >= TimeSpan.Zero, Key(nameof(WindowGrace)), $"must not be negative, was {WindowGrace}.");
        InvalidConfigurationException.ThrowUnless(
            IdleRetention >= WindowSize + WindowGrace,
            Key(nameof(IdleRetention)),
            $"must be at least WindowSize + WindowGrace ({WindowSize + WindowGrace}) so an experiment's last window closes before it is dropped, was {IdleRetention}.");
        InvalidConfigurationException.ThrowUnless(ShadowPairingTimeout > TimeSpan.Zero, Key(nameof(ShadowPairingTimeout)), $"must be positive, was {ShadowPairingTimeout}.");
        InvalidConfigurationException.ThrowUnless(DecisionThreshold is > 0 and < 1, Key(nameof(DecisionThreshold)), $"must lie strictly between 0 and 1, was {DecisionThreshold}.");
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(Rollouts.Prefix), $"{Key(nameof(Rollouts))}:{nameof(RolloutTemplate.Prefix)}", "is required.");
        Validate(Rollouts.Definition(new RolloutExperiment("model", 1, Shadow: false)), Key(nameof(Rollouts)));
        Validate(Rollouts.Definition(new RolloutExperiment("model", 1, Shadow: true)), Key(nameof(Rollouts)));
        for (var i = 0; i < Experiments.Count; i++)
        {
            InvalidConfigurationException.ThrowUnless(
                !Experiments[i].Id.StartsWith(Rollouts.Prefix, StringComparison.Ordinal),
                $"{SectionName}:{nameof(Experiments)}:{i}:{nameof(ExperimentDefinition.Id)}",
                $"'{Experiments[i].Id}' starts with the rollout prefix '{Rollouts.Prefix}'.");
            Validate(Experiments[i], $"{SectionName}:{nameof(Experiments)}:{i}");
            var id = Experiments[i].Id;
            InvalidConfigurationException.ThrowUnless(
                Experiments.FindIndex(other => other.Id == id) == i,
                $"{SectionName}:{nameof(Experiments)}:{i}:{nameof(ExperimentDefinition.Id)}",
                $"'{id}' is defined more than once.");
        }
    }

    private static void Validate(ExperimentDefinition experiment, string key)
    {
        InvalidConfigurationException.ThrowUnless(
            !string.IsNullOrWhiteSpace(experiment.Id) && !experiment.Id.Any(char.IsControl),
            $"{key}:{nameof(experiment.Id)}",
            "is required and must not contain control characters (state keys are prefixed with it).");
        InvalidConfigurationException.ThrowUnless(Enum.IsDefined(experiment.Kind), $"{key}:{nameof(experiment.Kind)}", $"is not a kind: {experiment.Kind}.");
        InvalidConfigurationException.ThrowUnless(experiment.Alpha is > 0 and < 1, $"{key}:{nameof(experiment.Alpha)}", $"must lie strictly between 0 and 1, was {experiment.Alpha}.");
        InvalidConfigurationException.ThrowUnless(
            experiment.Sequential is null || (experiment.Sequential.TuningParameter > 0 && double.IsFinite(experiment.Sequential.TuningParameter)),
            $"{key}:{nameof(experiment.Sequential)}:{nameof(SequentialDefinition.TuningParameter)}",
            $"must be positive and finite, was {experiment.Sequential?.TuningParameter}.");
        InvalidConfigurationException.ThrowUnless(
            experiment.Kind switch
            {
                ExperimentKind.Canary => experiment.Guardrail is not null,
                ExperimentKind.Shadow => experiment.Guardrail is null or { Metric: GuardrailMetric.ErrorRate },
                _ => experiment.Guardrail is null,
            },
            $"{key}:{nameof(experiment.Guardrail)}",
            "is required for a Canary, may be an ErrorRate one for a Shadow, and is refused otherwise.");
        InvalidConfigurationException.ThrowUnless(
            (experiment.Bandit is not null) == (experiment.Kind == ExperimentKind.Bandit),
            $"{key}:{nameof(experiment.Bandit)}",
            "is required for a Bandit and only for a Bandit.");

        switch (experiment.Kind)
        {
            case ExperimentKind.Shadow:
                InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(experiment.Control), $"{key}:{nameof(experiment.Control)}", "must name the served variant.");
                NoVariants(experiment, key);
                break;
            case ExperimentKind.Interleaving:
                InvalidConfigurationException.ThrowUnless(experiment.Control is "A" or "B", $"{key}:{nameof(experiment.Control)}", $"must be the team of the control ranker, A or B, was '{experiment.Control}'.");
                NoVariants(experiment, key);
                break;
            default:
                ValidateVariants(experiment, key);
                break;
        }

        if (experiment.Guardrail is { } guardrail)
        {
            InvalidConfigurationException.ThrowUnless(Enum.IsDefined(guardrail.Metric), $"{key}:{nameof(experiment.Guardrail)}:{nameof(guardrail.Metric)}", $"is not a guardrail metric: {guardrail.Metric}.");
            InvalidConfigurationException.ThrowUnless(
                guardrail.NonInferiorityMargin >= 0 && double.IsFinite(guardrail.NonInferiorityMargin),
                $"{key}:{nameof(experiment.Guardrail)}:{nameof(guardrail.NonInferiorityMargin)}",
                $"must be finite and not negative, was {guardrail.NonInferiorityMargin}.");
        }

        if (experiment.Bandit is { } bandit)
        {
            InvalidConfigurationException.ThrowUnless(
                bandit.ReallocationInterval >= TimeSpan.FromMilliseconds(10),
                $"{key}:{nameof(experiment.Bandit)}:{nameof(bandit.ReallocationInterval)}",
                $"must be at least 10 ms (Streamiz's smallest punctuation interval), was {bandit.ReallocationInterval}.");
            InvalidConfigurationException.ThrowUnless(
                experiment.Metric.HigherIsBetter,
                $"{key}:{nameof(experiment.Metric)}:{nameof(MetricDefinition.HigherIsBetter)}",
                "must be true for a Bandit: its policies maximise the metric.");
            InvalidConfigurationException.ThrowUnless(
                bandit.MinimumWeight * experiment.Variants.Count <= 1,
                $"{key}:{nameof(experiment.Bandit)}:{nameof(bandit.MinimumWeight)}",
                $"{bandit.MinimumWeight} cannot be given to each of {experiment.Variants.Count} arms.");
            try
            {
                BanditAllocator.Policy(experiment);
            }
            catch (ArgumentException e)
            {
                throw new InvalidConfigurationException($"{key}:{nameof(experiment.Bandit)}", e.Message);
            }
        }
    }

    private static void ValidateVariants(ExperimentDefinition experiment, string key)
    {
        var variants = experiment.Variants;
        InvalidConfigurationException.ThrowUnless(
            variants.Count >= 2 && variants.All(variant => !string.IsNullOrWhiteSpace(variant)) && variants.Distinct().Count() == variants.Count,
            $"{key}:{nameof(experiment.Variants)}",
            $"must list at least two distinct, non-empty variants, was [{string.Join(", ", variants)}].");
        InvalidConfigurationException.ThrowUnless(
            variants.Contains(experiment.Control),
            $"{key}:{nameof(experiment.Control)}",
            $"'{experiment.Control}' is not one of the variants [{string.Join(", ", variants)}].");
        InvalidConfigurationException.ThrowUnless(Enum.IsDefined(experiment.Metric.Type), $"{key}:{nameof(experiment.Metric)}:{nameof(MetricDefinition.Type)}", $"is not a metric type: {experiment.Metric.Type}.");
        InvalidConfigurationException.ThrowUnless(Enum.IsDefined(experiment.Metric.Source), $"{key}:{nameof(experiment.Metric)}:{nameof(MetricDefinition.Source)}", $"is not an outcome source: {experiment.Metric.Source}.");
        if (experiment.Weights is { } weights)
        {
            InvalidConfigurationException.ThrowUnless(experiment.Kind != ExperimentKind.Bandit, $"{key}:{nameof(experiment.Weights)}", "is set by the bandit's policy, not configured.");
            InvalidConfigurationException.ThrowUnless(
                weights.Count == variants.Count && weights.All(weight => weight >= 0 && double.IsFinite(weight)) && weights.Sum() > 0,
                $"{key}:{nameof(experiment.Weights)}",
                $"must hold one finite, non-negative weight per variant ({variants.Count}), not all zero, was [{string.Join(", ", weights)}].");
        }
    }

    private static void NoVariants(ExperimentDefinition experiment, string key)
    {
        InvalidConfigurationException.ThrowUnless(
            experiment.Variants.Count == 0 && experiment.Weights is null,
            $"{key}:{nameof(experiment.Variants)}",
            $"is not used by {experiment.Kind} experiments (their variants come with the records).");
    }

    private static string Key(string property) => $"{SectionName}:{property}";
}
