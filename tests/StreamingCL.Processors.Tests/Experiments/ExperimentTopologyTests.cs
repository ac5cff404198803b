using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors.Experiments;
using Streamiz.Kafka.Net.SerDes;

namespace StreamingCL.Processors.Tests.Experiments;

public sealed class ExperimentTopologyTests : IDisposable
{
    private static readonly DateTimeOffset Start = ExperimentTraffic.Start;

    private readonly ExperimentTraffic _traffic = new(
        new ExperimentDefinition
        {
            Id = "ab",
            Control = "A",
            Variants = ["A", "B"],
            Metric = new MetricDefinition { Type = MetricType.Mean, Source = OutcomeSource.Reward },
        },
        new ExperimentDefinition
        {
            Id = "canary",
            Kind = ExperimentKind.Canary,
            Control = "stable",
            Variants = ["stable", "canary"],
            Guardrail = new GuardrailDefinition(),
        });

    [Fact]
    public void A_window_is_published_once_when_stream_time_passes_its_end_plus_the_grace_and_later_records_count_only_cumulatively()
    {
        _traffic.Expose("ab", "u-1", "A", Start.AddMinutes(5));
        _traffic.Label("ab", "u-1", "A", Start.AddMinutes(5), reward: 1);
        _traffic.Label("ab", "u-2", "B", Start.AddMinutes(30), reward: 2);
        _traffic.Label("ab", "u-1", "A", Start.AddMinutes(65), reward: 3); // the next window, published at 11:06
        _traffic.Tick(Start.AddMinutes(69));
        Assert.DoesNotContain(_traffic.Metrics(), metric => metric.Scope == MetricScope.Window); // 10:00-11:00 closes at 11:10

        _traffic.Tick(Start.AddMinutes(70));
        var windows = _traffic.Metrics().Where(metric => metric.Scope == MetricScope.Window).ToList();
        Assert.Equal(["ab/A 1 1", "ab/B 1 2"], windows.Select(metric => $"{metric.ExperimentId}/{metric.Variant} {metric.Units} {metric.MetricSum}"));
        Assert.All(windows, metric => Assert.Equal((Start, Start.AddHours(1)), (metric.WindowStart, metric.WindowEnd)));

        _traffic.Expose("ab", "u-3", "B", Start.AddMinutes(50)); // late for its window
        _traffic.Tick(Start.AddMinutes(72));

        var metrics = _traffic.Metrics();
        Assert.DoesNotContain(metrics, metric => metric.Scope == MetricScope.Window);
        ExperimentMetric a = metrics.Latest("ab", "A"), b = metrics.Latest("ab", "B");
        Assert.Equal((1, 4.0, 16.0), (a.Units, a.MetricSum, a.MetricSumSquares)); // one unit, 1 + 3
        Assert.Equal((2, 2.0), (b.Units, b.MetricSum));
        Assert.Equal((Start.AddMinutes(5), Start.AddMinutes(72)), (a.WindowStart, a.WindowEnd));
        var windowUnits = _traffic.Harness.Driver.GetKeyValueStore<string, UnitState>(ExperimentTransformer.WindowUnitStoreName);
        Assert.Equal([$"ab\0{Start.AddHours(1).ToUnixTimeMilliseconds()}\0u-1"], windowUnits.All().Select(entry => entry.Key).Where(key => key.StartsWith("ab\0", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_experiment_idle_for_the_retention_is_dropped_with_its_units()
    {
        _traffic.Expose("ab", "u-1", "A", Start);
        _traffic.Label("canary", "u-2", "canary", Start, label: 1);
        var units = _traffic.Harness.Driver.GetKeyValueStore<string, UnitState>(ExperimentTransformer.UnitStoreName);
        Assert.Equal(["ab\0u-1", "canary\0u-2"], Keys(units));

        _traffic.Tick(Start.AddHours(23));
        _traffic.Expose("ab", "u-3", "A", Start.AddHours(23));
        _traffic.Tick(Start.AddDays(1).AddMinutes(1));

        Assert.Equal(["ab\0u-1", "ab\0u-3", "clock\0clock"], Keys(units));
        var states = _traffic.Harness.Driver.GetKeyValueStore<string, ExperimentState>(ExperimentTransformer.StateStoreName);
        Assert.Equal(["ab", "clock"], states.All().Select(entry => entry.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Invalid_records_are_dead_lettered_and_the_analysis_goes_on()
    {
        _traffic.Harness.PipeBytes(EventTopic.Predictions, "garbage", [0xde, 0xad], Start);
        _traffic.Expose("unknown", "u-1", "A", Start);
        _traffic.Expose("ab", "u-1", null, Start);
        _traffic.Expose("ab", "u-1", "Z", Start);
        _traffic.Label("canary", "u-1", "canary", Start, label: 0.7);
        _traffic.Label("ab", "", "A", Start, reward: 1);
        _traffic.Expose(experiment: null!, "u-1", null, Start); // not experiment traffic: ignored
        _traffic.Expose("ab", "u-1", "A", Start);
        _traffic.Tick(Start.AddMinutes(2));

        var deadLetters = _traffic.DeadLetters();
        Assert.Equal(
            [DeadLetterKind.Malformed, DeadLetterKind.UnknownModel, DeadLetterKind.MissingField, DeadLetterKind.InvalidValue, DeadLetterKind.InvalidValue, DeadLetterKind.MissingField],
            deadLetters.Select(letter => letter.ErrorKind));
        Assert.Equal(["predictions", "predictions", "predictions", "predictions", "labeled-examples", "labeled-examples"], deadLetters.Select(letter => letter.OriginalTopic));
        Assert.Equal([0L, 1, 2, 3, 0, 1], deadLetters.Select(letter => letter.OriginalOffset));
        Assert.All(deadLetters, letter => Assert.Equal("streamingcl-experiments", letter.Processor));
        Assert.Contains("'unknown' is not defined", deadLetters[1].Reason);
        Assert.Contains("'Z' is not one of", deadLetters[3].Reason);
        Assert.Contains("error-rate guardrail", deadLetters[4].Reason);
        Assert.NotNull(deadLetters[1].Payload); // the original bytes, checked before the repartition
        Assert.Equal(1, _traffic.Metrics().Latest("ab", "A").Units);
        Assert.Equal(1, _traffic.Harness.Metric("streamingcl_dead_letters_total{processor=\"streamingcl-experiments\",kind=\"UnknownModel\"}"));
    }

    [Fact]
    public void A_record_of_an_experiment_removed_while_it_was_in_the_repartition_topic_is_dead_lettered_with_its_origin()
    {
        var repartition = _traffic.Harness.Driver.CreateInputTopic(
            "streamingcl-experiments-experiment-observations-repartition", new StringSerDes(), new JsonStateSerDes<Observation>());
        var origin = new RecordOrigin("labeled-examples", 3, 42, Start.ToUnixTimeMilliseconds());
        repartition.PipeInput("gone", new UnitObservation("gone", "p-1", Start.ToUnixTimeMilliseconds(), origin, "u-1", "A", 1, null), Start.UtcDateTime);
        repartition.PipeInput("ab", new UnitObservation("ab", "p-2", Start.ToUnixTimeMilliseconds(), origin with { Offset = 43 }, "u-1", "C", 1, null), Start.UtcDateTime);

        var deadLetters = _traffic.DeadLetters();
        Assert.Equal([DeadLetterKind.UnknownModel, DeadLetterKind.InvalidValue], deadLetters.Select(letter => letter.ErrorKind));
        Assert.Equal([("labeled-examples", 3, 42L), ("labeled-examples", 3, 43L)], deadLetters.Select(letter => (letter.OriginalTopic, letter.OriginalPartition, letter.OriginalOffset)));
        Assert.Equal("p-1"u8.ToArray(), deadLetters[0].Key!.Value.ToArray());
        Assert.Null(deadLetters[0].Payload); // the repartition topic holds a projection, not the event's bytes
    }

    [Fact]
    public void Internal_topics_are_the_stores_changelogs_and_the_repartition_by_experiment()
    {
        var topics = ExperimentTopology.Definition(_traffic.Options).InternalTopics(_traffic.Harness.Environment);

        Assert.Equal(
            ["experiment-shadow-pairs", "experiment-state", "experiment-units", "experiment-window-units"],
            topics.Stores.Select(store => store.Name).Order(StringComparer.Ordinal));
        Assert.All(topics.Stores, store => Assert.Null(store.WindowRetention)); // compacted: windows are deleted by the application
        Assert.Equal(["experiment-observations"], topics.Repartitions);
        Assert.Equal(8, topics.Partitions);
    }

    public void Dispose() => _traffic.Dispose();

    private static List<string> Keys<T>(Streamiz.Kafka.Net.State.IReadOnlyKeyValueStore<string, T> store) =>
        [.. store.All().Select(entry => entry.Key).Order(StringComparer.Ordinal)];
}
