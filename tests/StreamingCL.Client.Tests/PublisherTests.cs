using System.Net;
using System.Net.Sockets;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Client.Tests;

/// <summary>PredictionLogger and FeedbackReporter against the embedded broker, including its outages.</summary>
[Collection(KafkaCollectionDefinition.Name)]
public sealed class PublisherTests(KafkaFixture kafka)
{
    private static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Predictions_with_their_shadows_and_feedback_round_trip_through_the_broker_keyed_by_prediction_id()
    {
        var topics = kafka.NewTopics("round-trip");
        var ranking = TeamDraftInterleaver.Interleave(["a", "b", "c"], ["c", "d"], 4, seed: 7).ToRankedItems();
        await using (var logger = new PredictionLogger(kafka.Options(), context: new ClientContext { Topics = topics }))
        await using (var reporter = new FeedbackReporter(kafka.Options(), context: new ClientContext { Topics = topics }))
        {
            await logger.LogAsync(Routed("p-1", shadows: [new ShadowScore("shadow", 2, 0.25, 0)]), ranking);
            await logger.LogAsync(Routed("p-2"));
            await reporter.ReportAsync(new Feedback { PredictionId = "p-1", Timestamp = At.AddMinutes(1), Label = 1, ClickedItems = ["c"] });
            await logger.FlushAsync();
            await reporter.FlushAsync();
            Assert.Equal((PublisherStatus.Healthy, 0, 3L, 0L), (logger.Health.Status, logger.Health.Pending, logger.Health.Delivered, logger.Health.Failed));
            Assert.Equal(1L, reporter.Health.Delivered);
        }

        var predictions = Given.Read<Prediction>(kafka.Options(), topics[EventTopic.Predictions].Name, topics[EventTopic.Predictions].Partitions, count: 3);
        var feedback = Given.Read<Feedback>(kafka.Options(), topics[EventTopic.Feedback].Name, topics[EventTopic.Feedback].Partitions, count: 1);

        Assert.All(predictions, record => Assert.Equal(record.Key, record.Value.PredictionId));
        var served = predictions.Single(record => record.Key == "p-1" && !record.Value.Shadow).Value;
        var shadow = predictions.Single(record => record.Key == "p-1" && record.Value.Shadow).Value;
        Assert.Equal((1, "canary", "rollout:m:2", 0.75, 1.0), (served.ModelVersion, served.Variant, served.ExperimentId, served.Score, served.PredictedLabel));
        Assert.Equal(ranking, served.Ranking);
        Assert.Equal(At, served.Timestamp);
        Assert.Equal(0.5, served.NumericFeatures["x0"]);
        Assert.Equal("a", served.CategoricalFeatures["segment"]);
        Assert.Equal((2, "shadow", 0.25, 0.0), (shadow.ModelVersion, shadow.Variant, shadow.Score, shadow.PredictedLabel));
        Assert.Null(shadow.Ranking);
        Assert.False(predictions.Single(record => record.Key == "p-2").Value.Shadow);
        var (key, value, partition) = Assert.Single(feedback);
        Assert.Equal(("p-1", 1.0), (key, value.Label!.Value));
        Assert.Equal(["c"], value.ClickedItems);
        // Keyed by prediction id with the Java client's murmur2 partitioner, as Kafka Streams
        // partitions: the feedback lands in its prediction's partition of the join.
        var reference = await JavaClientPartitions(topics[EventTopic.Predictions].Partitions, "p-1", "p-2");
        Assert.Equal(reference["p-1"], partition);
        Assert.All(predictions, record => Assert.Equal(reference[record.Key], record.Partition));
    }

    [Fact]
    public async Task A_full_queue_fails_fast_or_makes_the_caller_wait_until_the_broker_acknowledges()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        var topics = KafkaFixture.NewTopics(cluster, "backpressure");
        var options = KafkaFixture.Options(cluster);
        await using var failing = new PredictionLogger(options, new PublisherOptions { QueueCapacity = 2, WhenFull = QueueFullPolicy.Fail }, new ClientContext { Topics = topics });
        await using var waiting = new PredictionLogger(options, new PublisherOptions { QueueCapacity = 2, WhenFull = QueueFullPolicy.Wait }, new ClientContext { Topics = topics });
        await failing.LogAsync(Routed("warm-1"));
        await waiting.LogAsync(Routed("warm-2"));
        await failing.FlushAsync();
        await waiting.FlushAsync();

