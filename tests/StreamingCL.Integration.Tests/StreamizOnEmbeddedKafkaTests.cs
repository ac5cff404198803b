using Confluent.Kafka;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

namespace StreamingCL.Integration.Tests;

public sealed class StreamizOnEmbeddedKafkaTests
{
    private const string ApplicationId = "predictions-per-model";
    private const string Store = "model-counts";
    private const string Output = "predictions-per-model-counts";

    [Fact]
    public async Task A_windowed_count_with_a_repartition_gives_exact_counts_with_internal_topics_from_the_catalog()
    {
        var catalog = new TopicCatalog();
        var application = StreamApplication.InternalTopics(
            WindowedCountTopology(),
            ApplicationId,
            topic => catalog.All.Single(spec => spec.Name == topic).Partitions,
            new Dictionary<string, TimeSpan> { [Store] = TimeSpan.FromDays(1) });
        catalog = catalog.With(application);

        Assert.Contains(catalog.Internal, spec => spec.Name == $"{ApplicationId}-{Store}-changelog" && spec.Cleanup == CleanupPolicy.CompactDelete && spec.Retention == TimeSpan.FromDays(2));
        Assert.Contains(catalog.Internal, spec => spec.Name.StartsWith(ApplicationId, StringComparison.Ordinal) && spec.Name.EndsWith("-repartition", StringComparison.Ordinal));

        using var cluster = EmbeddedKafkaCluster.Start(topics: [.. catalog.All, new TopicSpec(Output, 1, 1, CleanupPolicy.Delete, null, "test output")]);
        var windowStart = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var expected = new Dictionary<string, long>();
        using (var producer = new ProducerBuilder<string, Prediction>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers })
                   .SetValueSerializer(new AvroEventSerde<Prediction>())
                   .Build())
        {
            for (var i = 0; i < 600; i++)
            {
                var model = i % 3 == 0 ? "churn" : "ctr";
                var at = windowStart.AddSeconds(i % 120); // two one-minute windows
                var key = $"{model}@{at.ToUnixTimeMilliseconds() / 60_000 * 60_000}";
                expected[key] = expected.GetValueOrDefault(key) + 1;
                producer.Produce("predictions", new Message<string, Prediction>
                {
                    Key = $"p-{i}",
                    Value = new Prediction { PredictionId = $"p-{i}", ModelName = model, ModelVersion = 1, UnitId = $"u-{i}", Timestamp = at, Score = 0.5 },
                    Timestamp = new Timestamp(at),
                });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var config = new StreamConfig<StringSerDes, StringSerDes>
        {
            ApplicationId = ApplicationId,
            BootstrapServers = cluster.BootstrapServers,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            Guarantee = ProcessingGuarantee.EXACTLY_ONCE,
            CommitIntervalMs = 200,
        };
        using var stream = new KafkaStream(WindowedCountTopology(), config);
        await stream.StartAsync();

        var latest = ReadLatestCounts(cluster.BootstrapServers, expected);

        Assert.Equal(expected.OrderBy(pair => pair.Key), latest.OrderBy(pair => pair.Key));
    }

    private static Topology WindowedCountTopology()
    {
        var builder = new StreamBuilder();
        builder.Stream("predictions", new StringSerDes(), new StreamizAvroSerDes<Prediction>())
            .MapValues((prediction, _) => prediction.ModelName)
            .GroupBy((_, model, _) => model)
            .WindowedBy(TumblingWindowOptions.Of(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)))
            .Count(InMemoryWindows.As<string, long>(Store, TimeSpan.FromDays(1)).WithValueSerdes<Int64SerDes>())
            .ToStream()
            .Map((window, count, _) => KeyValuePair.Create($"{window.Key}@{window.Window.StartMs}", count.ToString()))
            .To<StringSerDes, StringSerDes>(Output);
        return builder.Build();
    }

    /// <summary>The last count per key, read until every key reached its expected value or time ran out.</summary>
    private static Dictionary<string, long> ReadLatestCounts(string bootstrapServers, Dictionary<string, long> expected)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "counts-reader",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(Output);
        var latest = new Dictionary<string, long>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !expected.All(pair => latest.GetValueOrDefault(pair.Key) == pair.Value))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                latest[result.Message.Key] = long.Parse(result.Message.Value);
            }
        }

        return latest;
    }
}
