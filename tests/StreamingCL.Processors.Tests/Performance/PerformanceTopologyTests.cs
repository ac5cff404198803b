using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors.Performance;
using StreamingCL.Statistics.Performance;

namespace StreamingCL.Processors.Tests.Performance;

public sealed class PerformanceTopologyTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Size = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private static readonly PerformanceOptions Options = new()
    {
        WindowSize = Size,
        Grace = Grace,
        DecisionThreshold = 0.6,
        CalibrationBins = 5,
        RocAucBins = 20,
        Tasks = new() { ["eta"] = ModelTask.Regression },
    };

    private static readonly (double Score, double Label)[] Scored =
    [
        (0.91, 1), (0.12, 0), (0.55, 1), (0.62, 0), (0.30, 0), (0.77, 1), (0.05, 0), (0.48, 1), (0.66, 1), (0.99, 0), (0.35, 0), (0.58, 1),
    ];

    private TopologyHarness _harness = new(environment => PerformanceTopology.Build(Options, environment), Options.ApplicationId);
    private int _ids;

    [Fact]
    public void A_window_publishes_the_statistics_library_metrics_of_its_examples()
    {
        for (var i = 0; i < Scored.Length; i++)
        {
            Example("ctr", 2, Scored[i].Score, Scored[i].Label, Start.AddSeconds(i * 4));
        }

        Example("ctr", 2, 0.5, 1, Start + Size + Grace); // moves stream time to the close time

        var expected = new ClassificationMetrics(calibrationBins: 5, rocAucBins: 20, decisionThreshold: 0.6);
        foreach (var (score, label) in Scored)
        {
            expected.Add(score, label == 1);
        }

        var record = Assert.Single(_harness.Read<PerformanceMetric>(EventTopic.PerformanceMetrics));
        Assert.Equal("ctr/2", record.Message.Key);
        var metric = record.Message.Value;
        Assert.Equal(("ctr", 2, Start, Start + Size, 12L, ModelTask.BinaryClassification), (metric.ModelName, metric.ModelVersion, metric.WindowStart, metric.WindowEnd, metric.ExampleCount, metric.Task));
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["accuracy"] = expected.Accuracy,
                ["log_loss"] = expected.LogLoss,
                ["brier"] = expected.BrierScore,
                ["ece"] = expected.ExpectedCalibrationError,
                ["auc"] = expected.RocAucEstimate,
                ["auc_error_bound"] = expected.RocAucErrorBound,
            },
            metric.Metrics);
        Assert.Equal(7.0 / 12, metric.Metrics["accuracy"], 15); // at 0.6: 0.55, 0.48 and 0.58 are missed positives, 0.62 and 0.99 false positives
        Assert.Equal(expected.RocAucEstimate, _harness.Metric("streamingcl_model_metric{model=\"ctr\",version=\"2\",metric=\"auc\"}"));
    }

    [Fact]
    public void A_window_closes_exactly_when_stream_time_reaches_its_end_plus_the_grace()
    {
        Example("ctr", 2, 0.9, 1, Start.AddSeconds(5));
        Example("other", 1, 0.9, 1, Start + Size + Grace - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_harness.Read<PerformanceMetric>(EventTopic.PerformanceMetrics));

        Example("other", 1, 0.9, 1, Start + Size + Grace); // another version's record moves the task's stream time

        var metric = Assert.Single(_harness.Read<PerformanceMetric>(EventTopic.PerformanceMetrics)).Message.Value;
        Assert.Equal(("ctr", Start, 1L), (metric.ModelName, metric.WindowStart, metric.ExampleCount));
        Assert.False(metric.Metrics.ContainsKey("auc")); // one class only: undefined, so left out rather than NaN
        Assert.Equal(1.0, metric.Metrics["accuracy"]);
    }

    [Fact]
    public void A_record_within_the_grace_still_counts_and_one_after_the_close_is_late_and_counted()
    {
        Example("ctr", 2, 0.9, 1, Start.AddSeconds(5));
        Example("ctr", 2, 0.8, 1, Start + Size + TimeSpan.FromSeconds(1)); // next window: stream time is inside the grace
        Example("ctr", 2, 0.2, 1, Start.AddSeconds(50)); // first window, within the grace: counts
        Example("ctr", 2, 0.7, 0, Start + Size + Grace);

        var first = Assert.Single(_harness.Read<PerformanceMetric>(EventTopic.PerformanceMetrics)).Message.Value;
        Assert.Equal((Start, 2L, 0.5), (first.WindowStart, first.ExampleCount, first.Metrics["accuracy"]));

        Example("ctr", 2, 0.1, 0, Start.AddSeconds(59)); // its window is published: late
        Example("ctr", 2, 0.1, 0, Start + (2 * Size) + Grace);

        var second = Assert.Single(_harness.Read<PerformanceMetric>(EventTopic.PerformanceMetrics)).Message.Value;
        Assert.Equal((Start + Size, 2L), (second.WindowStart, second.ExampleCount));
        Assert.Equal(1, _harness.Metric("streamingcl_skipped_total{application=\"streamingcl-performance\",reason=\"late\"}"));
        Assert.Empty(_harness.Read<DeadLetter>(EventTopic.DeadLetters));
    }

    [Fact]
    public void Each_version_served_or_shadow_gets_its_own_metrics()
    {
        Example("ctr", 2, 0.9, 1, Start.AddSeconds(1));
        Example("ctr", 3, 0.2, 1, Start.AddSeconds(1), shadow: true);
        Example("ctr", 2, 0.1, 0, Start.AddSeconds(2));
        Example("ctr", 3, 0.7, 0, Start.AddSeconds(2), shadow: true);
        Example("ctr", 3, 0.8, 1, Start.AddSeconds(3), shadow: true);
        Example("ctr", 2, 0.5, 1, Start + Size + Grace);

        var metrics = _harness.Read<PerformanceMetric>(EventTopic.PerformanceMetrics).ToDictionary(record => record.Message.Key, record => record.Message.Value);

        Assert.Equal(["ctr/2", "ctr/3"], metrics.Keys.Order());
        Assert.Equal((2L, 1.0, 1.0), (metrics["ctr/2"].ExampleCount, metrics["ctr/2"].Metrics["accuracy"], metrics["ctr/2"].Metrics["auc"]));
        Assert.Equal((3L, 1.0 / 3, 0.5), (metrics["ctr/3"].ExampleCount, metrics["ctr/3"].Metrics["accuracy"], metrics["ctr/3"].Metrics["auc"]));
    }

    [Fact]
    public void A_regression_model_gets_mae_and_rmse()
    {
        (double Score, double Label)[] examples = [(10.0, 12.5), (3.0, 2.0), (7.5, 7.5), (1.0, -2.0)];
        foreach (var (score, label) in examples)
        {
            Example("eta", 1, score, label, Start.AddSeconds(10));
        }

        Example("eta", 1, 0.0, 0.0, Start + Size + Grace);

        var metric = Assert.Single(_harness.Read<PerformanceMetric>(EventTopic.PerformanceMetrics)).Message.Value;
        Assert.Equal((ModelTask.Regression, 4L), (metric.Task, metric.ExampleCount));
        Assert.Equal(new Dictionary<string, double> { ["mae"] = 6.5 / 4, ["rmse"] = Math.Sqrt(16.25 / 4) }, metric.Metrics);
    }

    [Fact]
    public void Invalid_examples_are_dead_lettered_and_unlabeled_ones_counted()
    {
        _harness.PipeBytes(EventTopic.LabeledExamples, "garbage", [0x01, 0x02], Start);
        Example("ctr", 2, 1.5, 1, Start.AddSeconds(1));
        Example("ctr", 2, 0.5, 2, Start.AddSeconds(2));
        Example("ctr", 2, 0.5, null, Start.AddSeconds(3));
        Example("ctr", 2, 0.5, 1, Start.AddSeconds(4));
        Example("ctr", 2, 0.5, 1, Start + Size + Grace);

        var deadLetters = _harness.Read<DeadLetter>(EventTopic.DeadLetters).Select(record => record.Message.Value).ToList();
        Assert.Equal([DeadLetterKind.Malformed, DeadLetterKind.InvalidValue, DeadLetterKind.InvalidValue], deadLetters.Select(letter => letter.ErrorKind));
        Assert.Equal([0L, 1L, 2L], deadLetters.Select(letter => letter.OriginalOffset));
        Assert.Contains("not a probability", deadLetters[1].Reason);
        Assert.Contains("not 0 or 1", deadLetters[2].Reason);
        Assert.Equal(1L, Assert.Single(_harness.Read<PerformanceMetric>(EventTopic.PerformanceMetrics)).Message.Value.ExampleCount);
        Assert.Equal(1, _harness.Metric("streamingcl_skipped_total{application=\"streamingcl-performance\",reason=\"unlabeled\"}"));
    }

    [Fact]
    public void A_model_without_a_task_is_unknown_when_there_is_no_default()
    {
        var options = new PerformanceOptions { WindowSize = Size, Grace = Grace, DefaultTask = null, Tasks = new() { ["eta"] = ModelTask.Regression } };
        _harness.Dispose();
        _harness = new(environment => PerformanceTopology.Build(options, environment), options.ApplicationId);

        Example("ctr", 2, 0.5, 1, Start);
        Example("eta", 1, 3.0, 2.0, Start);

        var deadLetter = Assert.Single(_harness.Read<DeadLetter>(EventTopic.DeadLetters)).Message.Value;
        Assert.Equal(DeadLetterKind.UnknownModel, deadLetter.ErrorKind);
        Assert.Contains("'ctr'", deadLetter.Reason);
    }

    [Fact]
    public void State_holds_only_open_windows()
    {
        Example("ctr", 2, 0.9, 1, Start);
        Example("ctr", 3, 0.9, 1, Start);
        var store = _harness.Driver.GetKeyValueStore<string, PerformanceState>(PerformanceTransformer.StoreName);
        Assert.Equal(["ctr/2", "ctr/3"], store.All().Select(entry => entry.Key).Order());
        Assert.Equal(1, ClassificationMetrics.Restore(store.Get("ctr/2").Windows.Single().Classification!).Count);

        Example("ctr", 3, 0.9, 1, Start + Size + Grace);

        Assert.Equal(["ctr/3"], store.All().Select(entry => entry.Key));
        Assert.Equal(Start + Size, DateTimeOffset.FromUnixTimeMilliseconds(store.Get("ctr/3").Windows.Single().StartMs));
    }

    [Fact]
    public void Labels_define_event_time_whatever_the_record_timestamp()
    {
        Example("ctr", 2, 0.9, 1, Start.AddSeconds(30), recordTimestamp: Start.AddHours(1));
        Example("ctr", 2, 0.9, 1, Start + Size + Grace, recordTimestamp: Start);

        var metric = Assert.Single(_harness.Read<PerformanceMetric>(EventTopic.PerformanceMetrics)).Message.Value;
        Assert.Equal((Start, 1L), (metric.WindowStart, metric.ExampleCount));
    }

    [Fact]
    public void Its_internal_topics_are_the_changelogs_of_its_stores_and_the_repartition_by_version()
    {
        var topics = PerformanceTopology.Definition(Options).InternalTopics(_harness.Environment);

        Assert.Equal([new StateStoreTopic(PerformanceTransformer.StoreName), new StateStoreTopic(PerformanceTransformer.StreamTimeStoreName)], topics.Stores);
        Assert.Equal(["streamingcl-performance-performance-by-version-repartition"], topics.Repartitions.Select(topics.RepartitionTopic));
        Assert.Equal(8, topics.Partitions);
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>A labeled example, labeled at <paramref name="labeledAt"/> (predicted a second before).</summary>
    private void Example(string model, int version, double score, double? label, DateTimeOffset labeledAt, bool shadow = false, DateTimeOffset? recordTimestamp = null)
    {
        var id = $"p-{_ids++}";
        _harness.Pipe(EventTopic.LabeledExamples, id, new LabeledExample
        {
            PredictionId = id,
            ModelName = model,
            ModelVersion = version,
            UnitId = "u-1",
            PredictionTimestamp = labeledAt.AddSeconds(-1),
            FeedbackDelay = TimeSpan.FromSeconds(1),
            Score = score,
            Label = label,
            Reward = label is null ? 1.0 : null,
            Shadow = shadow,
        }, recordTimestamp ?? labeledAt);
    }
}
