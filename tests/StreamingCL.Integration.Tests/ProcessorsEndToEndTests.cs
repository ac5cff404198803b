using Confluent.Kafka;
using StreamingCL.Integration.Tests.Interop;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Integration.Tests;

/// <summary>`streamingcl run processors --embedded` as a user runs it.</summary>
public sealed class ProcessorsProcess() : EmbeddedKafkaProcess("processors");

/// <summary>The stream applications end to end on the embedded broker, fed and read by plain Kafka clients.</summary>
public sealed class ProcessorsEndToEndTests(ProcessorsProcess processors) : IClassFixture<ProcessorsProcess>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
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

    [Fact]
    public async Task A_shift_in_one_feature_gives_drift_for_that_feature_only_and_a_drift_trigger()
    {
        // Windows in the future, so no other test's records have moved these tasks' stream time past them.
        var now = DateTimeOffset.UtcNow;
        var reference = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(1);
        const string model = "drift-e2e";
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = processors.BootstrapServers }).Build())
        {
            // First hour: the reference (no profile published yet). Second hour: x moves, y and the score do not.
            for (var window = 0; window < 2; window++)
            {
                for (var i = 0; i < 200; i++)
                {
                    var at = reference.AddHours(window).AddSeconds(i * 10);
                    var prediction = Prediction($"drift-{window}-{i}", at) with
                    {
                        ModelName = model,
                        NumericFeatures = new Dictionary<string, double> { ["x"] = (window * 2) + (i / 200.0), ["y"] = i / 200.0 },
                        Score = i / 200.0,
                    };
                    await Produce(producer, "predictions", prediction.PredictionId, _serdes.For<Prediction>().Serialize(prediction, "predictions"), at);
                }
            }

            // Past the second window's end plus its grace: it closes.
            var closing = Prediction("drift-closing", reference.AddHours(2).AddMinutes(6)) with { ModelName = model };
            await Produce(producer, "predictions", closing.PredictionId, _serdes.For<Prediction>().Serialize(closing, "predictions"), closing.Timestamp);
        }

        var metrics = Consume("drift-metrics", _serdes.For<DriftMetric>(), count: 3, metric => metric.ModelName == model);
        var triggers = Consume("retrain-triggers", _serdes.For<RetrainTrigger>(), count: 1, trigger => trigger.ModelName == model);

        Assert.Equal(
            [("__score__", DriftSeverity.None), ("x", DriftSeverity.Drift), ("y", DriftSeverity.None)],
            metrics.Select(metric => (metric.Feature, metric.Severity)).Order());
        Assert.All(metrics, metric => Assert.Equal(reference.AddHours(1), metric.WindowStart));
        var trigger = Assert.Single(triggers);
        Assert.Equal(TriggerKind.Drift, trigger.Kind);
        Assert.Contains(trigger.Evidence.Keys, key => key.Contains('x', StringComparison.Ordinal));
    }

    public void Dispose() => _serdes.Dispose();

    private static Prediction Prediction(string id, DateTimeOffset at) => new()
    {
        PredictionId = id,
        ModelName = "e2e-model",
        ModelVersion = 1,
        UnitId = $"unit-{id}",
        Timestamp = at,
        NumericFeatures = new Dictionary<string, double> { ["x"] = 1.5 },
        Score = 0.8,
    };

    private static Task<DeliveryResult<string, byte[]>> Produce(IProducer<string, byte[]> producer, string topic, string key, byte[] value, DateTimeOffset at) =>
        producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value, Timestamp = new Timestamp(at) });

    private List<T> Consume<T>(string topic, AvroEventSerde<T> serde, int count, Func<T, bool> ours)
        where T : class, IAvroEvent<T>
    {
        using var consumer = new ConsumerBuilder<string, T>(new ConsumerConfig
        {
            BootstrapServers = processors.BootstrapServers,
            GroupId = $"e2e-{topic}-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetValueDeserializer(serde).Build();
        consumer.Subscribe(topic);
        var results = new List<T>();
        var deadline = DateTime.UtcNow + Timeout;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result && ours(result.Message.Value))
            {
                results.Add(result.Message.Value);
            }
        }

        return results;
    }
}
