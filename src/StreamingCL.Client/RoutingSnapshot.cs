using System.Collections.Frozen;
using StreamingCL.Kafka.Events;
using StreamingCL.Trainer;

namespace StreamingCL.Client;

/// <summary>A model version loaded for scoring. <see cref="ModelScorer"/> is immutable and thread-safe.</summary>
internal sealed record LoadedModel(string ModelName, int Version, string ArtifactSha256, ModelScorer Scorer);

/// <summary>An arm that serves: units whose point is below <paramref name="UpperBound"/> (and above the previous arm's) land in it.</summary>
internal sealed record ServingArm(string Name, LoadedModel Model, double UpperBound);

/// <summary>An arm that scores without serving: units whose point under its own salt is below <paramref name="Share"/>.</summary>
internal sealed record ShadowArm(string Name, LoadedModel Model, double Share, ulong SaltPrefix);

/// <summary>
/// How one model's requests are routed: immutable, so requests read it without locks while the
/// router's feed builds the next one.
/// </summary>
internal sealed class ModelRoute(string modelName, string salt, string? experimentId, long? allocationSequence, IReadOnlyList<ServingArm> arms, IReadOnlyList<ShadowArm> shadows)
{
    private readonly ulong _saltPrefix = UnitHash.Prefix(salt);

    public string ModelName => modelName;

    public string Salt => salt;

    public string? ExperimentId => experimentId;

    /// <summary>Sequence of the allocation the route follows; null when the model has none (its production version serves all).</summary>
    public long? AllocationSequence => allocationSequence;

    public IReadOnlyList<ServingArm> Arms { get; } = arms.Count > 0 ? arms : throw new ArgumentException("A route needs at least one serving arm.", nameof(arms));

    public IReadOnlyList<ShadowArm> Shadows => shadows;

    /// <summary>The arm that serves the unit.</summary>
    public ServingArm Choose(string unitId)
    {
        var point = UnitHash.Point(_saltPrefix, unitId);
        foreach (var arm in Arms)
        {
            if (point < arm.UpperBound)
            {
                return arm;
            }
        }

        // Rounding of the cumulative bounds can leave the last one a hair under 1.
        return Arms[^1];
    }

    /// <summary>Whether a shadow arm scores the unit.</summary>
    public static bool Scores(ShadowArm shadow, string unitId) => UnitHash.Point(shadow.SaltPrefix, unitId) < shadow.Share;

    /// <summary>The route of a model with an allocation's serving arms (weights > 0, in order) and shadow arms.</summary>
    public static ModelRoute Build(
        string modelName, string salt, string? experimentId, long? allocationSequence, IReadOnlyList<(ArmWeight Arm, LoadedModel Model)> serving, IReadOnlyList<(ArmWeight Arm, LoadedModel Model, double Share)> shadows)
    {
        var total = serving.Sum(arm => arm.Arm.Weight);
        var cumulative = 0.0;
        var arms = new List<ServingArm>(serving.Count);
        foreach (var (arm, model) in serving)
        {
            cumulative += arm.Weight;
            arms.Add(new ServingArm(arm.Arm, model, cumulative / total));
        }

        // Each shadow arm draws its units under its own salt, independent of the serving split.
        var shadowArms = shadows.Select(shadow => new ShadowArm(shadow.Arm.Arm, shadow.Model, shadow.Share, UnitHash.Prefix($"{salt}/shadow/{shadow.Arm.Arm}"))).ToArray();
        return new ModelRoute(modelName, salt, experimentId, allocationSequence, arms, shadowArms);
    }
}

/// <summary>Every model's route at one moment; replaced whole, by one reference exchange, when anything changes.</summary>
/// <param name="Routes">Routes by model name.</param>
/// <param name="CaughtUp">Whether the feed had read both topics to their end when it built this snapshot.</param>
internal sealed record RoutingSnapshot(FrozenDictionary<string, ModelRoute> Routes, bool CaughtUp)
{
    public static RoutingSnapshot Empty { get; } = new(FrozenDictionary<string, ModelRoute>.Empty, false);
}
