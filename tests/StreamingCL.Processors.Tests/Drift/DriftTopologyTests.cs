using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors.Drift;
using StreamingCL.Statistics.ChangeDetection;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Processors.Tests.Drift;

public sealed class DriftTopologyTests : IDisposable
{
    private const string Model = "churn";
    private const string Application = "streamingcl-drift";

    // Aligned to the 10-minute windows.
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Size = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private static readonly double[] Reference = Grid(200, 0.0);
    private static readonly double[] Current = Grid(100, 0.0);
    private static readonly double[] Shifted = Grid(100, 0.5);

    private TopologyHarness? _harness;
    private int _predictions;

    private TopologyHarness Harness => _harness!;

    [Fact]
    public void A_shift_in_one_feature_is_drift_for_that_feature_only()
    {
        Run();
        Publish(1, Numeric("a", Reference), Numeric("b", Reference), Numeric("c", Reference), Numeric(DriftMetric.ScoreFeature, Reference));
        for (var i = 0; i < Current.Length; i++)
        {
            Predict(1, Start.AddSeconds(i), Current[i], new() { ["a"] = Current[i], ["b"] = Current[^(i + 1)], ["c"] = Shifted[i] });
        }

        Predict(1, Start + Size + Grace, 0.5, []);

        var records = Harness.Read<DriftMetric>(EventTopic.DriftMetrics);
        var metrics = records.Select(record => record.Message.Value).ToList();
        Assert.Equal([$"{Model}/__score__", $"{Model}/a", $"{Model}/b", $"{Model}/c"], records.Select(record => record.Message.Key));
        Assert.Equal([DriftMetric.ScoreFeature, "a", "b", "c"], metrics.Select(metric => metric.Feature));
        Assert.Equal([DriftSeverity.None, DriftSeverity.None, DriftSeverity.None, DriftSeverity.Drift], metrics.Select(metric => metric.Severity));
        Assert.Equal([DriftKind.Prediction, DriftKind.Data, DriftKind.Data, DriftKind.Data], metrics.Select(metric => metric.Kind));
        AssertNumeric(metrics[0], Reference, Current);
        AssertNumeric(metrics[1], Reference, Current);
        AssertNumeric(metrics[2], Reference, Current);
        AssertNumeric(metrics[3], Reference, Shifted);
        Assert.All(metrics, metric => Assert.Equal((Model, 1, Start, Start + Size, 100L), (metric.ModelName, metric.ModelVersion, metric.WindowStart, metric.WindowEnd, metric.SampleSize)));
        Assert.Equal(1, Harness.Metric($"streamingcl_drift_signals_total{{model=\"{Model}\",feature=\"c\",kind=\"Data\"}}"));
        Assert.Equal(metrics[3].Statistics["psi"], Harness.Metric($"streamingcl_drift_statistic{{model=\"{Model}\",feature=\"c\",statistic=\"psi\"}}"));
    }

    [Fact]
    public void A_small_window_whose_psi_is_sampling_noise_is_not_drift()
    {
        Run();
        Publish(1, new FeatureProfile("a", [1, 2, 3, 4, 5, 6, 7, 8, 9], [], [.. Enumerable.Repeat(0.1, 10)], 1000));
        // 40 values over ten bins the 1,000 of the reference share equally: PSI 0.40 (drift by itself), chi-square
        // (homogeneity, (100 x 40 - o x 1000)² / (1000 x 40 x (100 + o)) per bin) 12.5 on 9 degrees of freedom (p = 0.19).
        int[] perBin = [7, 1, 6, 2, 4, 4, 7, 1, 6, 2];
        var values = perBin.SelectMany((count, bin) => Enumerable.Repeat(bin + 0.5, count)).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            Predict(1, Start.AddSeconds(i), 0.5, new() { ["a"] = values[i] });
        }

        Predict(1, Start + Size + Grace, 0.5, []);

