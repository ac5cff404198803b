using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net.Stream;

namespace StreamingCL.Processors;

/// <summary>
/// One stream application as a host runs it: its name on the command line, its application.id, the
/// pure function that builds its topology, and its windowed stores (whose changelogs also expire).
/// </summary>
/// <param name="Name">Short name, e.g. join.</param>
/// <param name="ApplicationId">application.id: consumer group and prefix of internal topics.</param>
/// <param name="Build">Builds a fresh topology (Streamiz binds a topology instance to one application).</param>
/// <param name="WindowedStores">Retention of each windowed store.</param>
public sealed record StreamApplicationDefinition(
    string Name,
    string ApplicationId,
    Func<ProcessorEnvironment, Topology> Build,
    IReadOnlyDictionary<string, TimeSpan> WindowedStores)
{
    /// <summary>The internal topics of the application, derived from its topology.</summary>
    public StreamApplicationTopics InternalTopics(ProcessorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return StreamApplication.InternalTopics(
            Build(environment),
            ApplicationId,
            topic => environment.Topics.All.FirstOrDefault(spec => spec.Name == topic)?.Partitions
                ?? throw new InvalidOperationException($"{Name} reads {topic}, which is not in the topic catalog."),
            WindowedStores);
    }
}
