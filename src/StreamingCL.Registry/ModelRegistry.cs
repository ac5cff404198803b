using StreamingCL.Kafka.Events;

namespace StreamingCL.Registry;

/// <summary>
/// The registry's state, event-sourced: the latest ModelVersion record of every model:version (as
/// the compacted model-updates topic keeps it) and the latest traffic allocation of every model.
/// Applying the topics from the beginning rebuilds it; applying a record twice changes nothing.
/// </summary>
public sealed class ModelRegistry
{
    private readonly Dictionary<string, SortedDictionary<int, ModelVersion>> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrafficAllocation> _allocations = new(StringComparer.Ordinal);

    /// <summary>Every model with at least one version.</summary>
    public IReadOnlyCollection<string> Models => _versions.Keys;

    /// <summary>Records the latest state of a version.</summary>
    public void Apply(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!_versions.TryGetValue(version.ModelName, out var versions))
        {
            _versions[version.ModelName] = versions = [];
        }

        versions[version.Version] = version;
    }

    /// <summary>Records an allocation unless a newer one (higher sequence) is already known.</summary>
    public void Apply(TrafficAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        if (!_allocations.TryGetValue(allocation.Target, out var known) || known.Sequence < allocation.Sequence)
        {
            _allocations[allocation.Target] = allocation;
        }
    }

    /// <summary>The versions of a model, oldest first.</summary>
    public IReadOnlyList<ModelVersion> Versions(string model) =>
        _versions.TryGetValue(model, out var versions) ? [.. versions.Values] : [];

    /// <summary>A version, or null.</summary>
    public ModelVersion? Version(string model, int version) =>
        _versions.TryGetValue(model, out var versions) && versions.TryGetValue(version, out var found) ? found : null;

    /// <summary>The newest version of a model in a stage, or null.</summary>
    public ModelVersion? Newest(string model, ModelStage stage) =>
        Versions(model).LastOrDefault(version => version.Stage == stage);

    /// <summary>The version already trained for a trigger, or null: a replayed trigger must not train again.</summary>
    public ModelVersion? ForTrigger(string model, string triggerId) =>
        Versions(model).FirstOrDefault(version => version.TriggerId == triggerId);

    /// <summary>The number the next version of a model gets.</summary>
    public int NextVersion(string model) => _versions.TryGetValue(model, out var versions) && versions.Count > 0 ? versions.Keys.Max() + 1 : 1;

    /// <summary>The latest traffic allocation of a model, or null.</summary>
    public TrafficAllocation? Allocation(string model) => _allocations.GetValueOrDefault(model);
}