        cluster.SetBrokerDown(1);
        await failing.LogAsync(Routed("f-1"));
        await failing.LogAsync(Routed("f-2"));
        var full = await Assert.ThrowsAsync<EventQueueFullException>(async () => await failing.LogAsync(Routed("f-3")));
        await waiting.LogAsync(Routed("w-1"));
        await waiting.LogAsync(Routed("w-2"));
        var third = waiting.LogAsync(Routed("w-3")).AsTask();
        await Task.Delay(300);
        var waitedWhileDown = !third.IsCompleted;
        var pendingWhileDown = waiting.Health.Pending;
        cluster.SetBrokerUp(1);
        await third.WaitAsync(KafkaFixture.Timeout);
        await waiting.FlushAsync();
        await failing.FlushAsync();

        Assert.Equal((2, topics[EventTopic.Predictions].Name), (full.Capacity, full.Topic));
        Assert.True(waitedWhileDown, "the caller of a full queue was not held back");
        Assert.Equal(2, pendingWhileDown);
        Assert.Equal(4L, waiting.Health.Delivered);
        Assert.Equal(3L, failing.Health.Delivered);
        var keys = Given.Read<Prediction>(options, topics[EventTopic.Predictions].Name, topics[EventTopic.Predictions].Partitions, count: 7).Select(record => record.Key).Order();
        Assert.Equal(new[] { "f-1", "f-2", "w-1", "w-2", "w-3", "warm-1", "warm-2" }, keys);
    }

    [Fact]
    public async Task An_unreachable_cluster_becomes_a_clear_error_for_callers_and_waiters_once_the_timeout_passed()
    {
        var kafkaOptions = new KafkaOptions { BootstrapServers = $"127.0.0.1:{ClosedPort()}" };
        var options = new PublisherOptions { QueueCapacity = 1, WhenFull = QueueFullPolicy.Wait, UnavailableTimeout = TimeSpan.FromSeconds(1) };
        await using var logger = new PredictionLogger(kafkaOptions, options);

        await logger.LogAsync(Routed("lost"));
        var waiter = logger.LogAsync(Routed("waiting")).AsTask();
        var released = await Assert.ThrowsAsync<KafkaUnavailableException>(() => waiter.WaitAsync(KafkaFixture.Timeout));
        var refused = await Assert.ThrowsAsync<KafkaUnavailableException>(async () => await logger.LogAsync(Routed("refused")));
        await Assert.ThrowsAsync<KafkaUnavailableException>(() => logger.FlushAsync());

        Assert.Contains(kafkaOptions.BootstrapServers, released.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:01", refused.Message, StringComparison.Ordinal);
        Assert.Equal("predictions", refused.Topic);
        var health = logger.Health;
        Assert.Equal((PublisherStatus.Unavailable, 0, 0L, 1L), (health.Status, health.Pending, health.Delivered, health.Failed));
        // The latest error librdkafka reported: the failed connection attempts or the timed-out event.
        Assert.Matches(@"127\.0\.0\.1|Local_MsgTimedOut", health.LastError);
        Assert.NotNull(health.Since);
    }

    [Fact]
    public async Task A_broker_outage_longer_than_the_timeout_makes_the_publisher_unavailable_until_the_broker_is_back()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        var topics = KafkaFixture.NewTopics(cluster, "outage");
        var options = KafkaFixture.Options(cluster);
        await using var reporter = new FeedbackReporter(options, new PublisherOptions { UnavailableTimeout = TimeSpan.FromSeconds(1) }, new ClientContext { Topics = topics });
        await reporter.ReportAsync(Feedback("before"));
        await reporter.FlushAsync();

        cluster.SetBrokerDown(1);
        await reporter.ReportAsync(Feedback("during"));
        await Given.Eventually(() => reporter.Health.Status == PublisherStatus.Unavailable, "the publisher reports the outage");
        await Assert.ThrowsAsync<KafkaUnavailableException>(async () => await reporter.ReportAsync(Feedback("refused")));
        cluster.SetBrokerUp(1);
        await Given.Eventually(() => reporter.Health.Status == PublisherStatus.Healthy, "the publisher sees the broker back");
        await reporter.ReportAsync(Feedback("after"));
        await reporter.FlushAsync();

        Assert.Equal((2L, 1L), (reporter.Health.Delivered, reporter.Health.Failed));
        var keys = Given.Read<Feedback>(options, topics[EventTopic.Feedback].Name, topics[EventTopic.Feedback].Partitions, count: 2).Select(record => record.Key).Order();
        Assert.Equal(new[] { "after", "before" }, keys);
    }

    [Fact]
    public async Task Invalid_events_are_rejected_with_the_field_before_anything_is_queued()
    {
        await using var logger = new PredictionLogger(kafka.Options(), context: new ClientContext { Topics = kafka.NewTopics("invalid") });
        await using var reporter = new FeedbackReporter(kafka.Options(), context: new ClientContext { Topics = kafka.NewTopics("invalid-feedback") });

        var nan = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await logger.LogAsync(Routed("p-nan") with { NumericFeatures = new Dictionary<string, double> { ["x0"] = double.NaN } }));
        var shadowInfinity = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await logger.LogAsync(Routed("p-inf", shadows: [new ShadowScore("shadow", 2, double.PositiveInfinity, null)])));
        var noId = await Assert.ThrowsAsync<ArgumentException>(async () => await logger.LogAsync(Routed("")));
        var noUnit = await Assert.ThrowsAsync<ArgumentException>(async () => await logger.LogAsync(Routed("p-3").ToEvents()[0] with { UnitId = " " }));
        var noOutcome = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await reporter.ReportAsync(new Feedback { PredictionId = "p-1", Timestamp = At }));
        var noPrediction = await Assert.ThrowsAsync<ArgumentException>(async () => await reporter.ReportAsync(Feedback("") with { Label = 1 }));

        Assert.Contains("numeric_features[x0]", nan.Message, StringComparison.Ordinal);
        Assert.Contains("score", shadowInfinity.Message, StringComparison.Ordinal);
        Assert.Contains("prediction_id", noId.Message, StringComparison.Ordinal);
        Assert.Contains("unit_id", noUnit.Message, StringComparison.Ordinal);
        Assert.Contains("no label, reward or clicked items", noOutcome.Message, StringComparison.Ordinal);
        Assert.Contains("prediction_id", noPrediction.Message, StringComparison.Ordinal);
        // A request whose shadow event is invalid queues nothing, not even its valid served event.
        await logger.FlushAsync();
        Assert.Equal((0, 0L), (logger.Health.Pending, logger.Health.Delivered));
        Assert.Equal((0, 0L), (reporter.Health.Pending, reporter.Health.Delivered));
    }

    private static RoutedPrediction Routed(string id, IReadOnlyList<ShadowScore>? shadows = null) => new()
    {
        PredictionId = id,
        ModelName = "m",
        ModelVersion = 1,
        UnitId = "user-1",
        Variant = "canary",
        ExperimentId = "rollout:m:2",
        Score = 0.75,
        PredictedLabel = 1,
        Timestamp = At,
        NumericFeatures = new Dictionary<string, double> { ["x0"] = 0.5 },
        CategoricalFeatures = new Dictionary<string, string> { ["segment"] = "a" },
        Shadows = shadows ?? [],
    };

    private static Feedback Feedback(string id) => new() { PredictionId = id, Timestamp = At, Reward = 1 };

    /// <summary>The partitions librdkafka's murmur2 partitioner (the Java client's) gives the keys, from a scratch topic.</summary>
    private async Task<Dictionary<string, int>> JavaClientPartitions(int partitions, params string[] keys)
    {
        var topic = $"murmur2-{Guid.NewGuid():N}";
        kafka.Cluster.CreateTopic(topic, partitions);
        using var producer = new Confluent.Kafka.ProducerBuilder<string, string>(new Confluent.Kafka.ProducerConfig
        {
            BootstrapServers = kafka.Cluster.BootstrapServers,
            Partitioner = Confluent.Kafka.Partitioner.Murmur2Random,
        }).Build();
        var partitionsByKey = new Dictionary<string, int>();
        foreach (var key in keys)
        {
            partitionsByKey[key] = (await producer.ProduceAsync(topic, new Confluent.Kafka.Message<string, string> { Key = key, Value = key })).Partition.Value;
        }

        return partitionsByKey;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
