using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors.Triggers;

namespace StreamingCL.Processors.Tests.Triggers;

public sealed class TriggerTopologyTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private readonly List<TopologyHarness> _harnesses = [];
    private int _ids;

    [Fact]
    public void Drift_fires_with_the_drifted_features_statistics_and_the_window_as_id()
    {
        var harness = Harness();
        Drift(harness, "income", Start, DriftSeverity.None, psi: 0.02);
        Drift(harness, "age", Start, DriftSeverity.Drift, psi: 0.31);

        var record = Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));
        Assert.Equal("ctr", record.Message.Key);
        Assert.Equal(
            new RetrainTrigger
            {
                TriggerId = $"ctr:drift:2:{Start.ToUnixTimeMilliseconds()}",
                ModelName = "ctr",
                Kind = TriggerKind.Drift,
                Timestamp = Start,
                Reason = "Drift in 1 of the 2 features reported so far for the window of version 2 ending 2026-11-26 10:00:00Z (1 needed): age.",
                Evidence = new Dictionary<string, double> { ["age.psi"] = 0.31, ["age.js_distance"] = 0.31 / 2, ["drifted_features"] = 1, ["reported_features"] = 2, ["model_version"] = 2 },
                TrainingKind = null,
                RequestedBy = "streamingcl-triggers",
            },
            record.Message.Value,
            TriggerComparer.Instance);
        Assert.Equal(1, harness.Metric("streamingcl_retrain_triggers_total{model=\"ctr\",kind=\"Drift\"}"));
    }

    [Fact]
    public void With_two_features_needed_one_drifted_feature_does_not_fire_and_two_do()
    {
        var harness = Harness(options => options.Drift.MinDriftedFeatures = 2);
        Drift(harness, "age", Start, DriftSeverity.Drift, psi: 0.31);
        Drift(harness, "income", Start, DriftSeverity.Warning, psi: 0.15);
        Drift(harness, "__score__", Start, DriftSeverity.None, psi: 0.01, kind: DriftKind.Prediction);
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));

        var next = Start.AddMinutes(5);
        Drift(harness, "age", next, DriftSeverity.Drift, psi: 0.4);
        Drift(harness, "income", next, DriftSeverity.None, psi: 0.05);
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));
        Drift(harness, "__score__", next, DriftSeverity.Drift, psi: 0.22, kind: DriftKind.Prediction);

        var trigger = Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value;
        Assert.Equal($"ctr:drift:2:{next.ToUnixTimeMilliseconds()}", trigger.TriggerId);
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["age.psi"] = 0.4, ["age.js_distance"] = 0.2, ["__score__.psi"] = 0.22, ["__score__.js_distance"] = 0.11, ["drifted_features"] = 2, ["reported_features"] = 3, ["model_version"] = 2,
            },
            trigger.Evidence);
        Assert.Equal("Drift in 2 of the 3 features reported so far for the window of version 2 ending 2026-11-26 10:05:00Z (2 needed): age, __score__.", trigger.Reason);
    }

    [Fact]
    public void Drift_is_tallied_per_version_and_window()
    {
        var harness = Harness(options => options.Drift.MinDriftedFeatures = 2);
        Drift(harness, "age", Start, DriftSeverity.Drift, psi: 0.31, version: 2);
        Drift(harness, "income", Start, DriftSeverity.Drift, psi: 0.25, version: 3); // the same window of another version
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));

        Drift(harness, "age", Start, DriftSeverity.Drift, psi: 0.4, version: 3);

        var trigger = Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value;
        Assert.Equal($"ctr:drift:3:{Start.ToUnixTimeMilliseconds()}", trigger.TriggerId);
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["income.psi"] = 0.25, ["income.js_distance"] = 0.125, ["age.psi"] = 0.4, ["age.js_distance"] = 0.2, ["drifted_features"] = 2, ["reported_features"] = 2, ["model_version"] = 3,
            },
            trigger.Evidence);
    }

    [Fact]
    public void A_concept_drift_fires_on_its_own()
    {
        var harness = Harness(options => options.Drift.MinDriftedFeatures = 5);
        var change = Start.AddSeconds(17);
        harness.Pipe(EventTopic.DriftMetrics, "ctr/__error__", new DriftMetric
        {
            ModelName = "ctr",
            ModelVersion = 4,
            Feature = DriftMetric.ErrorFeature,
            Kind = DriftKind.Concept,
            WindowStart = Start.AddMinutes(-3),
            WindowEnd = change,
            SampleSize = 812,
            Statistics = new Dictionary<string, double> { ["mean_before"] = 0.12, ["mean_after"] = 0.31 },
            Detector = "adwin",
            Severity = DriftSeverity.Drift,
        }, change);

        var trigger = Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value;
        Assert.Equal(($"ctr:drift:4:__error__:{change.ToUnixTimeMilliseconds()}", TriggerKind.Drift, change), (trigger.TriggerId, trigger.Kind, trigger.Timestamp));
        Assert.Equal(new Dictionary<string, double> { ["__error__.mean_before"] = 0.12, ["__error__.mean_after"] = 0.31, ["model_version"] = 4 }, trigger.Evidence);
        Assert.Equal("Concept drift: adwin signalled a change in __error__ of version 4 at 2026-11-26 10:00:17Z.", trigger.Reason);
    }

    [Fact]
    public void Performance_under_the_absolute_threshold_fires()
    {
        var harness = Harness();
        Performance(harness, version: 2, Start, auc: 0.65);

        var trigger = Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value;
        Assert.Equal(($"ctr:performance:2:{Start.ToUnixTimeMilliseconds()}", TriggerKind.Performance, Start), (trigger.TriggerId, trigger.Kind, trigger.Timestamp));
        Assert.Equal(new Dictionary<string, double> { ["auc"] = 0.65, ["auc_threshold"] = 0.7, ["model_version"] = 2, ["example_count"] = 500 }, trigger.Evidence);
        Assert.Equal("auc of version 2 was 0.65 in the window ending 2026-11-26 10:00:00Z (500 examples), under the threshold 0.7.", trigger.Reason);
    }

    [Fact]
    public void Performance_worse_than_the_version_baseline_by_more_than_the_relative_drop_fires()
    {
        var harness = Harness();
        Performance(harness, version: 3, Start, auc: 0.90); // the baseline
        Performance(harness, version: 4, Start, auc: 0.80); // another version: its own baseline
        Performance(harness, version: 3, Start.AddMinutes(15), auc: 0.82); // 8.9 % worse
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));

        Performance(harness, version: 3, Start.AddMinutes(30), auc: 0.80); // 11.1 % worse

        var trigger = Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value;
        Assert.Equal($"ctr:performance:3:{Start.AddMinutes(30).ToUnixTimeMilliseconds()}", trigger.TriggerId);
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["auc"] = 0.80, ["auc_baseline"] = 0.90, ["relative_drop"] = (0.90 - 0.80) / 0.90, ["max_relative_drop"] = 0.1, ["model_version"] = 3, ["example_count"] = 500,
            },
            trigger.Evidence);
        Assert.Equal(
            "auc of version 3 was 0.8 in the window ending 2026-11-26 10:30:00Z (500 examples): 11.1111% worse than its baseline 0.9 (its first window of at least 200 examples, ending 2026-11-26 10:00:00Z); at most 10% allowed.",
            trigger.Reason);
    }

    [Fact]
    public void A_window_with_fewer_examples_than_the_minimum_neither_fires_nor_becomes_the_baseline()
    {
        var harness = Harness(); // at least 200 examples, by default
        Performance(harness, version: 3, Start, auc: 0.99, examples: 50);
        Performance(harness, version: 3, Start.AddMinutes(15), auc: 0.90); // the baseline
        Performance(harness, version: 3, Start.AddMinutes(30), auc: 0.50, examples: 199); // under the threshold, but too small to tell
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));

        Performance(harness, version: 3, Start.AddMinutes(45), auc: 0.80);

        var trigger = Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value;
        Assert.Equal((0.90, (0.90 - 0.80) / 0.90), (trigger.Evidence["auc_baseline"], trigger.Evidence["relative_drop"]));
        Assert.Contains("its first window of at least 200 examples, ending 2026-11-26 10:15:00Z", trigger.Reason);
        Assert.Equal(2, harness.Metric("streamingcl_skipped_total{application=\"streamingcl-triggers\",reason=\"too_few_examples\"}"));
    }

    [Fact]
    public void A_lower_is_better_metric_fires_over_its_threshold()
    {
        var harness = Harness(options => (options.Performance.Metric, options.Performance.Threshold) = ("log_loss", 0.5));
        Performance(harness, version: 2, Start, auc: 0.95, logLoss: 0.45);
        Performance(harness, version: 2, Start.AddMinutes(15), auc: 0.95, logLoss: 0.55);

        var trigger = Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value;
        Assert.Equal((0.55, 0.5), (trigger.Evidence["log_loss"], trigger.Evidence["log_loss_threshold"]));
        Assert.EndsWith("over the threshold 0.5.", trigger.Reason);
    }

    [Fact]
    public void Volume_fires_after_n_served_labeled_examples_and_counts_again_from_zero()
    {
        var harness = Harness();
        Labeled(harness, Start);
        Labeled(harness, Start.AddSeconds(1), shadow: true); // repeats served traffic: not counted
        Labeled(harness, Start.AddSeconds(2), label: null); // nothing to learn from: not counted
        Labeled(harness, Start.AddSeconds(3));
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));

        Labeled(harness, Start.AddSeconds(4));

        var trigger = Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value;
        Assert.Equal(($"ctr:volume:{Start.AddSeconds(4).ToUnixTimeMilliseconds()}", TriggerKind.Volume, Start.AddSeconds(4)), (trigger.TriggerId, trigger.Kind, trigger.Timestamp));
        Assert.Equal(new Dictionary<string, double> { ["labeled_examples"] = 3 }, trigger.Evidence);
        Assert.Equal("3 new labeled examples of ctr since its last trigger (3 needed).", trigger.Reason);

        var afterCooldown = Start.AddMinutes(20);
        Labeled(harness, afterCooldown);
        Labeled(harness, afterCooldown.AddSeconds(1));
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));
        Labeled(harness, afterCooldown.AddSeconds(2));
        Assert.Equal($"ctr:volume:{afterCooldown.AddSeconds(2).ToUnixTimeMilliseconds()}", Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value.TriggerId);
    }

    [Fact]
    public void The_cooldown_suppresses_a_second_trigger_within_it_and_allows_one_after_it()
    {
        var harness = Harness();
        Drift(harness, "age", Start, DriftSeverity.Drift, psi: 0.3);
        Performance(harness, version: 2, Start.AddMinutes(5), auc: 0.6); // any kind: within 10 min of the drift trigger
        Drift(harness, "age", Start.AddMinutes(9), DriftSeverity.Drift, psi: 0.3);
        Drift(harness, "age", Start.AddMinutes(10), DriftSeverity.Drift, psi: 0.3);

        Assert.Equal(
            [$"ctr:drift:2:{Start.ToUnixTimeMilliseconds()}", $"ctr:drift:2:{Start.AddMinutes(10).ToUnixTimeMilliseconds()}"],
            harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers).Select(record => record.Message.Value.TriggerId));
        Assert.Equal(1, harness.Metric("streamingcl_retrain_triggers_suppressed_total{model=\"ctr\",kind=\"Performance\"}"));
        Assert.Equal(1, harness.Metric("streamingcl_retrain_triggers_suppressed_total{model=\"ctr\",kind=\"Drift\"}"));
    }

    [Fact]
    public void A_trigger_of_any_kind_resets_the_volume_count()
    {
        var harness = Harness();
        Labeled(harness, Start);
        Labeled(harness, Start.AddSeconds(1));
        Drift(harness, "age", Start.AddSeconds(2), DriftSeverity.Drift, psi: 0.3);
        var afterCooldown = Start.AddMinutes(15);
        Labeled(harness, afterCooldown);
        Labeled(harness, afterCooldown.AddSeconds(1));

        Assert.Equal([TriggerKind.Drift], harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers).Select(record => record.Message.Value.Kind));
    }

    [Fact]
    public void A_replayed_input_gives_the_same_trigger_id_and_never_a_second_trigger()
    {
        var first = Harness();
        var replay = Harness();
        foreach (var harness in new[] { first, replay })
        {
            Drift(harness, "age", Start, DriftSeverity.Drift, psi: 0.3);
            Performance(harness, version: 2, Start.AddMinutes(20), auc: 0.6);
        }

        Drift(first, "age", Start, DriftSeverity.Drift, psi: 0.3); // the same evidence again
        Performance(first, version: 2, Start.AddMinutes(20), auc: 0.6);

        var triggers = first.Read<RetrainTrigger>(EventTopic.RetrainTriggers).Select(record => record.Message.Value).ToList();
        Assert.Equal(
            [$"ctr:drift:2:{Start.ToUnixTimeMilliseconds()}", $"ctr:performance:2:{Start.AddMinutes(20).ToUnixTimeMilliseconds()}"],
            triggers.Select(trigger => trigger.TriggerId));
        Assert.Equal(triggers, replay.Read<RetrainTrigger>(EventTopic.RetrainTriggers).Select(record => record.Message.Value), TriggerComparer.Instance);
    }

    [Fact]
    public void The_schedule_fires_for_every_model_seen_at_each_interval_of_the_wall_clock()
    {
        var harness = Harness();
        Labeled(harness, Start); // 12:00 on the wall clock: the first interval does not fire
        Labeled(harness, Start, model: "churn");
        harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));

        harness.Clock.Advance(TimeSpan.FromMinutes(60));
        harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));

        var interval = new DateTimeOffset(2026, 11, 26, 13, 0, 0, TimeSpan.Zero);
        var triggers = harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers).Select(record => record.Message.Value).ToList();
        Assert.Equal([$"churn:scheduled:{interval.ToUnixTimeMilliseconds()}", $"ctr:scheduled:{interval.ToUnixTimeMilliseconds()}"], triggers.Select(trigger => trigger.TriggerId));
        Assert.All(triggers, trigger => Assert.Equal((TriggerKind.Scheduled, interval), (trigger.Kind, trigger.Timestamp)));
        Assert.Equal(new Dictionary<string, double> { ["labeled_examples"] = 1 }, triggers[0].Evidence);
        Assert.Equal("Scheduled retrain of churn, every 01:00:00.", triggers[0].Reason);

        harness.Clock.Advance(TimeSpan.FromMinutes(30));
        harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));
    }

    [Fact]
    public void The_schedule_respects_the_cooldown_in_wall_clock_time()
    {
        var harness = Harness();
        harness.Clock.Advance(TimeSpan.FromMinutes(55)); // 12:55
        Drift(harness, "age", Start, DriftSeverity.Drift, psi: 0.3);
        harness.Clock.Advance(TimeSpan.FromMinutes(5)); // 13:00: 5 min after the drift trigger
        harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));

        Assert.Equal([TriggerKind.Drift], harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers).Select(record => record.Message.Value.Kind));
        Assert.Equal(1, harness.Metric("streamingcl_retrain_triggers_suppressed_total{model=\"ctr\",kind=\"Scheduled\"}"));

        harness.Clock.Advance(TimeSpan.FromMinutes(60));
        harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));
        Assert.Equal(TriggerKind.Scheduled, Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value.Kind);
    }

    [Fact]
    public void Evidence_older_than_the_maximum_age_is_ignored_and_counted()
    {
        var harness = Harness(); // wall clock 2026-11-26 12:00; evidence may be a day old, by default
        var stale = harness.Clock.GetUtcNow().AddDays(-1).AddMilliseconds(-1);
        Drift(harness, "age", stale, DriftSeverity.Drift, psi: 0.3);
        Performance(harness, version: 2, stale, auc: 0.6);
        for (var i = 0; i < 3; i++)
        {
            Labeled(harness, stale, model: "retired");
        }

        harness.Clock.Advance(TimeSpan.FromHours(1));
        harness.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1)); // no model was seen: nothing is scheduled
        Assert.Empty(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers));
        Assert.Equal(5, harness.Metric("streamingcl_skipped_total{application=\"streamingcl-triggers\",reason=\"stale\"}"));

        Drift(harness, "age", harness.Clock.GetUtcNow().AddDays(-1), DriftSeverity.Drift, psi: 0.3); // exactly a day old

        Assert.Equal(TriggerKind.Drift, Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value.Kind);
    }

    [Fact]
    public void Invalid_inputs_are_dead_lettered_and_the_triggers_go_on()
    {
        var harness = Harness();
        harness.PipeBytes(EventTopic.DriftMetrics, "ctr/age", [0x00, 0x01], Start);
        Drift(harness, "age", Start, DriftSeverity.Drift, psi: double.NaN);
        Performance(harness, version: -1, Start, auc: 0.5);
        harness.Pipe(EventTopic.LabeledExamples, "p-x", Example("ctr", Start, 1.0, shadow: false) with { Score = double.PositiveInfinity }, Start);
        Drift(harness, "age", Start, DriftSeverity.Drift, psi: 0.3);

        var deadLetters = harness.Read<DeadLetter>(EventTopic.DeadLetters).Select(record => record.Message.Value).ToList();
        Assert.Equal(
            [("drift-metrics", DeadLetterKind.Malformed), ("drift-metrics", DeadLetterKind.InvalidValue), ("performance-metrics", DeadLetterKind.InvalidValue), ("labeled-examples", DeadLetterKind.InvalidValue)],
            deadLetters.Select(letter => (letter.OriginalTopic, letter.ErrorKind)));
        Assert.Equal("statistics[psi] is NaN, not a finite number.", deadLetters[1].Reason);
        Assert.Equal("model_version must be 0 (before the first version) or more, was -1.", deadLetters[2].Reason);
        Assert.All(deadLetters, letter => Assert.Equal("streamingcl-triggers", letter.Processor));
        Assert.Equal(TriggerKind.Drift, Assert.Single(harness.Read<RetrainTrigger>(EventTopic.RetrainTriggers)).Message.Value.Kind);
    }

    [Fact]
    public void A_metric_without_a_known_direction_needs_one_in_the_configuration()
    {
        var options = new TriggerOptions { Performance = { Metric = "ndcg" } };

        var error = Assert.Throws<Kafka.InvalidConfigurationException>(options.Validate);

        Assert.Equal("Processors:Triggers:Performance:Direction", error.Key);
        options.Performance.Direction = MetricDirection.HigherIsBetter;
        options.Validate();
    }

    [Fact]
    public void The_evidence_age_and_the_examples_a_performance_window_needs_must_be_positive()
    {
        var stale = new TriggerOptions { MaxEvidenceAge = TimeSpan.Zero };
        var small = new TriggerOptions { Performance = { MinExamples = 0 } };

        Assert.Equal("Processors:Triggers:MaxEvidenceAge", Assert.Throws<Kafka.InvalidConfigurationException>(stale.Validate).Key);
        Assert.Equal("Processors:Triggers:Performance:MinExamples", Assert.Throws<Kafka.InvalidConfigurationException>(small.Validate).Key);
    }

    [Fact]
    public void Its_internal_topics_are_the_changelog_of_its_store_and_the_repartition_by_model()
    {
        var options = new TriggerOptions();
        var topics = TriggerTopology.Definition(options).InternalTopics(Harness().Environment);

        Assert.Equal([new StateStoreTopic(TriggerTransformer.StoreName)], topics.Stores);
        Assert.Equal(["streamingcl-triggers-triggers-by-model-repartition"], topics.Repartitions.Select(topics.RepartitionTopic));
    }

    public void Dispose()
    {
        foreach (var harness in _harnesses)
        {
            harness.Dispose();
        }
    }

    private static LabeledExample Example(string model, DateTimeOffset labeledAt, double? label, bool shadow) => new()
    {
        PredictionId = "p",
        ModelName = model,
        ModelVersion = shadow ? 3 : 2,
        UnitId = "u-1",
        PredictionTimestamp = labeledAt.AddSeconds(-30),
        FeedbackDelay = TimeSpan.FromSeconds(30),
        Score = 0.7,
        Label = label,
        Reward = label is null ? 1.0 : null,
        Shadow = shadow,
    };

    private static void Drift(TopologyHarness harness, string feature, DateTimeOffset windowEnd, DriftSeverity severity, double psi, DriftKind kind = DriftKind.Data, int version = 2) =>
        harness.Pipe(EventTopic.DriftMetrics, $"ctr/{feature}", new DriftMetric
        {
            ModelName = "ctr",
            ModelVersion = version,
            Feature = feature,
            Kind = kind,
            WindowStart = windowEnd.AddMinutes(-5),
            WindowEnd = windowEnd,
            SampleSize = 1000,
            Statistics = new Dictionary<string, double> { ["psi"] = psi, ["js_distance"] = psi / 2 },
            Severity = severity,
        }, windowEnd);

    private static void Performance(TopologyHarness harness, int version, DateTimeOffset windowEnd, double auc, double logLoss = 0.3, long examples = 500) =>
        harness.Pipe(EventTopic.PerformanceMetrics, $"ctr/{version}", new PerformanceMetric
        {
            ModelName = "ctr",
            ModelVersion = version,
            WindowStart = windowEnd.AddMinutes(-15),
            WindowEnd = windowEnd,
            ExampleCount = examples,
            Task = ModelTask.BinaryClassification,
            Metrics = new Dictionary<string, double> { ["auc"] = auc, ["log_loss"] = logLoss },
        }, windowEnd);

    private void Labeled(TopologyHarness harness, DateTimeOffset labeledAt, double? label = 1.0, bool shadow = false, string model = "ctr")
    {
        var id = $"p-{_ids++}";
        harness.Pipe(EventTopic.LabeledExamples, id, Example(model, labeledAt, label, shadow) with { PredictionId = id }, labeledAt);
    }

    /// <summary>Cooldown 10 min, drift on 1 feature, AUC under 0.7 or 10 % under its baseline, volume 3, schedule hourly.</summary>
    private TopologyHarness Harness(Action<TriggerOptions>? configure = null)
    {
        var options = new TriggerOptions
        {
            Cooldown = TimeSpan.FromMinutes(10),
            Performance = { Threshold = 0.7, MaxRelativeDrop = 0.1 },
            Volume = { Examples = 3 },
            Schedule = { Interval = TimeSpan.FromHours(1), CheckInterval = TimeSpan.FromMinutes(1) },
        };
        configure?.Invoke(options);
        var harness = new TopologyHarness(environment => TriggerTopology.Build(options, environment), options.ApplicationId);
        _harnesses.Add(harness);
        return harness;
    }

    /// <summary>Triggers compared by value, evidence included (records compare dictionaries by reference).</summary>
    private sealed class TriggerComparer : IEqualityComparer<RetrainTrigger>
    {
        public static readonly TriggerComparer Instance = new();

        public bool Equals(RetrainTrigger? x, RetrainTrigger? y) =>
            x is not null && y is not null
            && x with { Evidence = y.Evidence } == y
            && x.Evidence.Count == y.Evidence.Count
            && x.Evidence.All(entry => y.Evidence.TryGetValue(entry.Key, out var value) && value.Equals(entry.Value));

        public int GetHashCode(RetrainTrigger obj) => obj.TriggerId.GetHashCode(StringComparison.Ordinal);
    }
}
