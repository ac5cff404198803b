using System.Text.Json;
using Confluent.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Tests.Shared;

namespace StreamingCL.Integration.Tests.Interop;

/// <summary>Clients we did not write (kcat, python3-avro) against `streamingcl run --embedded`.</summary>
public sealed class InteroperabilityTests(BrokerProcess broker) : IClassFixture<BrokerProcess>
{
    [Fact]
    public void The_process_prints_its_bootstrap_servers_on_one_line()
    {
        Assert.Equal($"bootstrap.servers={broker.BootstrapServers}", broker.FirstLine);
        Assert.Matches(@"^127\.0\.0\.1:\d+$", broker.BootstrapServers);
    }

    [Fact]
    public async Task Kcat_lists_every_catalog_topic_with_its_partitions()
    {
        var metadata = await Kcat("-L", "-J");

        var topics = JsonDocument.Parse(metadata.Output).RootElement.GetProperty("topics").EnumerateArray()
            .ToDictionary(topic => topic.GetProperty("topic").GetString()!, topic => topic.GetProperty("partitions").GetArrayLength());
        foreach (var spec in new TopicCatalog().All)
        {
            Assert.Equal(spec.Partitions, topics.GetValueOrDefault(spec.Name));
        }
    }

    [Fact]
    public async Task Kcat_produces_and_consumes_through_the_embedded_broker()
    {
        // A topic of its own: the mock broker creates it, as Kafka with auto-creation would.
        var produced = await Kcat(["-P", "-t", "kcat-round-trip", "-k", "p-kcat", "-p", "0"], "hello from kcat"u8.ToArray());
        Assert.Equal(0, produced.ExitCode);

        var consumed = await Kcat("-C", "-t", "kcat-round-trip", "-p", "0", "-o", "beginning", "-c", "1", "-e", "-f", "%k=%s");

        Assert.Equal("p-kcat=hello from kcat", consumed.Text);
    }

    [Fact]
    public async Task A_prediction_from_our_serializer_is_read_by_kcat_and_decoded_by_python_avro_from_the_avsc()
    {
        var prediction = new Prediction
        {
            PredictionId = "p-python",
            ModelName = "ctr",
            ModelVersion = 7,
            UnitId = "user-1",
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_795_687_200_123),
            NumericFeatures = new Dictionary<string, double> { ["age"] = 42.5 },
            CategoricalFeatures = new Dictionary<string, string> { ["country"] = "FR" },
            Score = 0.125,
            Variant = "B",
            Ranking = [new RankedItem("item-9", InterleavingTeam.B)],
        };
        using (var producer = new ProducerBuilder<string, Prediction>(new ProducerConfig { BootstrapServers = broker.BootstrapServers })
                   .SetValueSerializer(new AvroEventSerde<Prediction>())
                   .Build())
        {
            await producer.ProduceAsync(new TopicPartition("predictions", 3), new Message<string, Prediction> { Key = prediction.PredictionId, Value = prediction });
        }

        // The only test that writes to predictions: its first record is ours.
        var raw = await Kcat("-C", "-t", "predictions", "-p", "3", "-o", "beginning", "-c", "1", "-e", "-f", "%s");
        var decoded = await ExternalProcess.RunAsync(
            "/usr/bin/python3",
            [Path.Combine(AppContext.BaseDirectory, "Interop", "decode_single_object.py"), RepositoryPaths.Schema(nameof(Prediction))],
            raw.Output);

        Assert.True(decoded.ExitCode == 0, decoded.Error);
        var record = JsonDocument.Parse(decoded.Output).RootElement;
        Assert.Equal("p-python", record.GetProperty("prediction_id").GetString());
        Assert.Equal(7, record.GetProperty("model_version").GetInt32());
        Assert.Equal(42.5, record.GetProperty("numeric_features").GetProperty("age").GetDouble());
        Assert.Equal("FR", record.GetProperty("categorical_features").GetProperty("country").GetString());
        Assert.Equal(0.125, record.GetProperty("score").GetDouble());
        Assert.Equal("B", record.GetProperty("variant").GetString());
        Assert.Equal("item-9", record.GetProperty("ranking")[0].GetProperty("item_id").GetString());
        Assert.Equal("B", record.GetProperty("ranking")[0].GetProperty("team").GetString());
        Assert.StartsWith("2026-11-26 10:00:00.123", record.GetProperty("timestamp").GetString());
    }

    private Task<ExternalProcess.Result> Kcat(params string[] arguments) => Kcat(arguments, null);

    private async Task<ExternalProcess.Result> Kcat(string[] arguments, byte[]? input)
    {
        var result = await ExternalProcess.RunAsync("kcat", ["-b", broker.BootstrapServers, .. arguments], input);
        Assert.True(result.ExitCode == 0, $"kcat {string.Join(' ', arguments)} failed: {result.Error}");
        return result;
    }
}
