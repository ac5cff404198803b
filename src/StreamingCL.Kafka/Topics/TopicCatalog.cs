using System.Text.RegularExpressions;

namespace StreamingCL.Kafka.Topics;

/// <summary>The topics of ARCHITECTURE.md: events, metrics, triggers, the registry and dead letters.</summary>
public enum EventTopic
{
    /// <summary>Predictions of serving apps.</summary>
    Predictions,

    /// <summary>Labels, rewards and clicks.</summary>
    Feedback,

    /// <summary>Predictions joined with their feedback.</summary>
    LabeledExamples,

    /// <summary>Windowed drift statistics and detector changes.</summary>
    DriftMetrics,

    /// <summary>Windowed model quality per version.</summary>
    PerformanceMetrics,

    /// <summary>Experiment statistics per variant.</summary>
    ExperimentMetrics,

    /// <summary>Traffic splits (compacted).</summary>
    TrafficAllocations,

    /// <summary>Requests to retrain.</summary>
    RetrainTriggers,

    /// <summary>The model registry (compacted).</summary>
    ModelUpdates,

    /// <summary>Records that could not be processed.</summary>
    DeadLetters,
}

/// <summary>
/// The one place that owns topic names, partition counts, cleanup policies and retention: the
/// event topics (each overridable under Topics:{EventTopic}) and the internal topics of each
/// stream application. `streamingcl topics create` and the embedded broker create this same set.
/// </summary>
public sealed partial class TopicCatalog
{
    /// <summary>
    /// Largest record on model-updates: a version carries its model artifact. Producers of
    /// ModelVersion events set message.max.bytes to this too.
    /// </summary>
    public const int ModelUpdatesMaxMessageBytes = 16 * 1024 * 1024;

    private static readonly TimeSpan Week = TimeSpan.FromDays(7);
    private static readonly TimeSpan Month = TimeSpan.FromDays(30);

    // Defaults. model-updates has one partition so the registry's stage changes keep one total
    // order across versions; traffic-allocations is small and read whole by every serving app.
    private static readonly Dictionary<EventTopic, TopicSpec> Defaults = new[]
    {
        Spec(EventTopic.Predictions, "predictions", 8, CleanupPolicy.Delete, Week, "Predictions of serving apps; key prediction_id"),
        Spec(EventTopic.Feedback, "feedback", 8, CleanupPolicy.Delete, Week, "Labels, rewards and clicks; key prediction_id"),
        Spec(EventTopic.LabeledExamples, "labeled-examples", 8, CleanupPolicy.Delete, Month, "Predictions joined with feedback; key prediction_id"),
        Spec(EventTopic.DriftMetrics, "drift-metrics", 4, CleanupPolicy.Delete, Month, "Drift per model and feature; key model/feature"),
        Spec(EventTopic.PerformanceMetrics, "performance-metrics", 4, CleanupPolicy.Delete, Month, "Quality per model version; key model/version"),
        Spec(EventTopic.ExperimentMetrics, "experiment-metrics", 4, CleanupPolicy.Delete, Month, "Experiment statistics; key experiment/variant"),
        Spec(EventTopic.TrafficAllocations, "traffic-allocations", 1, CleanupPolicy.Compact, null, "Traffic splits; key experiment or model"),
        Spec(EventTopic.RetrainTriggers, "retrain-triggers", 4, CleanupPolicy.Delete, Month, "Retrain requests with evidence; key model"),
        Spec(EventTopic.ModelUpdates, "model-updates", 1, CleanupPolicy.Compact, null, "Model registry; key model:version", ModelUpdatesMaxMessageBytes),
        Spec(EventTopic.DeadLetters, "dead-letters", 4, CleanupPolicy.Delete, Month, "Unprocessable records with reasons; key original key"),
    }.ToDictionary(pair => pair.Topic, pair => pair.Spec);

    private readonly Dictionary<EventTopic, TopicSpec> _events;
    private readonly IReadOnlyDictionary<string, TopicSettings>? _overrides;
    private readonly short _replicationFactor;
    private readonly StreamApplicationTopics[] _applications;

