using Confluent.Kafka;
using StreamingCL.Integration.Tests.Interop;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Integration.Tests;

/// <summary>`streamingcl run join` against a cluster that is already there: only the workers named run.</summary>
public sealed class ChosenWorkersTests(BrokerProcess broker) : IClassFixture<BrokerProcess>, IDisposable
{
    private readonly EventSerdes _serdes = new(new KafkaOptions());
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("streamingcl-state-");

    [Fact]
    public async Task The_join_alone_runs_against_an_existing_cluster()
    {
        await using var join = new RunProcess(["join"], new Dictionary<string, string> { ["Processors__StateDirectory"] = _state.FullName }, cluster: broker.BootstrapServers);
        await join.InitializeAsync();
        Assert.Equal($"bootstrap.servers={broker.BootstrapServers}", join.FirstLine);

        var start = DateTimeOffset.UtcNow;
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (var i = 0; i < 5; i++)
            {
                await ProcessorsEndToEndTests.Produce(producer, "predictions", $"subset-{i}", _serdes.For<Prediction>().Serialize(ProcessorsEndToEndTests.Prediction($"subset-{i}", start), "predictions"), start);
                var feedback = new Feedback { PredictionId = $"subset-{i}", Timestamp = start.AddSeconds(1), Label = 1 };
                await ProcessorsEndToEndTests.Produce(producer, "feedback", $"subset-{i}", _serdes.For<Feedback>().Serialize(feedback, "feedback"), start.AddSeconds(1));
            }

            await ProcessorsEndToEndTests.Produce(producer, "predictions", "subset-garbage", "this is not avro"u8.ToArray(), start);
        }

        var examples = ProcessorsEndToEndTests.ConsumeUntilQuiet(broker.BootstrapServers, "labeled-examples", _serdes.For<LabeledExample>(), 5, example => example.PredictionId.StartsWith("subset-", StringComparison.Ordinal));
        var deadLetters = ProcessorsEndToEndTests.ConsumeUntilQuiet(broker.BootstrapServers, "dead-letters", _serdes.For<DeadLetter>(), 1, letter => letter.Key is { } key && System.Text.Encoding.UTF8.GetString(key.Span) == "subset-garbage");

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"subset-{i}"), examples.Select(example => example.PredictionId).Order());
        // Drift and experiments read predictions too, and would dead-letter the garbage as well: they are not running.
        Assert.Equal("streamingcl-join", Assert.Single(deadLetters).Processor);
        Assert.Equal(0, await join.TerminateAsync());
    }

    public void Dispose()
    {
        _serdes.Dispose();
        _state.Delete(recursive: true);
    }
}
