using System.Diagnostics;
using Confluent.Kafka;
using StreamingCL.Kafka.Embedded;

namespace StreamingCL.Integration.Tests;

/// <summary>One three-broker cluster for the class; every test uses its own topics and groups.</summary>
public sealed class ThreeBrokerCluster : IDisposable
{
    public EmbeddedKafkaCluster Cluster { get; } = EmbeddedKafkaCluster.Start(brokerCount: 3);

    public void Dispose() => Cluster.Dispose();
}

public sealed class EmbeddedKafkaTests(ThreeBrokerCluster fixture) : IClassFixture<ThreeBrokerCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly EmbeddedKafkaCluster _cluster = fixture.Cluster;

    [Fact]
    public void Produced_records_are_consumed_back_in_order_per_partition()
    {
        _cluster.CreateTopic("round-trip", partitions: 3);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, EnableIdempotence = true }).Build())
        {
            for (var i = 0; i < 300; i++)
            {
                producer.Produce("round-trip", new Message<string, string> { Key = $"k{i % 7}", Value = $"v{i}" });
            }

            Assert.Equal(0, producer.Flush(Timeout));
        }

        using var consumer = new ConsumerBuilder<string, string>(ConsumerConfig("round-trip-group")).Build();
        consumer.Subscribe("round-trip");
        var received = ConsumeExactly(consumer, 300);

        Assert.Equal(
            Enumerable.Range(0, 300).Select(i => $"v{i}").Order(),
            received.Select(r => r.Message.Value).Order());
        foreach (var key in received.GroupBy(r => r.Message.Key))
        {
            // Same key, same partition, produced order kept.
            Assert.Single(key.Select(r => r.Partition.Value).Distinct());
            var numbers = key.Select(r => int.Parse(r.Message.Value[1..])).ToList();
            Assert.Equal(numbers.Order(), numbers);
        }
    }

    [Fact]
    public void Two_members_of_a_group_share_the_partitions()
    {
        _cluster.CreateTopic("shared", partitions: 4);
        using var first = new ConsumerBuilder<Ignore, Ignore>(ConsumerConfig("sharing-group")).Build();
        using var second = new ConsumerBuilder<Ignore, Ignore>(ConsumerConfig("sharing-group")).Build();
        first.Subscribe("shared");
        second.Subscribe("shared");

        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline && (first.Assignment.Count + second.Assignment.Count != 4 || first.Assignment.Count == 0 || second.Assignment.Count == 0))
        {
            first.Consume(TimeSpan.FromMilliseconds(100));
            second.Consume(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(2, first.Assignment.Count);
        Assert.Equal(2, second.Assignment.Count);
        Assert.Empty(first.Assignment.Intersect(second.Assignment));
    }

    [Fact]
    public async Task Injected_produce_errors_reach_the_producer_and_can_be_cleared()
    {
        _cluster.CreateTopic("faulty", partitions: 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, MessageSendMaxRetries = 0 }).Build();
        await producer.ProduceAsync("faulty", new Message<Null, string> { Value = "warm-up" });

        _cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.InvalidRecord);
        var failure = await Assert.ThrowsAsync<ProduceException<Null, string>>(() => producer.ProduceAsync("faulty", new Message<Null, string> { Value = "rejected" }));
        Assert.Equal(ErrorCode.InvalidRecord, failure.Error.Code);

        _cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.InvalidRecord, ErrorCode.InvalidRecord);
        _cluster.ClearRequestErrors(KafkaApiKey.Produce);
        var delivered = await producer.ProduceAsync("faulty", new Message<Null, string> { Value = "accepted" });
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
    }

    [Fact]
    public async Task A_broker_error_is_returned_after_its_injected_delay_by_the_partition_leader_chosen()
    {
        _cluster.CreateTopic("led-by-2", partitions: 1, replicationFactor: 3);
        _cluster.SetPartitionLeader("led-by-2", 0, brokerId: 2);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        Assert.Equal(2, admin.GetMetadata("led-by-2", Timeout).Topics.Single().Partitions.Single().Leader);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, MessageSendMaxRetries = 0 }).Build();
        await producer.ProduceAsync("led-by-2", new Message<Null, string> { Value = "warm-up" });

        _cluster.PushBrokerRequestError(2, KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, TimeSpan.FromMilliseconds(700));
        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<ProduceException<Null, string>>(() => producer.ProduceAsync("led-by-2", new Message<Null, string> { Value = "late" }));

        Assert.Equal(ErrorCode.NotEnoughReplicas, failure.Error.Code);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(650), $"answered after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_round_trip_time_delays_every_response_of_the_broker()
    {
        _cluster.CreateTopic("slow", partitions: 1, replicationFactor: 3);
        _cluster.SetPartitionLeader("slow", 0, brokerId: 3);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        await producer.ProduceAsync("slow", new Message<Null, string> { Value = "warm-up" });

        _cluster.SetBrokerRoundTripTime(3, TimeSpan.FromMilliseconds(400));
        var clock = Stopwatch.StartNew();
        await producer.ProduceAsync("slow", new Message<Null, string> { Value = "slow" });
        var slow = clock.Elapsed;
        _cluster.SetBrokerRoundTripTime(3, TimeSpan.Zero);

        Assert.True(slow >= TimeSpan.FromMilliseconds(350), $"answered after {slow.TotalMilliseconds} ms");
    }

    [Fact]
    public void A_topic_error_is_reported_in_metadata_until_cleared()
    {
        _cluster.CreateTopic("forbidden", partitions: 1);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.BootstrapServers }).Build();

        _cluster.SetTopicError("forbidden", ErrorCode.TopicAuthorizationFailed);
        var failing = admin.GetMetadata("forbidden", Timeout).Topics.Single().Error.Code;
        _cluster.SetTopicError("forbidden", ErrorCode.NoError);
        var cleared = admin.GetMetadata("forbidden", Timeout).Topics.Single().Error.Code;

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, failing);
        Assert.Equal(ErrorCode.NoError, cleared);
    }

    [Fact]
    public void The_chosen_broker_coordinates_the_group()
    {
        _cluster.CreateTopic("coordinated", partitions: 1);
        _cluster.SetCoordinator(CoordinatorKind.Group, "coordinated-group", brokerId: 3);
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var config = ConsumerConfig("coordinated-group");
        config.Debug = "cgrp";
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, message) => logs.Enqueue(message.Message)).Build();
        consumer.Subscribe("coordinated");

        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline && consumer.Assignment.Count == 0)
        {
            consumer.Consume(TimeSpan.FromMilliseconds(100));
        }

        Assert.Single(consumer.Assignment);
        Assert.Contains(logs, line => line.Contains("coordinator is", StringComparison.Ordinal) && line.EndsWith("id 3", StringComparison.Ordinal));
    }

    [Fact]
    public void A_broker_taken_down_refuses_clients_until_it_is_up_again()
    {
        using var single = EmbeddedKafkaCluster.Start(brokerCount: 1);
        single.CreateTopic("outage", partitions: 1);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = single.BootstrapServers }).Build();
        Assert.Contains(admin.GetMetadata(Timeout).Topics, topic => topic.Topic == "outage");

        single.SetBrokerDown(1);
        Assert.Throws<KafkaException>(() => admin.GetMetadata("outage", TimeSpan.FromSeconds(2)));

        single.SetBrokerUp(1);
        Assert.Equal(ErrorCode.NoError, admin.GetMetadata("outage", Timeout).Topics.Single().Error.Code);
    }

    [Fact]
    public void A_disposed_cluster_refuses_further_calls()
    {
        var disposed = EmbeddedKafkaCluster.Start();
        disposed.Dispose();

        Assert.Throws<ObjectDisposedException>(() => disposed.CreateTopic("late", 1));
    }

    private ConsumerConfig ConsumerConfig(string group) => new()
    {
        BootstrapServers = _cluster.BootstrapServers,
        GroupId = group,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        // The mock coordinator holds a rebalance of a running group open for session.timeout.ms - 1 s
        // (librdkafka's rdkafka_mock_cgrp.c); a short session keeps the second join quick.
        SessionTimeoutMs = 6000,
    };

    private static List<ConsumeResult<TKey, TValue>> ConsumeExactly<TKey, TValue>(IConsumer<TKey, TValue> consumer, int count)
    {
        var results = new List<ConsumeResult<TKey, TValue>>();
        var deadline = DateTime.UtcNow + Timeout;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }
}
