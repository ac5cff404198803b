using System.Globalization;
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

    [Fact]
    public async Task The_same_seed_gives_the_same_requests_clicks_and_feedback_delays()
    {
        var catalog = new TopicCatalog();
        using var cluster = EmbeddedKafkaCluster.Start(topics: catalog.All);
        string[] simulate = ["simulate", "--duration", "1", "--rate", "100", "--seed", "5", "--bootstrap-servers", cluster.BootstrapServers];

        Assert.Equal(0, (await CliRunner.RunAsync(simulate)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(simulate)).ExitCode);

        // Ids are req-{run}-{index}: each run's traffic in schedule order, with what its users did.
        var feedback = ReadAll<Feedback>(cluster.BootstrapServers, catalog[EventTopic.Feedback]).ToDictionary(item => item.PredictionId);
        var runs = ReadAll<Prediction>(cluster.BootstrapServers, catalog[EventTopic.Predictions])
            .GroupBy(prediction => prediction.PredictionId.Split('-')[1])
            .Select(run => run.OrderBy(prediction => int.Parse(prediction.PredictionId.Split('-')[2], CultureInfo.InvariantCulture))
                .Select(prediction => (
                    prediction.UnitId,
                    Features: string.Join(",", prediction.NumericFeatures.Select(pair => $"{pair.Key}={pair.Value:R}").Concat(prediction.CategoricalFeatures.Select(pair => $"{pair.Key}={pair.Value}"))),
                    Click: feedback.TryGetValue(prediction.PredictionId, out var answer) ? answer.Label : null,
                    Delay: answer?.Timestamp - prediction.Timestamp))
                .ToList())
            .ToList();

        Assert.Equal(2, runs.Count);
        Assert.Equal(100, runs[0].Count);
        Assert.Equal(runs[0].Select(request => (request.UnitId, request.Features, request.Click)), runs[1].Select(request => (request.UnitId, request.Features, request.Click)));
        // The delays too, within the millisecond that timestamps keep.
        Assert.All(runs[0].Zip(runs[1]), pair => Assert.InRange(Math.Abs(((pair.First.Delay - pair.Second.Delay) ?? TimeSpan.Zero).TotalMilliseconds), 0, 1));
        Assert.All(runs[0], request => Assert.True(request.Delay is null || (request.Delay >= TimeSpan.FromMilliseconds(299) && request.Delay <= TimeSpan.FromSeconds(2)), $"{request.Delay}"));
        Assert.Contains(runs[0], request => request.Click is null); // some feedback is lost
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
