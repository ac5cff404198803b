using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

namespace StreamingCL.Processors.Tests;

public sealed class StreamApplicationTests
{
    private static readonly Dictionary<string, int> Partitions = new() { ["clicks"] = 6, ["views"] = 3 };

    [Fact]
    public void Changelogs_and_repartitions_are_derived_from_the_topology()
    {
        var topics = StreamApplication.InternalTopics(
            CountByPage("clicks-per-page"),
            "analytics",
            topic => Partitions[topic],
            new Dictionary<string, TimeSpan> { ["clicks-per-page"] = TimeSpan.FromHours(2) });

        Assert.Equal("analytics", topics.ApplicationId);
        Assert.Equal(6, topics.Partitions);
        Assert.Equal([new StateStoreTopic("clicks-per-page", TimeSpan.FromHours(2)), new StateStoreTopic("latest-view")], topics.Stores);
        Assert.Equal(["clicks-per-page"], topics.Repartitions);
        Assert.Equal("analytics-clicks-per-page-repartition", topics.RepartitionTopic(topics.Repartitions[0]));
    }

    [Fact]
    public void A_windowed_store_missing_from_the_topology_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => StreamApplication.InternalTopics(
            CountByPage("clicks-per-page"), "analytics", topic => Partitions[topic], new Dictionary<string, TimeSpan> { ["clicks-per-pag"] = TimeSpan.FromHours(1) }));

        Assert.Contains("'clicks-per-pag' is not in the topology", error.Message);
    }

    [Fact]
    public void A_store_named_after_the_application_id_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => StreamApplication.InternalTopics(
            CountByPage("analytics-clicks"), "analytics", topic => Partitions[topic], new Dictionary<string, TimeSpan>()));

        Assert.Contains("'analytics-clicks' must not start with the application id", error.Message);
    }

    private static Topology CountByPage(string store)
    {
        var builder = new StreamBuilder();
        builder.Stream("clicks", new StringSerDes(), new StringSerDes())
            .GroupBy<string, StringSerDes>((_, page, _) => page)
            .WindowedBy(TumblingWindowOptions.Of(TimeSpan.FromMinutes(1), TimeSpan.Zero))
            .Count(InMemoryWindows.As<string, long>(store, TimeSpan.FromHours(2)).WithValueSerdes<Int64SerDes>());
        builder.Table("views", new StringSerDes(), new StringSerDes(), InMemory.As<string, string>("latest-view"));
        return builder.Build();
    }
}
