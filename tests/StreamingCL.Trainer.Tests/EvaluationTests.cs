using Microsoft.ML;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer.Tests;

public class EvaluationTests
{
    [Fact]
    public void Exact_auc_matches_scikit_learns_documented_example_and_counts_ties_as_half()
    {
        // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75 (scikit-learn's docstring).
        Assert.Equal(0.75, HoldoutEvaluator.ExactAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 15);

        // All tied: every pair counts 1/2.
        Assert.Equal(0.5, HoldoutEvaluator.ExactAuc([0.3, 0.3, 0.3], [1, 0, 1]), 15);
        Assert.True(double.IsNaN(HoldoutEvaluator.ExactAuc([0.2, 0.9], [1, 1])));
    }

    [Fact]
    public void Exact_auc_and_accuracy_agree_with_mlnets_evaluator()
    {
        var random = new Random(4);
        var rows = Enumerable.Range(0, 3_000).Select(_ =>
        {
            var label = random.NextDouble() < 0.3;
            var probability = (float)((label ? 0.6 : 0.4) + 0.3 * (random.NextDouble() - 0.5) * 2);
            
            // ML.NET's evaluator thresholds the score (a margin) at 0: give it the logit.
            return new Scored { Label = label, Score = (float)Math.Log(probability / (1 - probability)), Probability = probability, PredictedLabel = probability >= 0.5f };
        }).ToList();
        var ml = new MLContext(1);
        var expected = ml.BinaryClassification.Evaluate(ml.Data.LoadFromEnumerable(rows));

        var metrics = HoldoutEvaluator.Binary([.. rows.Select(r => (double)r.Probability)], [.. rows.Select(r => r.Label ? 1f : 0f)]);

        Assert.Equal(expected.AreaUnderRocCurve, metrics["auc"], tolerance: 1e-12);
        Assert.Equal(expected.Accuracy, metrics["accuracy"], tolerance: 1e-12);

        // ML.NET reports log loss in bits; ours is in nats like scikit-learn's and the performance processor's.
        Assert.Equal(expected.LogLoss * Math.Log(2), metrics["log_loss"], tolerance: 1e-6);
    }

    [Fact]
    public void Undefined_metrics_are_left_out_rather_than_published_as_nan()
    {
        var metrics = HoldoutEvaluator.Binary([0.2, 0.7], [1, 1]);
        Assert.DoesNotContain("auc", metrics.Keys);
        Assert.Equal(0.5, metrics["accuracy"]);
    }

    private sealed class Scored
    {
        public bool Label { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }
}

public class FreshnessTests
{
    [Fact]
    public void Fresh_windows_beat_stale_ones_after_a_concept_change_and_the_report_says_what_was_used()
    {
        var random = new Random(21);
        var old = Concept.Random(6, random, scale: 2);
        var drifted = new Concept([.. old.Weights.Select(w => -w)]);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        // One example a minute: 3 days of a concept, then 2 days of its opposite; the evaluation is the last 2 hours.
        var examples = old.Generate(3 * 1440, random, "old", start, TimeSpan.FromMinutes(1))
            .Concat(drifted.Generate(2 * 1440, random, "new", start.AddDays(3), TimeSpan.FromMinutes(1)))
            .Append(Concept.Example("bad", new() { ["x0"] = double.NaN }, time: start.AddDays(4)))
            .ToList();
        var options = new TrainerOptions { ModelName = Concept.Model, Features = Fixtures.Spec(6) };

        var report = FreshnessAnalysis.Run(examples, options, [TimeSpan.FromHours(6), TimeSpan.FromDays(2), TimeSpan.FromDays(4), TimeSpan.FromDays(30)], TimeSpan.FromHours(2));

        Assert.Equal(1, report.RejectedExamples);
        Assert.Equal(121, report.EvaluationExamples);
        Assert.Equal(examples[^2].PredictionTimestamp, report.EvaluationTo);
        Assert.Equal([360, 2 * 1440, 4 * 1440, 5 * 1440 - 121], report.Points.Select(p => p.TrainingExamples));
        var auc = report.Points.Select(p => p.Metrics["auc"]).ToArray();
        var all = string.Join(", ", auc.Select(a => a.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(auc[0] > 0.8 && auc[1] > 0.8, all);
        Assert.True(auc[2] < auc[1] - 0.2 && auc[3] < 0.5, all);
    }

    [Fact]
    public void An_empty_window_is_reported_not_trained()
    {
        var random = new Random(2);
        var examples = Concept.Random(2, random).Generate(100, random, "a", step: TimeSpan.FromMinutes(1)).ToList();
        var options = new TrainerOptions { ModelName = Concept.Model, Features = Fixtures.Spec(2) };

        var report = FreshnessAnalysis.Run(examples, options, [TimeSpan.FromHours(1)], TimeSpan.FromHours(2));

        var point = Assert.Single(report.Points);
        Assert.Equal(0, point.TrainingExamples);
        Assert.Empty(point.Metrics);
        Assert.NotNull(point.Problem);
    }
}

public class RegressionTests
{
    [Fact]
    public void A_regression_model_learns_a_linear_target_and_warm_starts_from_its_champion()
    {
        var options = Fixtures.Options(3, holdout: 300, window: 2_000, reservoir: 2_000);
        options.Features.Task = ModelTask.Regression;
        options.FullRetrainIterations = 10;
        options.WarmStartIterations = 3;
        var trainer = new ContinualTrainer(options);
        var random = new Random(5);
        double[] weights = [1.5, -2, 0.5];

        IEnumerable<LabeledExample> Generate(int count, string prefix, double[] w) => Enumerable.Range(0, count).Select(i =>
        {
            var x = Enumerable.Range(0, 3).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            var y = 3 + x.Select((v, j) => v * w[j]).Sum() + 0.1 * (random.NextDouble() - 0.5);
            return Concept.Example($"{prefix}{i}", new() { ["x0"] = x[0], ["x1"] = x[1], ["x2"] = x[2] }, label: y);
        });

        var offset = Fixtures.Feed(trainer, Generate(3_000, "a", weights));
        var v1 = trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t1"), Version = 1 }).Version!;
        Assert.Equal(["count", "mae", "rmse"], v1.HoldoutMetrics.Keys.Order());
        Assert.True(v1.HoldoutMetrics["rmse"] < 0.2, $"rmse {v1.HoldoutMetrics["rmse"]:F3} (target sd is about 1.5)");

        Fixtures.Feed(trainer, Generate(1_000, "b", [1.5, -2, 2]), offset);
        var v2 = trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t2"), Champion = v1, Version = 2 });
        Assert.Equal(TrainingKind.Stateful, v2.Kind);
        Assert.True(v2.Version!.HoldoutMetrics["rmse"] < v2.Version.ChampionHoldoutMetrics["rmse"], v2.Reason);
        Assert.Equal(ModelTask.Regression, ModelScorer.Load(v2.Version).Task);
    }
}
