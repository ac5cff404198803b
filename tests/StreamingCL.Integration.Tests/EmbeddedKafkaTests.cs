using Confluent.Kafka;
using StreamingCL.Kafka.Embedded;

namespace StreamingCL.Integration.Tests;

public sealed class EmbeddedKafkaTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);

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
    public async Task Injected_produce_errors_reach_the_producer_and_the_cluster_recovers()
    {
        _cluster.CreateTopic("faulty", partitions: 1);
        var config = new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, MessageSendMaxRetries = 0 };
        using var producer = new ProducerBuilder<Null, string>(config).Build();
        producer.Produce("faulty", new Message<Null, string> { Value = "warm-up" });
        Assert.Equal(0, producer.Flush(Timeout));

        _cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.InvalidRecord);
        var failure = await Assert.ThrowsAsync<ProduceException<Null, string>>(() => producer.ProduceAsync("faulty", new Message<Null, string> { Value = "rejected" }));
        Assert.Equal(ErrorCode.InvalidRecord, failure.Error.Code);

        var delivered = await producer.ProduceAsync("faulty", new Message<Null, string> { Value = "accepted" });
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
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

    public void Dispose() => _cluster.Dispose();

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
