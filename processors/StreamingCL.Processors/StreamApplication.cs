using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net.Stream;

namespace StreamingCL.Processors;

/// <summary>Derives a stream application's internal topics from its topology, so they are never listed by hand.</summary>
public static class StreamApplication
{
    private const string RepartitionSuffix = "-repartition";

    /// <summary>
    /// The changelog of every store and every repartition topic of <paramref name="topology"/>.
    /// Internal topics get as many partitions as the largest source topic (Kafka Streams creates one
    /// task per source partition). Every store is assumed to log to a changelog (the default).
    /// </summary>
    /// <param name="topology">The built topology. Build a separate instance to run: Streamiz binds a topology to one application.</param>
    /// <param name="applicationId">The application.id that prefixes internal topic names.</param>
    /// <param name="partitionsOf">Partition count of a source topic (from the catalog).</param>
    /// <param name="windowedStores">Retention of each windowed store; their changelogs also delete by time.</param>
    public static StreamApplicationTopics InternalTopics(
        Topology topology,
        string applicationId,
        Func<string, int> partitionsOf,
        IReadOnlyDictionary<string, TimeSpan> windowedStores)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(partitionsOf);
        ArgumentNullException.ThrowIfNull(windowedStores);
        var nodes = topology.Describe().SubTopologies.SelectMany(subTopology => subTopology.Nodes).ToList();
        var repartitions = nodes.OfType<ISinkNodeDescription>()
            .Select(sink => sink.Topic)
            .Where(topic => topic.EndsWith(RepartitionSuffix, StringComparison.Ordinal))
            .Select(topic => topic[..^RepartitionSuffix.Length])
            .Distinct()
            .ToList();
        var sources = SourceTopics(nodes);
        var storeNames = nodes.OfType<IProcessorNodeDescription>().SelectMany(processor => processor.Stores).Distinct().ToList();

        if (sources.Count == 0)
        {
            throw new ArgumentException("The topology reads no topic.", nameof(topology));
        }

        if (windowedStores.Keys.FirstOrDefault(store => !storeNames.Contains(store)) is { } unknown)
        {
            throw new ArgumentException($"Windowed store '{unknown}' is not in the topology (stores: {string.Join(", ", storeNames)}).", nameof(windowedStores));
        }

        // Streamiz 1.8.2 loses track of an internal topic whose store or operation name already
        // starts with "{application.id}-" (the task lookup fails at partition assignment).
        if (storeNames.Concat(repartitions).FirstOrDefault(name => name.StartsWith(applicationId + "-", StringComparison.Ordinal)) is { } clash)
        {
            throw new ArgumentException($"Store or repartition name '{clash}' must not start with the application id '{applicationId}-'.", nameof(topology));
        }

        var stores = storeNames.Select(store => new StateStoreTopic(store, windowedStores.TryGetValue(store, out var retention) ? retention : null)).ToList();
        return new StreamApplicationTopics(applicationId, sources.Max(partitionsOf), stores, repartitions);
    }

    /// <summary>The topics the application reads (its internal repartition topics excluded).</summary>
    public static IReadOnlyList<string> SourceTopics(Topology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return SourceTopics(topology.Describe().SubTopologies.SelectMany(subTopology => subTopology.Nodes).ToList());
    }

    private static List<string> SourceTopics(List<INodeDescription> nodes) =>
        nodes.OfType<ISourceNodeDescription>()
            .SelectMany(source => source.Topics)
            .Where(topic => !topic.EndsWith(RepartitionSuffix, StringComparison.Ordinal))
            .Distinct()
            .ToList();
}
