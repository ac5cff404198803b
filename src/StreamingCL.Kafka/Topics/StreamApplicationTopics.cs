namespace StreamingCL.Kafka.Topics;

/// <summary>
/// The internal topics a Kafka Streams (Streamiz) application needs: one changelog per state
/// store and one topic per repartition. Named as Kafka Streams names them, so that pre-creating
/// them (the embedded broker has no admin API) gives the application exactly what it expects.
/// </summary>
/// <param name="ApplicationId">The application.id.</param>
/// <param name="Partitions">Tasks of the application: the partition count of its source topics.</param>
/// <param name="Stores">State stores, each with a changelog.</param>
/// <param name="Repartitions">Repartition operation names.</param>
public sealed record StreamApplicationTopics(
    string ApplicationId,
    int Partitions,
    IReadOnlyList<StateStoreTopic> Stores,
    IReadOnlyList<string> Repartitions)
{
    /// <summary>The changelog topic of a store.</summary>
    public string ChangelogTopic(string store) => $"{ApplicationId}-{store}-changelog";

    /// <summary>The repartition topic of an operation.</summary>
    public string RepartitionTopic(string name) => $"{ApplicationId}-{name}-repartition";
}

/// <summary>A state store whose changelog must exist.</summary>
/// <param name="Name">Store name.</param>
/// <param name="Windowed">Windowed stores expire old windows, so their changelog also deletes by retention.</param>
public sealed record StateStoreTopic(string Name, bool Windowed);
