using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Registry;

/// <summary>How the registry moves versions through their stages. Section "Registry".</summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Registry";

    /// <summary>Stage of a challenger that beat the champion: Canary (default) or Shadow.</summary>
    public ModelStage EntryStage { get; set; } = ModelStage.Canary;

    /// <summary>Holdout metric that decides whether a challenger beats the champion.</summary>
    public string HoldoutMetric { get; set; } = "auc";

    /// <summary>Whether a larger <see cref="HoldoutMetric"/> is better (false for log_loss).</summary>
    public bool HigherIsBetter { get; set; } = true;

    /// <summary>How much better than the champion the challenger must be on the holdout (0: at least as good).</summary>
    public double HoldoutMargin { get; set; }

    /// <summary>Canary traffic shares, in order; after the last one a promotion makes the canary production.</summary>
    public List<double> RampSteps { get; set; } = [0.05, 0.25, 0.5];

    /// <summary>Least time a step lasts: a PROMOTE verdict counts only for evidence gathered this long after the step began.</summary>
    public TimeSpan MinStepDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Most time a step may go without a PROMOTE verdict: an inconclusive canary (CONTINUE or SRM
    /// after this long) is rolled back. Past it, a rollout no longer answers retrain triggers, so a
    /// stalled one (no verdicts, a shadow, a canary awaiting approval) never blocks retraining.
    /// </summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A canary that passed every step waits for `streamingcl models approve` before production.</summary>
    public bool RequireApproval { get; set; }

    /// <summary>Share of requests a shadow version scores (without serving them).</summary>
    public double ShadowShare { get; set; } = 1.0;

    /// <summary>
    /// Prefix of the experiment a rollout is analysed as (see <see cref="RolloutExperiment"/>): a
    /// canary's, variants "production" (control) and "canary"; a shadow's, the "shadow" variant
    /// paired with production on the same predictions.
    /// </summary>
    public string ExperimentPrefix { get; set; } = "rollout:";

    /// <summary>Who the policy's own stage changes are recorded as.</summary>
    public string Actor { get; set; } = "registry-policy";

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(EntryStage is ModelStage.Canary or ModelStage.Shadow, Key(nameof(EntryStage)), $"must be Canary or Shadow, was {EntryStage}.");
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(HoldoutMetric), Key(nameof(HoldoutMetric)), "is required.");
        InvalidConfigurationException.ThrowUnless(HoldoutMargin >= 0 && double.IsFinite(HoldoutMargin), Key(nameof(HoldoutMargin)), $"must be a finite number >= 0, was {HoldoutMargin}.");
        InvalidConfigurationException.ThrowUnless(
            RampSteps.Count > 0 && RampSteps.All(step => step is > 0 and < 1) && RampSteps.Zip(RampSteps.Skip(1)).All(pair => pair.First < pair.Second),
            Key(nameof(RampSteps)),
            "must be increasing traffic shares strictly between 0 and 1.");
        InvalidConfigurationException.ThrowUnless(MinStepDuration >= TimeSpan.Zero, Key(nameof(MinStepDuration)), $"must not be negative, was {MinStepDuration}.");
        InvalidConfigurationException.ThrowUnless(StepTimeout > MinStepDuration, Key(nameof(StepTimeout)), $"must be longer than {nameof(MinStepDuration)} ({MinStepDuration}), was {StepTimeout}.");
        InvalidConfigurationException.ThrowUnless(ShadowShare is > 0 and <= 1, Key(nameof(ShadowShare)), $"must be in (0, 1], was {ShadowShare}.");
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(ExperimentPrefix), Key(nameof(ExperimentPrefix)), "is required.");
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(Actor), Key(nameof(Actor)), "is required.");
    }

    /// <summary>The experiment a rollout of <paramref name="version"/>, as a canary or a shadow, is analysed as.</summary>
    public string ExperimentId(string model, int version, bool shadow = false) => new RolloutExperiment(model, version, shadow).Id(ExperimentPrefix);

    private static string Key(string name) => $"{SectionName}:{name}";
}
