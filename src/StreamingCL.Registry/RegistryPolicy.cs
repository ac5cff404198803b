using System.Globalization;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Registry;

/// <summary>What the registry publishes after a decision: stage changes and the model's new traffic split.</summary>
/// <param name="Versions">Versions whose stage changed.</param>
/// <param name="Allocation">The model's new traffic allocation, if it changed.</param>
public sealed record RegistryDecision(IReadOnlyList<ModelVersion> Versions, TrafficAllocation? Allocation)
{
    /// <summary>Nothing to publish.</summary>
    public static RegistryDecision None { get; } = new([], null);

    /// <summary>Whether there is anything to publish.</summary>
    public bool IsEmpty => Versions.Count == 0 && Allocation is null;
}

/// <summary>A human asked for something the registry's state does not allow.</summary>
/// <param name="message">What and why.</param>
public sealed class RegistryException(string message) : Exception(message);

/// <summary>
/// The rollout policy, as pure functions of the registry's state (which the caller updates with
/// what it publishes):
/// <list type="bullet">
/// <item>A new candidate with no production version becomes production.</item>
/// <item>Otherwise it enters <see cref="RegistryOptions.EntryStage"/> if it beat the champion on the
/// shared holdout by the margin, and is rejected if not. A new canary supersedes an older one.</item>
/// <item>A canary ramps through <see cref="RegistryOptions.RampSteps"/> on PROMOTE verdicts of its
/// rollout experiment gathered at least <see cref="RegistryOptions.MinStepDuration"/> after the step
/// began; after the last step it becomes production (or waits for approval), and the former
/// production version is archived.</item>
/// <item>A shadow becomes a canary (at the first ramp step) on a PROMOTE verdict of its shadow
/// experiment gathered at least <see cref="RegistryOptions.MinStepDuration"/> after it entered.</item>
/// <item>A ROLLBACK verdict rolls the canary or shadow back and gives production all the traffic
/// again; so does a step that gets no PROMOTE verdict within <see cref="RegistryOptions.StepTimeout"/>.</item>
/// <item>People can promote, approve and roll back; each change records who and why.</item>
/// <item>Automatic triggers about a version older than one rolling out (within its step timeout)
/// or in production are answered by it, not trained on (see <see cref="AnsweredBy"/>).</item>
/// </list>
/// </summary>
public sealed class RegistryPolicy
{
    private const string ProductionArm = "production";
    private const string CanaryArm = "canary";
    private const string ShadowArm = "shadow";
    private const string AwaitingApproval = "awaiting approval";
    private readonly RegistryOptions _options;

    /// <summary>Creates the policy.</summary>
    public RegistryPolicy(RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>A version the trainer published as a candidate.</summary>
    public RegistryDecision OnPublished(ModelRegistry registry, ModelVersion candidate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Stage != ModelStage.Candidate)
        {
            return RegistryDecision.None;
        }

        var model = candidate.ModelName;
        if (registry.Newest(model, ModelStage.Production) is null)
        {
            var first = Change(candidate, ModelStage.Production, _options.Actor, "first version of the model", now);
            return new RegistryDecision([first], Allocation(registry, model, [Production(first)], "first version in production", now));
        }

        var verdict = HoldoutVerdict(candidate);
        if (verdict is not null)
        {
            return new RegistryDecision([Change(candidate, ModelStage.Rejected, _options.Actor, verdict, now)], null);
        }

        return Enter(registry, candidate, _options.EntryStage, _options.Actor, $"beat the champion on the holdout ({Holdout(candidate)})", now);
    }

