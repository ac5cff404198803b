using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using StreamingCL.Kafka.Events;
using StreamingCL.Trainer;

namespace StreamingCL.Client;

/// <summary>
/// What the router knows from model-updates and traffic-allocations, and the routing it builds
/// from that. Owned by the router's feed thread (not thread-safe); requests only ever see the
/// immutable <see cref="RoutingSnapshot"/> it builds.
/// <list type="bullet">
/// <item>Versions: the latest record of each model:version whose artifact matches its SHA-256. A
/// record that does not match is refused and reported, and the version's previous record (if any)
/// is kept. Artifacts are loaded (ML.NET) only when a route needs them, then cached by version.</item>
/// <item>Allocations: the latest per target by sequence; an allocation whose sequence is not higher
/// than the applied one is ignored (and counted), as is one whose weights cannot be used.</item>
/// <item>A model's allocation is the experiment bound to it in the options, if one was published,
/// else its own (the registry's rollout), else its newest Production version serves everything.</item>
/// <item>Last good model: an arm whose version cannot be loaded keeps the model its arm of the same
/// name served in the previous routing; without one it is left out and the others share its
/// traffic. A model none of whose arms can be served keeps its previous route.</item>
/// </list>
/// </summary>
internal sealed class RouterState(ModelRouterOptions options, ClientMetrics metrics, ILogger logger, Action<ModelRejectedEventArgs> rejected)
{
    /// <summary>The registry's arm of the production version (and the rollout experiment's control).</summary>
    internal const string ProductionArm = "production";

    private readonly Dictionary<string, ModelVersion> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrafficAllocation> _allocations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoadedModel> _loaded = new(StringComparer.Ordinal);

