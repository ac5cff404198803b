using StreamingCL.Kafka;

namespace StreamingCL.Client;

/// <summary>
/// How a <see cref="ModelRouter"/> routes requests. Section "Client:Router" (environment:
/// Client__Router__ShadowShare, ...). Topic names come from the topic catalog ("Topics" section).
/// </summary>
public sealed class ModelRouterOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Client:Router";

    /// <summary>
    /// Largest share of a model's requests that its shadow versions score (default 1: as much as
    /// the allocation asks). A shadow arm scores min(its allocation weight, this) of the units, so a
    /// busy serving app can bound the extra scoring the registry's shadows cost it.
    /// </summary>
    public double ShadowShare { get; set; } = 1.0;

    /// <summary>
    /// Binary classification: a score at or above this is predicted label 1 (default 0.5); null
    /// leaves the predicted label empty. The experiment processor's canary guardrail reads decisions
    /// at its own threshold, so keep the two equal.
    /// </summary>
    public double? DecisionThreshold { get; set; } = 0.5;

    /// <summary>
    /// Prefix of the experiment a rollout is analysed as (experiment_id {prefix}{model}:{version}
    /// for a canary, {prefix}{model}:{version}:shadow for a shadow); must equal
    /// Registry:ExperimentPrefix and the experiment processor's Rollouts:Prefix (default "rollout:").
    /// </summary>
    public string RolloutExperimentPrefix { get; set; } = "rollout:";

    /// <summary>
    /// Experiments (A/B tests and bandits) that route a model's requests instead of the model's own
    /// rollout allocation: model name -> experiment id, e.g. Client:Router:Experiments:ctr=ctr-bandit.
    /// An arm of such an experiment that names no model version is served by the model's production
    /// version (arms that are policy settings, such as thresholds, read the arm name from the result).
    /// </summary>
    public Dictionary<string, string> Experiments { get; set; } = [];

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(ShadowShare is >= 0 and <= 1, Key(nameof(ShadowShare)), $"must be in [0, 1], was {ShadowShare}.");
        InvalidConfigurationException.ThrowUnless(
            DecisionThreshold is null || double.IsFinite(DecisionThreshold.Value), Key(nameof(DecisionThreshold)), $"must be finite, was {DecisionThreshold}.");
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(RolloutExperimentPrefix), Key(nameof(RolloutExperimentPrefix)), "is required.");
        foreach (var (model, experiment) in Experiments)
        {
            InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(model), Key(nameof(Experiments)), "has an entry without a model name.");
            InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(experiment), $"{Key(nameof(Experiments))}:{model}", "names no experiment.");
        }
    }

    private static string Key(string name) => $"{SectionName}:{name}";
}
