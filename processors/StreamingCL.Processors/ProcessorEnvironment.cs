using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Processors;

/// <summary>What every topology takes from its host: topic names, event serdes, a clock and metrics.</summary>
/// <param name="Topics">The topic catalog (names of the event topics).</param>
/// <param name="Serdes">Serdes of the events for the cluster (single-object or schema registry).</param>
/// <param name="Clock">Wall clock, for the time a record was dead-lettered; tests pass a fixed one.</param>
/// <param name="Metrics">Where the applications report what they publish.</param>
public sealed record ProcessorEnvironment(TopicCatalog Topics, EventSerdes Serdes, TimeProvider Clock, ProcessorMetrics Metrics)
{
    /// <summary>How far ahead of the clock a record timestamp may be before it is dead-lettered.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Streamiz serdes of an event.</summary>
    public StreamizAvroSerDes<T> StreamSerDes<T>()
        where T : class, IAvroEvent<T> => new(Serdes.For<T>());

    /// <summary>The name of an event topic.</summary>
    public string Topic(EventTopic topic) => Topics[topic].Name;
}
