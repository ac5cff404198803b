using Confluent.Kafka;
using StreamingCL.Integration.Tests.Interop;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Integration.Tests;

/// <summary>`streamingcl run processors --embedded` as a user runs it.</summary>
public sealed class ProcessorsProcess() : RunProcess("processors");

/// <summary>The stream applications end to end on the embedded broker, fed and read by plain Kafka clients.</summary>
public sealed class ProcessorsEndToEndTests(ProcessorsProcess processors) : IClassFixture<ProcessorsProcess>, IDisposable
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly EventSerdes _serdes = new(new KafkaOptions());

    [Fact]
    public async Task Predictions_and_feedback_become_labeled_examples_and_a_garbage_record_is_dead_lettered_without_stopping_the_join()
    {
        var start = DateTimeOffset.UtcNow;
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = processors.BootstrapServers }).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                await Produce(producer, "predictions", $"e2e-{i}", _serdes.For<Prediction>().Serialize(Prediction($"e2e-{i}", start), "predictions"), start);
                if (i == 10)
                {
                    await Produce(producer, "predictions", "e2e-garbage", "this is not avro"u8.ToArray(), start);
                }
            }

            for (var i = 0; i < 20; i++)
            {
                var feedback = new Feedback { PredictionId = $"e2e-{i}", Timestamp = start.AddSeconds(1), Label = i % 2 };
                await Produce(producer, "feedback", $"e2e-{i}", _serdes.For<Feedback>().Serialize(feedback, "feedback"), start.AddSeconds(1));
            }
        }

        var examples = Consume("labeled-examples", _serdes.For<LabeledExample>(), count: 20, example => example.PredictionId.StartsWith("e2e-", StringComparison.Ordinal));
        // Every application reading predictions accounts for the record: each dead-letters it once.
        string[] readers = ["streamingcl-drift", "streamingcl-experiments", "streamingcl-join"];
        var deadLetters = Consume("dead-letters", _serdes.For<DeadLetter>(), count: readers.Length, letter => letter.Key is { } key && System.Text.Encoding.UTF8.GetString(key.Span) == "e2e-garbage");

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"e2e-{i}").Order(), examples.Select(example => example.PredictionId).Order());
        Assert.Equal(readers, deadLetters.Select(letter => letter.Processor).Order());
        Assert.All(deadLetters, garbage =>
        {
            Assert.Equal(DeadLetterKind.Malformed, garbage.ErrorKind);
            Assert.Equal("predictions", garbage.OriginalTopic);
            Assert.Equal("this is not avro"u8.ToArray(), garbage.Payload!.Value.ToArray());
        });
    }

    public void Dispose() => _serdes.Dispose();

    internal static Prediction Prediction(string id, DateTimeOffset at) => new()
    {
        PredictionId = id,
        ModelName = "e2e-model",
        ModelVersion = 1,
        UnitId = $"unit-{id}",
        Timestamp = at,
        NumericFeatures = new Dictionary<string, double> { ["x"] = 1.5 },
        Score = 0.8,
    };

    internal static Task<DeliveryResult<string, byte[]>> Produce(IProducer<string, byte[]> producer, string topic, string key, byte[] value, DateTimeOffset at) =>
        producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value, Timestamp = new Timestamp(at) });

    private List<T> Consume<T>(string topic, AvroEventSerde<T> serde, int count, Func<T, bool> ours)
        where T : class, IAvroEvent<T> => ConsumeUntilQuiet(processors.BootstrapServers, topic, serde, count, ours);

    /// <summary>
    /// Our records of a topic: read until at least <paramref name="count"/> came and nothing more
    /// arrived for a while, so that extra or duplicate records are seen too.
    /// </summary>
    internal static List<T> ConsumeUntilQuiet<T>(string bootstrapServers, string topic, AvroEventSerde<T> serde, int count, Func<T, bool> ours)
        where T : class, IAvroEvent<T>
    {
        using var consumer = new ConsumerBuilder<string, T>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"e2e-{topic}-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetValueDeserializer(serde).Build();
        consumer.Subscribe(topic);
        var results = new List<T>();
        var deadline = DateTime.UtcNow + Timeout;
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline && (results.Count < count || DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(3)))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result && ours(result.Message.Value))
            {
                results.Add(result.Message.Value);
                quietSince = DateTime.UtcNow;
            }
        }

        return results;
    }
}
