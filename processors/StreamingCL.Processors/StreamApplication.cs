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
    /// task per source partition).
    /// </summary>
    /// <param name="topology">The built topology.</param>
    /// <param name="applicationId">The application.id that prefixes internal topic names.</param>
    /// <param name="partitionsOf">Partition count of a source topic (from the catalog).</param>
    /// <param name="windowedStores">Stores that hold windows: their changelogs also delete by retention.</param>
    public static StreamApplicationTopics InternalTopics(
        Topology topology,
        string applicationId,
        Func<string, int> partitionsOf,
        IReadOnlySet<string> windowedStores)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(partitionsOf);
        var nodes = topology.Describe().SubTopologies.SelectMany(subTopology => subTopology.Nodes).ToList();
        var repartitions = nodes.OfType<ISinkNodeDescription>()
            .Select(sink => sink.Topic)
            .Where(topic => topic.EndsWith(RepartitionSuffix, StringComparison.Ordinal))
            .Select(topic => topic[..^RepartitionSuffix.Length])
            .Distinct()
            .ToList();
        var sources = nodes.OfType<ISourceNodeDescription>()
            .SelectMany(source => source.Topics)
            .Where(topic => !topic.EndsWith(RepartitionSuffix, StringComparison.Ordinal))
            .Distinct();
        var stores = nodes.OfType<IProcessorNodeDescription>()
            .SelectMany(processor => processor.Stores)
            .Distinct()
            .Select(store => new StateStoreTopic(store, windowedStores.Contains(store)))
            .ToList();

        // Streamiz 1.8.2 loses track of an internal topic whose store or operation name already
        // starts with "{application.id}-" (the task lookup fails at partition assignment).
        var clash = stores.Select(store => store.Name).Concat(repartitions).FirstOrDefault(name => name.StartsWith(applicationId + "-", StringComparison.Ordinal));
        if (clash is not null)
        {
            throw new ArgumentException($"Store or repartition name '{clash}' must not start with the application id '{applicationId}-'.", nameof(topology));
        }

        return new StreamApplicationTopics(applicationId, sources.Max(partitionsOf), stores, repartitions);
    }
}