    /// <summary>
    /// The version that already answers an automatic <paramref name="trigger"/> read at
    /// <paramref name="now"/>, if any:
    /// <list type="bullet">
    /// <item>a canary or shadow rolling out (it holds an arm of the allocation, changed less than
    /// <see cref="RegistryOptions.StepTimeout"/> ago) that is newer than the version the evidence
    /// is about (evidence model_version; evidence about no version, such as volume, counts as older).
    /// The old version keeps drifting until the rollout ends, and a new candidate for each of its
    /// windows would supersede the canary and restart its ramp, which would then never end;</item>
    /// <item>the production version, when the evidence is about an older version it replaced: the
    /// evidence is stale.</item>
    /// </list>
    /// A rollout stalled past the timeout (no verdicts reach the trainer, a shadow nobody promotes,
    /// a canary awaiting approval) answers nothing, so retraining never stops for good. Manual and
    /// scheduled triggers are never answered.
    /// </summary>
    public ModelVersion? AnsweredBy(ModelRegistry registry, RetrainTrigger trigger, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(trigger);
        if (trigger.Kind is TriggerKind.Manual or TriggerKind.Scheduled)
        {
            return null;
        }

        var model = trigger.ModelName;
        var about = trigger.Evidence.TryGetValue("model_version", out var version) ? version : (double?)null;
        var allocation = registry.Allocation(model);
        var rollout = allocation is not null && now - allocation.Timestamp < _options.StepTimeout
            ? (registry.Newest(model, ModelStage.Canary) ?? registry.Newest(model, ModelStage.Shadow)) is { } rolling
                && allocation.Arms.Any(arm => arm.ModelVersion == rolling.Version) ? rolling : null
            : null;
        if (rollout is not null && (about is null || rollout.Version > about))
        {
            return rollout;
        }

        return registry.Newest(model, ModelStage.Production) is { } production && production.Version > about ? production : null;
    }

    /// <summary>A statistic of a rollout experiment, whose verdict may ramp, promote or roll back the canary or shadow.</summary>
    public RegistryDecision OnExperiment(ModelRegistry registry, ExperimentMetric metric)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(metric);
        if (Rollout(registry, metric) is not { } canary)
        {
            return RegistryDecision.None;
        }