        var metric = Assert.Single(Metrics(), metric => metric.Feature == "a");
        Assert.Equal(DriftVerdict.Drift, DriftThresholds.Default.ForPsi(metric.Statistics["psi"]));
        Assert.Equal(2 * 25 * ((9.0 / 107) + (9.0 / 101) + (4.0 / 106) + (4.0 / 102)), metric.Statistics["chi2_statistic"], 9);
        Assert.True(metric.Statistics["chi2_p_value"] > 0.1);
        Assert.Equal(DriftSeverity.None, metric.Severity);
    }

    [Fact]
    public void A_window_closes_when_stream_time_reaches_its_end_plus_the_grace_and_not_before()
    {
        Run();
        Publish(1, Numeric(DriftMetric.ScoreFeature, Reference));
        PredictScores(Start, Current);

        Predict(1, Start + Size + Grace - TimeSpan.FromMilliseconds(1), 0.5, []);
        Assert.Empty(Metrics());

        Predict(1, Start + Size + Grace, 0.5, []);
        var metric = Assert.Single(Metrics());
        Assert.Equal((Start, 100L), (metric.WindowStart, metric.SampleSize));
    }

    [Fact]
    public void A_prediction_later_than_the_grace_is_counted_and_reopens_nothing()
    {
        Run();
        Publish(1, Numeric(DriftMetric.ScoreFeature, Reference));
        PredictScores(Start, Current);
        Predict(1, Start + Size + Grace, 0.5, []);
        var closed = Assert.Single(Metrics());

        Predict(1, Start.AddMinutes(5), 0.99, []);

        Assert.Equal(1, Harness.Metric($"streamingcl_skipped_total{{application=\"{Application}\",reason=\"late\"}}"));
        Assert.Equal([Key(Start + Size)], OpenWindows());
        PredictScores(Start + Size + Grace, Current);
        Predict(1, Start + (2 * Size) + Grace, 0.5, []);
        var next = Assert.Single(Metrics());
        Assert.Equal(Start + Size, next.WindowStart);
        AssertNumeric(next, Reference, [0.5, .. Current]); // the one that closed the first window, then the second's; not the late 0.99
        Assert.Equal(101L, next.SampleSize);
        Assert.Equal(100L, closed.SampleSize);
        AssertNumeric(closed, Reference, Current);
    }

    [Fact]
    public void Hopping_windows_give_one_result_per_window()
    {
        var advance = TimeSpan.FromMinutes(5);
        Run(options => (options.WindowAdvance, options.WindowGrace, options.MinSampleSize) = (advance, TimeSpan.Zero, 20));
        Publish(1, Numeric(DriftMetric.ScoreFeature, Reference));
        var blocks = new[] { Grid(20, 0.0), Grid(20, 0.25), Grid(20, 0.5) };
        for (var block = 0; block < blocks.Length; block++)
        {
            PredictScores(Start + (block * advance), blocks[block]);
        }

        Predict(1, Start.AddMinutes(25), 0.5, []);

        var metrics = Metrics();
        Assert.Equal(
            [Start.AddMinutes(-5), Start, Start.AddMinutes(5), Start.AddMinutes(10)],
            metrics.Select(metric => metric.WindowStart));
        Assert.Equal([20L, 40L, 40L, 20L], metrics.Select(metric => metric.SampleSize));
        AssertNumeric(metrics[0], Reference, blocks[0]);
        AssertNumeric(metrics[1], Reference, [.. blocks[0], .. blocks[1]]);
        AssertNumeric(metrics[2], Reference, [.. blocks[1], .. blocks[2]]);
        AssertNumeric(metrics[3], Reference, blocks[2]);
    }

    [Fact]
    public void Before_any_model_version_the_first_window_is_the_reference()
    {
        Run();
        var firstColors = Colors(100, "red", "green");
        for (var i = 0; i < Current.Length; i++)
        {
            Predict(1, Start.AddSeconds(i), Current[i], new() { ["a"] = Current[i] }, new() { ["color"] = firstColors[i] });
        }

        var secondColors = Colors(100, "red", "red", "green");
        for (var i = 0; i < Shifted.Length; i++)
        {
            Predict(1, Start + Size + Grace + TimeSpan.FromSeconds(i), Current[i], new() { ["a"] = Shifted[i] }, new() { ["color"] = secondColors[i] });
        }

        Assert.Empty(Metrics()); // the first window became the reference

        Predict(1, Start + (2 * Size) + Grace, 0.5, []);

        var metrics = Metrics();
        Assert.Equal([DriftMetric.ScoreFeature, "a", "color"], metrics.Select(metric => metric.Feature));
        AssertNumeric(metrics[0], Current, Current);
        AssertNumeric(metrics[1], Current, Shifted);
        AssertCategorical(metrics[2], CategoricalReferenceProfile.FromValues(firstColors), secondColors);
        Assert.Equal(DriftSeverity.Drift, metrics[1].Severity);
    }

    [Fact]
    public void A_published_profile_is_the_reference_of_its_own_version_only()
    {
        Run();
        Publish(1, Numeric(DriftMetric.ScoreFeature, Reference));
        PredictScores(Start, Current, version: 1);
        PredictScores(Start, Shifted, version: 2);
        PredictScores(Start + Size + Grace, Current, version: 2);
        Predict(1, Start + (2 * Size) + Grace, 0.5, []);

        var metrics = Metrics();
        Assert.Equal([(1, Start), (2, Start + Size)], metrics.Select(metric => (metric.ModelVersion, metric.WindowStart)));
        AssertNumeric(metrics[0], Reference, Current);
        AssertNumeric(metrics[1], Shifted, Current);
    }

    [Fact]
    public void A_profile_published_later_replaces_the_first_window_reference()
    {
        Run();
        PredictScores(Start, Current);
        PredictScores(Start + Size + Grace, Current); // binned against the first window
        Publish(1, Numeric(DriftMetric.ScoreFeature, Reference));
        PredictScores(Start + (2 * (Size + Grace)), Shifted); // binned against the published profile
        Predict(1, Start + (3 * Size) + Grace, 0.5, []);

        var metric = Assert.Single(Metrics());
        Assert.Equal(Start + (2 * Size), metric.WindowStart);
        AssertNumeric(metric, Reference, Shifted);
        Assert.Equal(1, Harness.Metric($"streamingcl_skipped_total{{application=\"{Application}\",reason=\"reference_replaced\"}}"));
    }

    [Fact]
    public void A_new_category_is_compared_by_chi_square_psi_and_jensen_shannon()
    {
        Run();
        Publish(1, new FeatureProfile("color", [], ["green", "red"], [0.5, 0.5], 100));
        var colors = Colors(60, "red", "green", "blue");
        for (var i = 0; i < colors.Length; i++)
        {
            Predict(1, Start.AddSeconds(i), 0.5, [], new() { ["color"] = colors[i] });
        }

        Predict(1, Start + Size + Grace, 0.5, []);

        var metric = Assert.Single(Metrics(), metric => metric.Feature == "color");
        AssertCategorical(metric, CategoricalReferenceProfile.FromCounts([new("green", 50), new("red", 50)]), colors);
        Assert.Equal(DriftSeverity.Drift, metric.Severity);
        Assert.Equal(60L, metric.SampleSize);
    }

    [Fact]
    public void A_significant_but_small_categorical_shift_is_not_drift()
    {
        Run();
        Publish(1, new FeatureProfile("color", [], ["green", "red"], [0.5, 0.5], 1000));
        var colors = Enumerable.Range(0, 1000).Select(i => i < 550 ? "green" : "red").ToArray();
        for (var i = 0; i < colors.Length; i++)
        {
            Predict(1, Start.AddMilliseconds(i * 500), 0.5, [], new() { ["color"] = colors[i] });
        }

        Predict(1, Start + Size + Grace, 0.5, []);

        var metric = Assert.Single(Metrics(), metric => metric.Feature == "color");
        Assert.True(metric.Statistics["chi2_p_value"] < 0.05); // "significant" with 1000 values...
        Assert.True(metric.Statistics["psi"] < 0.02); // ...but a 5-point shift
        Assert.Equal(DriftSeverity.None, metric.Severity);
    }

    [Fact]
    public void Categories_beyond_the_cap_are_counted_together()
    {
        Run(options => options.MaxCategories = 3);
        var colors = Colors(10, "red", "green", "blue", "pink", "red");
        for (var i = 0; i < colors.Length; i++)
        {
            Predict(1, Start.AddSeconds(i), 0.5, [], new() { ["color"] = colors[i] });
        }

        var window = Harness.Driver.GetKeyValueStore<string, WindowState>(FeatureDriftTransformer.WindowStoreName).Get(Key(Start));
        Assert.Equal(
            new Dictionary<string, long> { ["red"] = 4, ["green"] = 2, [FeatureDriftTransformer.OverflowCategory] = 4 },
            window.Categorical["color"]);
    }

    [Fact]
    public void An_error_rate_jumping_from_10_to_60_percent_is_concept_drift_after_the_jump_only()
    {
        Run();
        var errors = Enumerable.Range(0, 300).Select(i => i % 10 == 0)
            .Concat(Enumerable.Range(0, 300).Select(i => i % 5 < 3))
            .ToArray();
        for (var i = 0; i < errors.Length; i++)
        {
            Label(i, Start.AddSeconds(i), error: errors[i]);
        }

        var expected = ExpectedChanges(errors);
        var metrics = Metrics();
        Assert.NotEmpty(expected);
        Assert.All(expected, change => Assert.True(change.Index >= 300, $"a change at {change.Index}, before the jump"));
        Assert.Equal(expected.Count, metrics.Count);
        for (var k = 0; k < expected.Count; k++)
        {
            var (index, first, examples, meanError, estimate, width) = expected[k];
            Assert.Equal((DriftKind.Concept, DriftMetric.ErrorFeature, "adwin", DriftSeverity.Drift), (metrics[k].Kind, metrics[k].Feature, metrics[k].Detector, metrics[k].Severity));
            Assert.Equal((FeedbackTime(first), FeedbackTime(index), examples), (metrics[k].WindowStart, metrics[k].WindowEnd, metrics[k].SampleSize));
            Assert.Equal(new Dictionary<string, double> { ["mean_error"] = meanError, ["estimate"] = estimate, ["width"] = width }, metrics[k].Statistics);
        }
    }

    [Fact]
    public void A_detector_with_a_warning_zone_warns_once_on_entering_it()
    {
        Run(options => options.Detector = "ddm");
        var errors = Enumerable.Range(0, 200).Select(i => i % 10 == 0).Concat(Enumerable.Range(0, 200).Select(i => i % 5 < 3)).ToArray();
        var ddm = new Ddm();
        var expected = new List<(int Index, DriftSeverity Severity)>();
        var inWarning = false;
        for (var i = 0; i < errors.Length; i++)
        {
            Label(i, Start.AddSeconds(i), error: errors[i]);
            ddm.Update(errors[i] ? 1 : 0);
            if (ddm.DriftDetected)
            {
                expected.Add((i, DriftSeverity.Drift));
            }
            else if (ddm.WarningDetected && !inWarning)
            {
                expected.Add((i, DriftSeverity.Warning));
            }

            inWarning = ddm.WarningDetected && !ddm.DriftDetected;
        }

        Assert.Contains(expected, change => change.Severity == DriftSeverity.Warning);
        Assert.Equal(expected.Select(change => (FeedbackTime(change.Index), change.Severity)), Metrics().Select(metric => (metric.WindowEnd, metric.Severity)));
    }

    [Fact]
    public void Undecodable_and_invalid_records_are_dead_lettered_and_processing_goes_on()
    {
        Run();
        Harness.PipeBytes(EventTopic.Predictions, "garbage", [0xde, 0xad], Start);
        Harness.PipeBytes(EventTopic.ModelUpdates, $"{Model}:1", [0xbe, 0xef], Start);
        Predict(1, Start, 0.5, new() { ["a"] = double.NaN });
        Predict(1, Start, 0.5, new() { [DriftMetric.ScoreFeature] = 1.0 });
        Publish(1, new FeatureProfile("a", [2.0, 1.0], [], [0.2, 0.3, 0.5], 10));
        Harness.Pipe(EventTopic.LabeledExamples, "l-0", Example("l-0", Start, score: 0.9, label: 0.5), Start);
        Publish(1, Numeric(DriftMetric.ScoreFeature, Reference));
        PredictScores(Start, Current);
        Predict(1, Start + Size + Grace, 0.5, []);

        var deadLetters = Harness.Read<DeadLetter>(EventTopic.DeadLetters).Select(record => record.Message.Value).ToList();
        Assert.Equal(
            [
                ("predictions", DeadLetterKind.Malformed),
                ("model-updates", DeadLetterKind.Malformed),
                ("predictions", DeadLetterKind.InvalidValue),
                ("predictions", DeadLetterKind.InvalidValue),
                ("model-updates", DeadLetterKind.InvalidValue),
                ("labeled-examples", DeadLetterKind.InvalidValue),
            ],
            deadLetters.Select(letter => (letter.OriginalTopic, letter.ErrorKind)));
        Assert.Contains("numeric_features[a] is NaN", deadLetters[2].Reason);
        Assert.Contains("reserved name __score__", deadLetters[3].Reason);
        Assert.Contains("feature a: Edges must be finite and strictly increasing", deadLetters[4].Reason);
        Assert.Contains("needs a label of 0 or 1", deadLetters[5].Reason);
        Assert.All(deadLetters, letter => Assert.Equal(Application, letter.Processor));
        AssertNumeric(Assert.Single(Metrics()), Reference, Current);
    }

    [Fact]
    public void Without_first_window_references_a_version_with_no_published_profile_is_an_unknown_model()
    {
        Run(options => options.FirstWindowAsReference = false);
        Publish(1, Numeric(DriftMetric.ScoreFeature, Reference));
        Predict(2, Start, 0.5, []);
        PredictScores(Start, Current, version: 1);
        Predict(1, Start + Size + Grace, 0.5, []);

        var unknown = Assert.Single(Harness.Read<DeadLetter>(EventTopic.DeadLetters)).Message.Value;
        Assert.Equal((DeadLetterKind.UnknownModel, "predictions", 0L), (unknown.ErrorKind, unknown.OriginalTopic, unknown.OriginalOffset));
        Assert.Equal(2, Harness.Environment.Serdes.For<Prediction>().Deserialize(unknown.Payload!.Value.Span, "predictions").ModelVersion);
        Assert.Contains($"Model {Model} version 2 published no reference profile", unknown.Reason);
        Assert.Equal("p-0"u8.ToArray(), unknown.Key!.Value.ToArray());
        AssertNumeric(Assert.Single(Metrics()), Reference, Current);
    }

    [Fact]
    public void Windows_too_small_to_compare_and_examples_without_a_label_are_counted()
    {
        Run();
        Publish(1, Numeric(DriftMetric.ScoreFeature, Reference));
        PredictScores(Start, Grid(29, 0.0));
        Predict(1, Start + Size + Grace, 0.5, []);
        Harness.Pipe(EventTopic.LabeledExamples, "l-0", Example("l-0", Start, score: 0.9, label: null), Start);

        Assert.Empty(Metrics());
        Assert.Equal(1, Harness.Metric($"streamingcl_skipped_total{{application=\"{Application}\",reason=\"small_window\"}}"));
        Assert.Equal(1, Harness.Metric($"streamingcl_skipped_total{{application=\"{Application}\",reason=\"unlabeled\"}}"));
    }

    [Fact]
    public void Samples_are_bounded_and_closed_windows_leave_the_state()
    {
        Run(options => options.ReferenceSampleSize = 50);
        PredictScores(Start, Current);

        Assert.Equal([Key(Start)], OpenWindows());
        Assert.Equal(50, Samples().Count); // a reservoir of 50 of the window's 100 scores, until it becomes the reference

        PredictScores(Start + Size + Grace, Current);
        PredictScores(Start + (2 * (Size + Grace)), Current);

        Assert.Equal([Key(Start + (2 * Size))], OpenWindows());
        Assert.Empty(Samples());
        Assert.Single(Metrics());
    }

    [Fact]
    public void The_definition_derives_the_changelogs_and_the_repartition_topic()
    {
        Run();
        var topics = DriftTopology.Definition(new DriftOptions()).InternalTopics(Harness.Environment);

        Assert.Equal(8, topics.Partitions);
        Assert.Equal(["drift-by-model"], topics.Repartitions);
        Assert.Equal(
            [FeatureDriftTransformer.ReferenceStoreName, FeatureDriftTransformer.SampleStoreName, FeatureDriftTransformer.StreamTimeStoreName, FeatureDriftTransformer.WindowStoreName],
            topics.Stores.Select(store => store.Name).Order(StringComparer.Ordinal));
        Assert.All(topics.Stores, store => Assert.Null(store.WindowRetention));
    }

    public void Dispose() => _harness?.Dispose();

    private static double[] Grid(int n, double offset) => [.. Enumerable.Range(0, n).Select(i => offset + (i * 37 % n / (double)n))];

    private static string[] Colors(int n, params string[] cycle) => [.. Enumerable.Range(0, n).Select(i => cycle[i % cycle.Length])];

    private static FeatureProfile Numeric(string feature, double[] values)
    {
        var profile = ReferenceProfile.FromSample(values);
        return new FeatureProfile(feature, [.. profile.Edges], [], [.. profile.Shares], values.Length);
    }

    private static string Key(DateTimeOffset windowStart) => $"{Model.Length}:{Model}|1|{windowStart.ToUnixTimeMilliseconds()}";

    private static DateTimeOffset FeedbackTime(int index) => Start.AddSeconds(index).AddMinutes(1);

    private static void AssertNumeric(DriftMetric metric, double[] reference, double[] current)
    {
        var counts = ReferenceProfile.FromSample(reference).CreateCounts();
        counts.AddRange(current);
        var psi = counts.PopulationStabilityIndex();
        var chiSquare = counts.ChiSquareTest();
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["psi"] = psi,
                ["js_distance"] = counts.JensenShannonDistance(),
                ["chi2_statistic"] = chiSquare.Statistic,
                ["chi2_p_value"] = chiSquare.PValue,
            },
            metric.Statistics);
        Assert.Equal((int)DriftThresholds.Default.ForSignificantPsi(psi, chiSquare.PValue), (int)metric.Severity);
    }

    private static void AssertCategorical(DriftMetric metric, CategoricalReferenceProfile reference, IEnumerable<string> current)
    {
        var counts = reference.CreateCounts();
        foreach (var category in current)
        {
            counts.Add(category);
        }

        var report = counts.Compare();
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["psi"] = report.PopulationStabilityIndex,
                ["js_distance"] = report.JensenShannonDistance,
                ["chi2_statistic"] = report.ChiSquare.Statistic,
                ["chi2_p_value"] = report.ChiSquare.PValue,
            },
            metric.Statistics);
        Assert.Equal((int)DriftThresholds.Default.ForSignificantPsi(report.PopulationStabilityIndex, report.ChiSquare.PValue), (int)metric.Severity);
    }

    /// <summary>The changes ADWIN signals over the errors, with what the metric reports, found by the statistics library alone.</summary>
    private static List<(int Index, int First, long Examples, double MeanError, double Estimate, double Width)> ExpectedChanges(bool[] errors)
    {
        var adwin = new Adwin();
        var changes = new List<(int, int, long, double, double, double)>();
        var first = 0;
        var sum = 0.0;
        for (var i = 0; i < errors.Length; i++)
        {
            sum += errors[i] ? 1 : 0;
            adwin.Update(errors[i] ? 1 : 0);
            if (adwin.DriftDetected)
            {
                changes.Add((i, first, i - first + 1, sum / (i - first + 1), adwin.Mean, adwin.Width));
                first = i + 1;
                sum = 0;
            }
        }

        return changes;
    }

    /// <summary>Starts the application with 10-minute tumbling windows and a 1-minute grace, then <paramref name="configure"/>.</summary>
    private void Run(Action<DriftOptions>? configure = null)
    {
        var options = new DriftOptions { WindowSize = Size, WindowGrace = Grace };
        configure?.Invoke(options);
        _harness = new TopologyHarness(environment => DriftTopology.Build(options, environment), options.ApplicationId);
    }

    private List<DriftMetric> Metrics() => [.. Harness.Read<DriftMetric>(EventTopic.DriftMetrics).Select(record => record.Message.Value)];

    private List<KeyValuePair<string, double>> Samples() =>
        [.. Harness.Driver.GetKeyValueStore<string, double>(FeatureDriftTransformer.SampleStoreName).All()];

    private List<string> OpenWindows() =>
        [.. Harness.Driver.GetKeyValueStore<string, WindowState>(FeatureDriftTransformer.WindowStoreName).All().Select(entry => entry.Key)];

    private void Publish(int version, params FeatureProfile[] profiles) =>
        Harness.Pipe(EventTopic.ModelUpdates, $"{Model}:{version}", new ModelVersion
        {
            ModelName = Model,
            Version = version,
            Stage = ModelStage.Production,
            TrainingKind = TrainingKind.Stateless,
            CreatedAt = Start,
            UpdatedAt = Start,
            ChangedBy = "test",
            ChangeReason = "test",
            Lineage = new Lineage([], 0, ""),
            FeatureSpecSha256 = "",
            ReferenceProfile = profiles,
            Artifact = Array.Empty<byte>(),
            ArtifactSha256 = "",
        }, Start);

    private void PredictScores(DateTimeOffset from, double[] scores, int version = 1)
    {
        for (var i = 0; i < scores.Length; i++)
        {
            Predict(version, from.AddSeconds(i), scores[i], []);
        }
    }

    private void Predict(int version, DateTimeOffset at, double score, Dictionary<string, double> numeric, Dictionary<string, string>? categorical = null)
    {
        var id = $"p-{_predictions++}";
        Harness.Pipe(EventTopic.Predictions, id, new Prediction
        {
            PredictionId = id,
            ModelName = Model,
            ModelVersion = version,
            UnitId = "u-1",
            Timestamp = at,
            NumericFeatures = numeric,
            CategoricalFeatures = categorical ?? [],
            Score = score,
        }, at);
    }

    private void Label(int index, DateTimeOffset predictedAt, bool error) =>
        Harness.Pipe(EventTopic.LabeledExamples, $"l-{index}", Example($"l-{index}", predictedAt, score: 0.9, label: error ? 0 : 1), predictedAt.AddMinutes(1));

    private static LabeledExample Example(string id, DateTimeOffset predictedAt, double score, double? label) => new()
    {
        PredictionId = id,
        ModelName = Model,
        ModelVersion = 1,
        UnitId = "u-1",
        PredictionTimestamp = predictedAt,
        FeedbackDelay = TimeSpan.FromMinutes(1),
        Score = score,
        Label = label,
    };
}