    /// <summary>Builds the catalog, failing with the offending key when an override cannot work.</summary>
    /// <param name="overrides">Topics section: settings by <see cref="EventTopic"/> name.</param>
    /// <param name="replicationFactor">Replication factor of every topic; -1 takes the broker default.</param>
    /// <param name="applications">Stream applications whose internal topics the catalog also holds.</param>
    public TopicCatalog(
        IReadOnlyDictionary<string, TopicSettings>? overrides = null,
        short replicationFactor = -1,
        IEnumerable<StreamApplicationTopics>? applications = null)
    {
        _overrides = overrides;
        _replicationFactor = replicationFactor;
        _applications = [.. applications ?? []];
        _events = Defaults.ToDictionary(pair => pair.Key, pair => pair.Value with { ReplicationFactor = replicationFactor });
        foreach (var (key, settings) in overrides ?? new Dictionary<string, TopicSettings>())
        {
            // Exact names only: Enum.TryParse would also take "1" or "Predictions,Feedback".
            var name = Enum.GetNames<EventTopic>().FirstOrDefault(known => string.Equals(known, key, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidConfigurationException($"Topics:{key}", $"is not a topic; known: {string.Join(", ", Enum.GetNames<EventTopic>())}.");
            var topic = Enum.Parse<EventTopic>(name);
            _events[topic] = Apply(_events[topic], $"Topics:{topic}", settings);
        }

        if (_events[EventTopic.Feedback].Partitions != _events[EventTopic.Predictions].Partitions)
        {
            throw new InvalidConfigurationException(
                $"Topics:{EventTopic.Feedback}:Partitions",
                $"must equal Topics:{EventTopic.Predictions}:Partitions ({_events[EventTopic.Predictions].Partitions}): the join co-partitions them by prediction_id.");
        }

        Internal = _applications.SelectMany(app => InternalTopics(app, replicationFactor)).ToArray();
        All = [.. _events.Values, .. Internal];
        var duplicate = All.GroupBy(spec => spec.Name).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidConfigurationException("Topics", $"the name '{duplicate.Key}' is used by more than one topic.");
        }
    }

    /// <summary>The internal topics of the stream applications.</summary>
    public IReadOnlyList<TopicSpec> Internal { get; }

    /// <summary>Every topic: the event topics in <see cref="EventTopic"/> order, then the internal ones.</summary>
    public IReadOnlyList<TopicSpec> All { get; }

    /// <summary>The event topic's spec.</summary>
    public TopicSpec this[EventTopic topic] => _events[topic];

    /// <summary>The catalog with this application's internal topics added.</summary>
    public TopicCatalog With(StreamApplicationTopics application) =>
        new(_overrides, _replicationFactor, [.. _applications, application]);

    private static (EventTopic Topic, TopicSpec Spec) Spec(
        EventTopic topic, string name, int partitions, CleanupPolicy cleanup, TimeSpan? retention, string description, int? maxMessageBytes = null) =>
        (topic, new TopicSpec(name, partitions, -1, cleanup, retention, description, maxMessageBytes));

    private static TopicSpec Apply(TopicSpec spec, string key, TopicSettings settings)
    {
        if (settings.Name is { } name && (!ValidTopicName().IsMatch(name) || name is "." or ".."))
        {
            throw new InvalidConfigurationException($"{key}:Name", $"'{name}' is not a valid topic name (1-249 of a-z A-Z 0-9 . _ -).");
        }

        if (settings.Partitions is < 1)
        {
            throw new InvalidConfigurationException($"{key}:Partitions", $"must be at least 1, was {settings.Partitions}.");
        }

        if (settings.RetentionMs is 0 or < -1)
        {
            throw new InvalidConfigurationException($"{key}:RetentionMs", $"must be -1 (forever) or positive, was {settings.RetentionMs}.");
        }

        return spec with
        {
            Name = settings.Name ?? spec.Name,
            Partitions = settings.Partitions ?? spec.Partitions,
            Retention = settings.RetentionMs switch
            {
                null => spec.Retention,
                -1 => null,
                { } ms => TimeSpan.FromMilliseconds(ms),
            },
        };
    }

    private static IEnumerable<TopicSpec> InternalTopics(StreamApplicationTopics app, short replicationFactor) =>
        app.Stores
            .Select(store => new TopicSpec(
                app.ChangelogTopic(store.Name),
                app.Partitions,
                replicationFactor,
                store.WindowRetention is null ? CleanupPolicy.Compact : CleanupPolicy.CompactDelete,
                store.ChangelogRetention,
                $"Changelog of store {store.Name} of {app.ApplicationId}"))
            .Concat(app.Repartitions.Select(name => new TopicSpec(
                app.RepartitionTopic(name),
                app.Partitions,
                replicationFactor,
                CleanupPolicy.Delete,
                Week,
                $"Repartition {name} of {app.ApplicationId}")));

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,249}$")]
    private static partial Regex ValidTopicName();
}