        var now = metric.WindowEnd;
        var stepStarted = registry.Allocation(canary.ModelName)?.Timestamp;
        switch (metric.Verdict)
        {
            case ExperimentVerdict.Rollback:
                return RollBack(registry, canary, _options.Actor, $"guardrail: the {canary.Stage.ToString().ToLowerInvariant()} is significantly worse (p = {Statistic(metric, "guardrail_p_value")})", now);
            case ExperimentVerdict.Promote when now >= stepStarted + _options.MinStepDuration:
                return canary.Stage == ModelStage.Shadow
                    ? Enter(registry, canary, ModelStage.Canary, _options.Actor, string.Create(CultureInfo.InvariantCulture, $"shadow non-inferior on {metric.Statistics.GetValueOrDefault("labeled_pairs")} labeled predictions"), now)
                    : RampOrPromote(registry, canary, now);
            case ExperimentVerdict.Continue or ExperimentVerdict.Srm when canary.ChangeReason != AwaitingApproval && now >= stepStarted + _options.StepTimeout:
                return RollBack(registry, canary, _options.Actor, $"inconclusive: no PROMOTE verdict within {_options.StepTimeout} of the step (last: {metric.Verdict})", now);
            default:
                return RegistryDecision.None;
        }
    }

    /// <summary>A person moves a version one stage on: candidate, rejected or shadow to canary; canary to production.</summary>
    public RegistryDecision Promote(ModelRegistry registry, string model, int version, string actor, string reason, DateTimeOffset now)
    {
        var target = Find(registry, model, version);
        return target.Stage switch
        {
            ModelStage.Candidate or ModelStage.Rejected or ModelStage.Shadow or ModelStage.RolledBack when registry.Newest(model, ModelStage.Production) is not null =>
                Enter(registry, target, ModelStage.Canary, actor, reason, now),
            ModelStage.Candidate or ModelStage.Rejected or ModelStage.Shadow or ModelStage.RolledBack or ModelStage.Canary or ModelStage.Archived =>
                Promote(registry, target, actor, reason, now),
            _ => throw new RegistryException($"{model} v{version} is already in production."),
        };
    }

    /// <summary>A person approves a canary waiting for approval (or any canary): it becomes production.</summary>
    public RegistryDecision Approve(ModelRegistry registry, string model, int version, string actor, string reason, DateTimeOffset now)
    {
        var target = Find(registry, model, version);
        return target.Stage == ModelStage.Canary
            ? Promote(registry, target, actor, reason, now)
            : throw new RegistryException($"{model} v{version} is {target.Stage}; only a canary can be approved.");
    }

    /// <summary>
    /// A person rolls a version back: a canary or shadow leaves the traffic; a production version
    /// gives way to the production version before it.
    /// </summary>
    public RegistryDecision RollBack(ModelRegistry registry, string model, int version, string actor, string reason, DateTimeOffset now)
    {
        var target = Find(registry, model, version);
        return target.Stage is ModelStage.Canary or ModelStage.Shadow or ModelStage.Production
            ? RollBack(registry, target, actor, reason, now)
            : throw new RegistryException($"{model} v{version} is {target.Stage}; only a shadow, canary or production version can be rolled back.");
    }

    private RegistryDecision Enter(ModelRegistry registry, ModelVersion version, ModelStage stage, string actor, string reason, DateTimeOffset now)
    {
        var model = version.ModelName;
        var production = registry.Newest(model, ModelStage.Production)!;
        var superseded = registry.Versions(model)
            .Where(other => other.Version != version.Version && other.Stage is ModelStage.Canary or ModelStage.Shadow)
            .Select(other => Change(other, ModelStage.Rejected, actor, $"superseded by v{version.Version}", now));
        var entered = Change(version, stage, actor, reason, now);
        ArmWeight[] arms = stage == ModelStage.Canary
            ? [Production(production, 1 - _options.RampSteps[0]), new ArmWeight(CanaryArm, _options.RampSteps[0], version.Version)]
            : [Production(production), new ArmWeight(ShadowArm, _options.ShadowShare, version.Version, Shadow: true)];
        return new RegistryDecision([.. superseded, entered], Allocation(registry, model, arms, $"v{version.Version} enters {stage.ToString().ToLowerInvariant()}", now));
    }

    // A canary's PROMOTE verdict: the next ramp step, production after the last (or the wait for approval).
    private RegistryDecision RampOrPromote(ModelRegistry registry, ModelVersion canary, DateTimeOffset now)
    {
        var share = registry.Allocation(canary.ModelName)!.Arms.FirstOrDefault(arm => arm.Arm == CanaryArm)?.Weight ?? 0;
        var next = _options.RampSteps.FirstOrDefault(step => step > share + 1e-9);
        if (next > 0)
        {
            return Ramp(registry, canary, next, $"canary non-inferior at {share:P0}: ramp to {next:P0}", now);
        }

        if (!_options.RequireApproval)
        {
            return Promote(registry, canary, _options.Actor, "canary passed every ramp step", now);
        }

        return canary.ChangeReason == AwaitingApproval
            ? RegistryDecision.None
            : new RegistryDecision([Change(canary, ModelStage.Canary, _options.Actor, AwaitingApproval, now)], null);
    }

    private RegistryDecision Ramp(ModelRegistry registry, ModelVersion canary, double share, string reason, DateTimeOffset now)
    {
        var production = registry.Newest(canary.ModelName, ModelStage.Production)!;
        return new RegistryDecision([], Allocation(registry, canary.ModelName, [Production(production, 1 - share), new ArmWeight(CanaryArm, share, canary.Version)], reason, now));
    }

    private RegistryDecision Promote(ModelRegistry registry, ModelVersion version, string actor, string reason, DateTimeOffset now)
    {
        var archived = registry.Versions(version.ModelName)
            .Where(other => other.Version != version.Version && other.Stage == ModelStage.Production)
            .Select(other => Change(other, ModelStage.Archived, actor, $"replaced by v{version.Version}", now));
        var promoted = Change(version, ModelStage.Production, actor, reason, now);
        return new RegistryDecision([.. archived, promoted], Allocation(registry, version.ModelName, [Production(promoted)], $"v{version.Version} in production", now));
    }

    private RegistryDecision RollBack(ModelRegistry registry, ModelVersion version, string actor, string reason, DateTimeOffset now)
    {
        var model = version.ModelName;
        var rolledBack = Change(version, ModelStage.RolledBack, actor, reason, now);
        if (version.Stage != ModelStage.Production)
        {
            var production = registry.Newest(model, ModelStage.Production);
            return new RegistryDecision(
                [rolledBack],
                production is null ? null : Allocation(registry, model, [Production(production)], $"v{version.Version} rolled back", now));
        }

        var previous = registry.Versions(model).LastOrDefault(other => other.Version < version.Version && other.Stage == ModelStage.Archived)
            ?? throw new RegistryException($"{model} v{version.Version} is the only production version so far: there is nothing to roll back to.");
        var restored = Change(previous, ModelStage.Production, actor, $"restored: v{version.Version} rolled back", now);
        return new RegistryDecision([rolledBack, restored], Allocation(registry, model, [Production(restored)], $"v{version.Version} rolled back, v{previous.Version} restored", now));
    }

    /// <summary>Why the candidate does not beat the champion on the holdout, or null when it does.</summary>
    private string? HoldoutVerdict(ModelVersion candidate)
    {
        var metric = _options.HoldoutMetric;
        if (!candidate.HoldoutMetrics.TryGetValue(metric, out var challenger) || !candidate.ChampionHoldoutMetrics.TryGetValue(metric, out var champion))
        {
            return $"no holdout {metric} for both the challenger and the champion";
        }

        var better = _options.HigherIsBetter ? challenger - champion : champion - challenger;
        return better >= _options.HoldoutMargin
            ? null
            : $"did not beat the champion on the holdout by {_options.HoldoutMargin} ({Holdout(candidate)})";
    }

    private string Holdout(ModelVersion candidate) => string.Create(
        CultureInfo.InvariantCulture,
        $"{_options.HoldoutMetric} {candidate.HoldoutMetrics.GetValueOrDefault(_options.HoldoutMetric):0.####} vs {candidate.ChampionHoldoutMetrics.GetValueOrDefault(_options.HoldoutMetric):0.####}");

    /// <summary>
    /// The canary or shadow a rollout experiment's metric is about, when the metric is that of its
    /// variant and the version is still in the stage the experiment tests.
    /// </summary>
    private ModelVersion? Rollout(ModelRegistry registry, ExperimentMetric metric)
    {
        if (RolloutExperiment.Parse(_options.ExperimentPrefix, metric.ExperimentId) is not { } rollout)
        {
            return null;
        }

        var (stage, arm) = rollout.Shadow ? (ModelStage.Shadow, ShadowArm) : (ModelStage.Canary, CanaryArm);
        return metric.Variant == arm && registry.Version(rollout.Model, rollout.Version) is { } version && version.Stage == stage ? version : null;
    }

    private TrafficAllocation Allocation(ModelRegistry registry, string model, IReadOnlyList<ArmWeight> arms, string reason, DateTimeOffset now)
    {
        var canary = arms.FirstOrDefault(arm => arm.Arm is CanaryArm or ShadowArm)?.ModelVersion;
        return new TrafficAllocation
        {
            Target = model,
            Kind = AllocationKind.Rollout,
            Salt = canary is { } version ? _options.ExperimentId(model, version) : model,
            Sequence = (registry.Allocation(model)?.Sequence ?? 0) + 1,
            Timestamp = now,
            Arms = arms,
            Reason = reason,
        };
    }

    private static ArmWeight Production(ModelVersion production, double weight = 1.0) => new(ProductionArm, weight, production.Version);

    private static ModelVersion Change(ModelVersion version, ModelStage stage, string actor, string reason, DateTimeOffset now) =>
        version with { Stage = stage, UpdatedAt = now, ChangedBy = actor, ChangeReason = reason };

    private static ModelVersion Find(ModelRegistry registry, string model, int version) =>
        registry.Version(model, version) ?? throw new RegistryException($"{model} has no version {version} (known: {string.Join(", ", registry.Versions(model).Select(v => v.Version))}).");

    private static string Statistic(ExperimentMetric metric, string name) =>
        metric.Statistics.TryGetValue(name, out var value) ? value.ToString("G3", CultureInfo.InvariantCulture) : "n/a";
}
