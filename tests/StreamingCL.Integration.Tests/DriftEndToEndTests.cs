using Confluent.Kafka;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Integration.Tests;

/// <summary>Drift detected and turned into a retrain trigger by the processors, end to end on the embedded broker.</summary>
public sealed class DriftEndToEndTests(ProcessorsProcess processors) : IClassFixture<ProcessorsProcess>, IDisposable
{
    private readonly EventSerdes _serdes = new(new KafkaOptions());

    [Fact]
    public async Task A_shift_in_one_feature_gives_drift_for_that_feature_only_and_a_drift_trigger()
    {
        // Two full hours in the past, on a process of its own: no other records move these tasks' stream time.
        var now = DateTimeOffset.UtcNow;
        var reference = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-3);
        const string model = "drift-e2e";
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = processors.BootstrapServers }).Build())
        {
            // First hour: the reference (no profile published yet). Second hour: x moves, y and the score do not.
            for (var window = 0; window < 2; window++)
            {
                for (var i = 0; i < 200; i++)
                {
                    var at = reference.AddHours(window).AddSeconds(i * 10);
                    var prediction = ProcessorsEndToEndTests.Prediction($"drift-{window}-{i}", at) with
                    {
                        ModelName = model,
                        NumericFeatures = new Dictionary<string, double> { ["x"] = (window * 2) + (i / 200.0), ["y"] = i / 200.0 },
                        Score = i / 200.0,
                    };
                    await ProcessorsEndToEndTests.Produce(producer, "predictions", prediction.PredictionId, _serdes.For<Prediction>().Serialize(prediction, "predictions"), at);
                }
            }

            // Past the second window's end plus its grace: it closes.
            var closing = ProcessorsEndToEndTests.Prediction("drift-closing", reference.AddHours(2).AddMinutes(6)) with { ModelName = model };
            await ProcessorsEndToEndTests.Produce(producer, "predictions", closing.PredictionId, _serdes.For<Prediction>().Serialize(closing, "predictions"), closing.Timestamp);
        }

        var metrics = ProcessorsEndToEndTests.ConsumeUntilQuiet(processors.BootstrapServers, "drift-metrics", _serdes.For<DriftMetric>(), count: 3, metric => metric.ModelName == model);
        var triggers = ProcessorsEndToEndTests.ConsumeUntilQuiet(processors.BootstrapServers, "retrain-triggers", _serdes.For<RetrainTrigger>(), count: 1, trigger => trigger.ModelName == model);

        Assert.Equal(
            [("__score__", DriftSeverity.None), ("x", DriftSeverity.Drift), ("y", DriftSeverity.None)],
            metrics.Select(metric => (metric.Feature, metric.Severity)).Order());
        Assert.All(metrics, metric => Assert.Equal(reference.AddHours(1), metric.WindowStart));
        var trigger = Assert.Single(triggers);
        Assert.Equal(TriggerKind.Drift, trigger.Kind);
        Assert.Equal(model, trigger.ModelName);
        Assert.EndsWith(": x.", trigger.Reason, StringComparison.Ordinal);
        Assert.True(trigger.Evidence["x.psi"] >= 0.2);
        Assert.Equal(1, trigger.Evidence["drifted_features"]);
    }

    public void Dispose() => _serdes.Dispose();
}
