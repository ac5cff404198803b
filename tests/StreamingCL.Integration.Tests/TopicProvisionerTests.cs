using Confluent.Kafka;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Integration.Tests;

public sealed class TopicProvisionerTests
{
    [Fact]
    public async Task Existing_topics_are_reported_and_left_alone()
    {
        var catalog = new TopicCatalog();
        using var cluster = EmbeddedKafkaCluster.Start(topics: catalog.All.Where(spec => spec.Name != "predictions"));
        cluster.CreateTopic("predictions", partitions: 2);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();

        var results = await TopicProvisioner.EnsureAsync(admin, catalog.All, TimeSpan.FromSeconds(10));

        Assert.Equal(catalog.All, results.Select(result => result.Spec));
        Assert.Equal(ProvisioningOutcome.ExistsWithOtherPartitions, results[0].Outcome);
        Assert.Equal("2 partitions", results[0].Detail);
        Assert.All(results.Skip(1), result => Assert.Equal(ProvisioningOutcome.Exists, result.Outcome));
        Assert.Equal(2, admin.GetMetadata("predictions", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);
    }

    [Fact]
    public async Task A_topic_that_cannot_be_created_is_reported_as_failed_with_the_error()
    {
        // The embedded broker has no CreateTopics API: the request times out, as on a cluster
        // where the client lacks the permission, and the result says so instead of throwing.
        var catalog = new TopicCatalog();
        using var cluster = EmbeddedKafkaCluster.Start(topics: catalog.All.Skip(1));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();

        var results = await TopicProvisioner.EnsureAsync(admin, catalog.All, TimeSpan.FromSeconds(2));

        Assert.Equal(ProvisioningOutcome.Failed, results[0].Outcome);
        Assert.NotEmpty(results[0].Detail);
        Assert.All(results.Skip(1), result => Assert.Equal(ProvisioningOutcome.Exists, result.Outcome));
    }
}
