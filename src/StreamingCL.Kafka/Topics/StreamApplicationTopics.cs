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
/// <param name="WindowRetention">
/// Retention of a windowed store (null for a key-value store). A windowed store's changelog also
/// deletes by time, keeping one day more than the store, as Kafka Streams does.
/// </param>
public sealed record StateStoreTopic(string Name, TimeSpan? WindowRetention = null)
{
    /// <summary>How long the changelog keeps records; null keeps them forever (compaction only).</summary>
    public TimeSpan? ChangelogRetention => WindowRetention + TimeSpan.FromDays(1);
}
