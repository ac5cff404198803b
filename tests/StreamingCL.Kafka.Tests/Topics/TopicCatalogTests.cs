using StreamingCL.Kafka.Topics;

namespace StreamingCL.Kafka.Tests.Topics;

public sealed class TopicCatalogTests
{
    [Fact]
    public void The_default_catalog_holds_the_architecture_topics_with_their_cleanup_policies()
    {
        var catalog = new TopicCatalog();

        Assert.Equal(
            ["predictions", "feedback", "labeled-examples", "drift-metrics", "performance-metrics", "experiment-metrics", "traffic-allocations", "retrain-triggers", "model-updates", "dead-letters"],
            catalog.All.Select(spec => spec.Name));
        Assert.Equal(
            ["traffic-allocations", "model-updates"],
            catalog.All.Where(spec => spec.Cleanup == CleanupPolicy.Compact).Select(spec => spec.Name));
        Assert.Equal(1, catalog[EventTopic.ModelUpdates].Partitions);
        Assert.Equal("-1", catalog[EventTopic.ModelUpdates].Configs["retention.ms"]);
        Assert.Equal("16777216", catalog[EventTopic.ModelUpdates].Configs["max.message.bytes"]);
        Assert.Equal("604800000", catalog[EventTopic.Predictions].Configs["retention.ms"]);
    }

    [Fact]
    public void Overrides_change_only_what_they_set()
    {
        var catalog = new TopicCatalog(
            new Dictionary<string, TopicSettings>
            {
                ["Predictions"] = new() { Name = "prod.predictions", Partitions = 32 },
                ["Feedback"] = new() { Partitions = 32 },
                ["deadletters"] = new() { RetentionMs = -1 },
            },
            replicationFactor: 3);

        Assert.Equal(new TopicSpec("prod.predictions", 32, 3, CleanupPolicy.Delete, TimeSpan.FromDays(7), catalog[EventTopic.Predictions].Description), catalog[EventTopic.Predictions]);
        Assert.Null(catalog[EventTopic.DeadLetters].Retention);
        Assert.Equal(4, catalog[EventTopic.DeadLetters].Partitions);
        Assert.All(catalog.All, spec => Assert.Equal(3, spec.ReplicationFactor));
    }

    [Theory]
    [InlineData("Predicitons", null, null, null, "Topics:Predicitons")]
    [InlineData("Feedback", null, 0, null, "Topics:Feedback:Partitions")]
    [InlineData("Feedback", "bad name!", null, null, "Topics:Feedback:Name")]
    [InlineData("Feedback", null, null, 0L, "Topics:Feedback:RetentionMs")]
    [InlineData("Feedback", "predictions", null, null, "Topics")]
    [InlineData("Predictions,Feedback", null, null, null, "Topics:Predictions,Feedback")]
    [InlineData("1", null, null, null, "Topics:1")]
    [InlineData("Feedback", "..", null, null, "Topics:Feedback:Name")]
    [InlineData("Feedback", null, 16, null, "Topics:Feedback:Partitions")]
    public void A_bad_override_fails_naming_its_key(string topic, string? name, int? partitions, long? retentionMs, string key)
    {
        var overrides = new Dictionary<string, TopicSettings> { [topic] = new() { Name = name, Partitions = partitions, RetentionMs = retentionMs } };

        var error = Assert.Throws<InvalidConfigurationException>(() => new TopicCatalog(overrides));

        Assert.Equal(key, error.Key);
        Assert.StartsWith(key + ":", error.Message);
    }

    [Fact]
    public void Stream_applications_add_changelog_and_repartition_topics_named_as_kafka_streams_names_them()
    {
        var catalog = new TopicCatalog().With(new StreamApplicationTopics(
            "streamingcl-drift",
            8,
            [new StateStoreTopic("feature-windows", WindowRetention: TimeSpan.FromHours(6)), new StateStoreTopic("reference-profiles")],
            ["by-model"]));

        Assert.Equal(
            [
                ("streamingcl-drift-feature-windows-changelog", CleanupPolicy.CompactDelete),
                ("streamingcl-drift-reference-profiles-changelog", CleanupPolicy.Compact),
                ("streamingcl-drift-by-model-repartition", CleanupPolicy.Delete),
            ],
            catalog.Internal.Select(spec => (spec.Name, spec.Cleanup)));
        Assert.All(catalog.Internal, spec => Assert.Equal(8, spec.Partitions));
        Assert.Equal(TimeSpan.FromHours(30), catalog.Internal[0].Retention);
        Assert.Null(catalog.Internal[1].Retention);
        Assert.Equal(13, catalog.All.Count);
    }
}
