using Confluent.Kafka;
using StreamingCL.Cli.Simulation;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Cli.Tests;

public sealed class SimulateCommandTests
{
    [Fact]
    public async Task Before_any_version_the_app_serves_cold_start_and_every_event_reaches_the_cluster()
    {
        var catalog = new TopicCatalog();
        using var cluster = EmbeddedKafkaCluster.Start(topics: catalog.All);

        var result = await CliRunner.RunAsync("simulate", "--duration", "2", "--rate", "100", "--seed", "3", "--bootstrap-servers", cluster.BootstrapServers);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("no version of 'ctr' yet: cold start", result.Output);
        var predictions = ReadAll<Prediction>(cluster.BootstrapServers, catalog[EventTopic.Predictions]);
        var feedback = ReadAll<Feedback>(cluster.BootstrapServers, catalog[EventTopic.Feedback]);
        Assert.Equal(200, predictions.Count); // 100/s for 2 s
        Assert.All(predictions, prediction => Assert.Equal((ClickConcept.Model, 0, "cold-start"), (prediction.ModelName, prediction.ModelVersion, prediction.Variant)));
        Assert.All(predictions, prediction => Assert.Null(EventValidation.Check(prediction)));
        Assert.Subset(predictions.Select(prediction => prediction.PredictionId).ToHashSet(), feedback.Select(item => item.PredictionId).ToHashSet());
        Assert.InRange(feedback.Count, predictions.Count * 0.8, predictions.Count * 0.97); // 10% lost
        Assert.Contains($"{predictions.Count} predictions ({predictions.Count} cold start, 0 shadow scores), {feedback.Count} feedback ({predictions.Count - feedback.Count} lost)", result.Output);
    }

    // To the partitions' ends as the broker reports them: a slow first fetch cannot end the read early.
    private static List<T> ReadAll<T>(string bootstrapServers, TopicSpec topic)
        where T : class, IAvroEvent<T>
    {
        using var serdes = new EventSerdes(new Kafka.KafkaOptions { BootstrapServers = bootstrapServers });
        using var consumer = new ConsumerBuilder<string, T>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = $"read-{Guid.NewGuid():N}", EnableAutoCommit = false })
            .SetValueDeserializer(serdes.For<T>())
            .Build();
        var partitions = Enumerable.Range(0, topic.Partitions).Select(partition => new TopicPartition(topic.Name, partition)).ToList();
        var remaining = partitions.Sum(partition => consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(partitions.Select(partition => new TopicPartitionOffset(partition, Offset.Beginning)));
        var records = new List<T>();
        while (records.Count < remaining && consumer.Consume(TimeSpan.FromSeconds(30)) is { } record)
        {
            records.Add(record.Message.Value);
        }

        return records;
    }
}