    // "{model:version}@{sha}" of records that failed to load: not tried (nor reported) again.
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);

    /// <summary>Applies a model-updates record (null: a tombstone of <paramref name="key"/>); returns whether anything changed.</summary>
    public bool Apply(string? key, ModelVersion? version)
    {
        if (version is null)
        {
            return key is not null && _versions.Remove(key);
        }

        var actual = ModelScorer.Sha256Hex(version.Artifact.Span);
        if (!string.Equals(actual, version.ArtifactSha256, StringComparison.OrdinalIgnoreCase))
        {
            var kept = _versions.TryGetValue(version.Key, out var previous) ? $"; its last good record ({previous.Stage}) is kept" : "";
            Reject(version, $"the artifact's SHA-256 is {actual}, the version declares {version.ArtifactSha256}: refusing it{kept}");
            return false;
        }

        _versions[version.Key] = version;
        if (_loaded.TryGetValue(version.Key, out var loaded) && !string.Equals(loaded.ArtifactSha256, version.ArtifactSha256, StringComparison.OrdinalIgnoreCase))
        {
            // A version republished with another artifact: the next routing loads the new one.
            _loaded.Remove(version.Key);
        }

        return true;
    }

    /// <summary>Applies a traffic-allocations record (null: a tombstone of <paramref name="key"/>); returns whether anything changed.</summary>
    public bool Apply(string? key, TrafficAllocation? allocation)
    {
        if (allocation is null)
        {
            return key is not null && _allocations.Remove(key);
        }

        if (_allocations.TryGetValue(allocation.Target, out var applied) && applied.Sequence >= allocation.Sequence)
        {
            metrics.AllocationIgnored(allocation.Target, "stale");
            logger.LogInformation(
                "Traffic allocation {Sequence} of {Target} ignored: allocation {Applied} is applied already.", allocation.Sequence, allocation.Target, applied.Sequence);
            return false;
        }

        if (Problem(allocation) is { } problem)
        {
            metrics.AllocationIgnored(allocation.Target, "invalid");
            logger.LogWarning("Traffic allocation {Sequence} of {Target} ignored: {Problem}", allocation.Sequence, allocation.Target, problem);
            return false;
        }

        _allocations[allocation.Target] = allocation;
        return true;
    }

    /// <summary>The routing of every model, from what was applied and the <paramref name="previous"/> routing (for last good models).</summary>
    public RoutingSnapshot Build(RoutingSnapshot previous, bool caughtUp)
    {
        var models = _versions.Values.Select(version => version.ModelName)
            .Concat(_allocations.Values.Where(allocation => allocation.Kind == AllocationKind.Rollout).Select(allocation => allocation.Target))
            .Concat(options.Experiments.Keys)
            .Concat(previous.Routes.Keys)
            .ToHashSet(StringComparer.Ordinal);
        var routes = new Dictionary<string, ModelRoute>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (Route(model, previous.Routes.GetValueOrDefault(model)) is { } route)
            {
                routes[model] = route;
            }
        }

        // Scorers no route uses any more are let go; a later route reloads them from their record.
        var used = routes.Values.SelectMany(route => route.Arms.Select(arm => arm.Model).Concat(route.Shadows.Select(shadow => shadow.Model))).ToHashSet();
        foreach (var (key, loaded) in _loaded.Where(pair => !used.Contains(pair.Value)).ToList())
        {
            _loaded.Remove(key);
        }

        return new RoutingSnapshot(routes.ToFrozenDictionary(StringComparer.Ordinal), caughtUp);
    }

    /// <summary>The allocation that routes a model: its bound experiment's, else its own; null when none was published.</summary>
    internal TrafficAllocation? Allocation(string model) =>
        (options.Experiments.TryGetValue(model, out var experiment) ? _allocations.GetValueOrDefault(experiment) : null)
        ?? _allocations.GetValueOrDefault(model);

    private ModelRoute? Route(string model, ModelRoute? previous)
    {
        var allocation = Allocation(model);
        var production = ProductionVersion(model);
        IReadOnlyList<ArmWeight> arms = allocation?.Arms ?? (production is { } version ? [new ArmWeight(ProductionArm, 1, version)] : []);
        var serving = new List<(ArmWeight Arm, LoadedModel Model)>();
        var shadows = new List<(ArmWeight Arm, LoadedModel Model, double Share)>();
        foreach (var arm in arms.Where(arm => arm.Weight > 0))
        {
            if (arm.Shadow)
            {
                var share = Math.Min(arm.Weight, options.ShadowShare);
                if (share > 0 && arm.ModelVersion is { } shadowVersion && Load(model, shadowVersion) is { } shadow)
                {
                    shadows.Add((arm, shadow, share));
                }

                continue;
            }

            var loaded = ((arm.ModelVersion ?? production) is { } armVersion ? Load(model, armVersion) : null)
                ?? previous?.Arms.FirstOrDefault(known => known.Name == arm.Arm)?.Model;
            if (loaded is not null)
            {
                serving.Add((arm, loaded));
            }
        }

        if (serving.Count == 0)
        {
            return previous;
        }

        return ModelRoute.Build(model, allocation?.Salt ?? model, ExperimentId(model, allocation, production, serving, shadows), allocation?.Sequence, serving, shadows);
    }

    /// <summary>
    /// The experiment a model's requests belong to: the target of an experiment or bandit
    /// allocation; for the registry's rollout (see <see cref="RolloutExperiment"/>), the canary's
    /// while a version other than production serves, else the shadow's while one scores; none
    /// while production serves alone.
    /// </summary>
    private string? ExperimentId(
        string model,
        TrafficAllocation? allocation,
        int? production,
        List<(ArmWeight Arm, LoadedModel Model)> serving,
        List<(ArmWeight Arm, LoadedModel Model, double Share)> shadows)
    {
        if (allocation is null)
        {
            return null;
        }

        if (allocation.Kind != AllocationKind.Rollout)
        {
            return allocation.Target;
        }

        var rollout = serving.Where(arm => arm.Model.Version != production).Select(arm => (RolloutExperiment?)new RolloutExperiment(model, arm.Model.Version, Shadow: false)).FirstOrDefault()
            ?? shadows.Select(arm => (RolloutExperiment?)new RolloutExperiment(model, arm.Model.Version, Shadow: true)).FirstOrDefault();
        return rollout?.Id(options.RolloutExperimentPrefix);
    }

    /// <summary>The model's production version: the registry's rollout allocation says; else the newest version in stage Production.</summary>
    private int? ProductionVersion(string model) =>
        _allocations.GetValueOrDefault(model)?.Arms.FirstOrDefault(arm => arm.Arm == ProductionArm && !arm.Shadow)?.ModelVersion
        ?? _versions.Values.Where(version => version.ModelName == model && version.Stage == ModelStage.Production).MaxBy(version => version.Version)?.Version;

    /// <summary>The version's scorer, loading it if needed; null when its record is unknown or cannot be loaded (reported once).</summary>
    private LoadedModel? Load(string model, int version)
    {
        var key = $"{model}:{version}";
        if (_loaded.TryGetValue(key, out var loaded))
        {
            return loaded;
        }

        if (!_versions.TryGetValue(key, out var record) || _refused.Contains($"{key}@{record.ArtifactSha256}"))
        {
            return null;
        }

        try
        {
            loaded = new LoadedModel(model, version, record.ArtifactSha256, ModelScorer.Load(record));
        }
        catch (InvalidDataException e)
        {
            _refused.Add($"{key}@{record.ArtifactSha256}");
            Reject(record, $"v{version} cannot be loaded: {e.Message}");
            return null;
        }

        _loaded[key] = loaded;
        metrics.ModelLoaded(model);
        logger.LogInformation("Loaded {Model} v{Version} (artifact SHA-256 {Sha256}).", model, version, record.ArtifactSha256);
        return loaded;
    }

    private void Reject(ModelVersion version, string reason)
    {
        metrics.ModelRejected(version.ModelName);
        logger.LogError("Refused {Model} v{Version}: {Reason}", version.ModelName, version.Version, reason);
        rejected(new ModelRejectedEventArgs(version.ModelName, version.Version, version.ArtifactSha256, reason));
    }

    private static string? Problem(TrafficAllocation allocation)
    {
        foreach (var arm in allocation.Arms)
        {
            if (!double.IsFinite(arm.Weight) || arm.Weight < 0)
            {
                return $"arm '{arm.Arm}' has weight {arm.Weight}, not a finite share >= 0.";
            }
        }

        return allocation.Arms.Any(arm => !arm.Shadow && arm.Weight > 0) ? null : "no arm serves any traffic (every serving weight is 0).";
    }
}
