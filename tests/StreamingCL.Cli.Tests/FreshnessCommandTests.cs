using System.Text.Json;
using Confluent.Kafka;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Cli.Tests;

/// <summary>`streamingcl freshness` on labeled examples written to an embedded broker.</summary>
public sealed class FreshnessCommandTests : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start(topics: new TopicCatalog().All);

    [Fact]
    public async Task After_a_concept_change_the_freshest_window_beats_a_long_stale_one()
    {
        // Two days of one concept, then three hours of its opposite: the latest hour is the test set.
        var now = DateTimeOffset.UtcNow;
        var old = SyntheticConcept.Random(4, new Random(1));
        var random = new Random(2);
        var examples = Enumerable.Range(0, 2_000).Select(i => old.Example("churn", $"old-{i}", random, now.AddHours(-51).AddSeconds(i * 86.4)))
            .Concat(Enumerable.Range(0, 600).Select(i => old.Flipped().Example("churn", $"new-{i}", random, now.AddHours(-3).AddSeconds(i * 18))))
            .Append(old.Example("other-model", "other", random, now));
        Write(examples);

        var result = await CliRunner.RunAsync("freshness", "--model", "churn", "--windows", "1h,2d", "--evaluation", "1h", "--json", "--bootstrap-servers", _cluster.BootstrapServers);

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        var report = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(2_600, report.GetProperty("examples").GetInt32());
        Assert.True(report.GetProperty("features").GetProperty("inferred").GetBoolean());
        Assert.Equal(["x0", "x1", "x2", "x3"], report.GetProperty("features").GetProperty("numeric").EnumerateArray().Select(f => f.GetString()));
        var windows = report.GetProperty("windows").EnumerateArray().ToList();
        Assert.Equal(["1h", "2d"], windows.Select(w => w.GetProperty("window").GetString()));
        var fresh = windows[0].GetProperty("metrics").GetProperty("auc").GetDouble();
        var stale = windows[1].GetProperty("metrics").GetProperty("auc").GetDouble();
        Assert.True(fresh > stale + 0.2, $"AUC of the 1h window {fresh}, of the 2d window {stale}");
        Assert.InRange(windows[0].GetProperty("training_examples").GetInt32(), 190, 210);
        Assert.InRange(windows[1].GetProperty("training_examples").GetInt32(), 2_300, 2_410);
    }

    [Fact]
    public async Task The_table_has_one_row_per_window_in_the_order_asked()
    {
        var concept = SyntheticConcept.Random(2, new Random(3));
        var random = new Random(4);
        var now = DateTimeOffset.UtcNow;
        Write(Enumerable.Range(0, 500).Select(i => concept.Example("ctr", $"e-{i}", random, now.AddMinutes(-i))));

        var result = await CliRunner.RunAsync("freshness", "--model", "ctr", "--windows", "2h,30m", "--bootstrap-servers", _cluster.BootstrapServers);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.TrimEnd().Split('\n');
        Assert.StartsWith("ctr: 500 labeled examples (0 rejected); evaluated on the 61 ", lines[0]);
        Assert.Matches(@"^WINDOW\s+TRAINING EXAMPLES\s+ACCURACY\s+AUC\s+BRIER\s+ECE\s+LOG_LOSS\s+FIT$", lines[1]);
        Assert.Matches(@"^2h\s+120\s", lines[2]);
        Assert.Matches(@"^30m\s+30\s", lines[3]);
    }

    [Fact]
    public async Task A_model_without_examples_is_reported_in_one_line_with_exit_code_2()
    {
        var result = await CliRunner.RunAsync("freshness", "--model", "nope", "--bootstrap-servers", _cluster.BootstrapServers);

        Assert.Equal((2, "error: labeled-examples has no labeled example of nope."), (result.ExitCode, result.Error.Trim()));
    }

    [Theory]
    [InlineData("--windows", "1h,5x", "error: --windows: '5x' is not a duration such as 30m, 6h, 1d or 2w.")]
    [InlineData("--evaluation", "0h", "error: --evaluation: '0h' is not a duration such as 30m, 6h, 1d or 2w.")]
    public async Task A_bad_duration_is_reported_naming_the_option(string option, string value, string error)
    {
        var result = await CliRunner.RunAsync("freshness", "--model", "ctr", option, value, "--bootstrap-servers", "127.0.0.1:1");

        Assert.Equal((2, error), (result.ExitCode, result.Error.Trim()));
    }

    public void Dispose() => _cluster.Dispose();

    private void Write(IEnumerable<LabeledExample> examples)
    {
        using var serdes = new EventSerdes(new KafkaOptions());
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        foreach (var example in examples)
        {
            producer.Produce("labeled-examples", new Message<string, byte[]> { Key = example.PredictionId, Value = serdes.For<LabeledExample>().Serialize(example, "labeled-examples") });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}
