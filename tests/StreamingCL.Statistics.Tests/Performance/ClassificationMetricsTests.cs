using System.Text.Json;
using StreamingCL.Statistics.Performance;
using static StreamingCL.Statistics.Tests.Performance.PerformanceReference;

namespace StreamingCL.Statistics.Tests.Performance;

public sealed class ClassificationMetricsTests
{
    public static TheoryData<int> WindowIndices => [.. Enumerable.Range(0, ClassificationWindows.Count)];

    [Theory]
    [MemberData(nameof(WindowIndices))]
    public void Tumbling_metrics_match_the_reference(int index)
    {
        var window = ClassificationWindows[index];
        var metrics = new ClassificationMetrics(window.CalibrationBins, window.RocAucBins);
        for (var i = 0; i < window.Labels.Length; i++)
        {
            metrics.Add(window.Probabilities[i], window.Labels[i] == 1);
        }

        Assert.Equal(window.Labels.Length, metrics.Count);
        AssertClose(window.Expected.Accuracy, metrics.Accuracy, $"{window} accuracy");
        AssertClose(window.Expected.LogLoss, metrics.LogLoss, $"{window} log loss");
        AssertClose(window.Expected.BrierScore, metrics.BrierScore, $"{window} Brier score");
        AssertClose(window.Expected.ExpectedCalibrationError, metrics.ExpectedCalibrationError, $"{window} ECE");
        AssertClose(window.Expected.RocAucEstimate, metrics.RocAucEstimate, $"{window} AUC estimate");
        AssertClose(window.Expected.RocAucErrorBound, metrics.RocAucErrorBound, $"{window} AUC error bound");
    }

    [Theory]
    [MemberData(nameof(WindowIndices))]
    public void A_sliding_window_that_holds_everything_matches_the_reference_including_exact_auc(int index)
    {
        var window = ClassificationWindows[index];
        var sliding = new SlidingClassificationWindow(window.Labels.Length, window.CalibrationBins, window.RocAucBins);
        for (var i = 0; i < window.Labels.Length; i++)
        {
            sliding.Add(window.Probabilities[i], window.Labels[i] == 1);
        }

        AssertClose(window.Expected.RocAuc, sliding.RocAuc(), $"{window} exact AUC");
        AssertClose(window.Expected.LogLoss, sliding.LogLoss, $"{window} log loss");
        AssertClose(window.Expected.ExpectedCalibrationError, sliding.ExpectedCalibrationError, $"{window} ECE");
    }

    [Fact]
    public void A_sliding_window_tracks_the_last_predictions_at_every_checkpoint()
    {
        var stream = SlidingClassificationStream;
        var window = new SlidingClassificationWindow(stream.Capacity);
        var checkpoints = stream.Checkpoints.ToDictionary(c => c.Index, c => c.Expected);

        for (var i = 0; i < stream.Labels.Length; i++)
        {
            window.Add(stream.Probabilities[i], stream.Labels[i] == 1);
            if (checkpoints.TryGetValue(i, out var expected))
            {
                Assert.Equal(Math.Min(i + 1, stream.Capacity), window.Count);
                AssertClose(expected.Accuracy, window.Accuracy, $"accuracy at {i}");
                AssertClose(expected.LogLoss, window.LogLoss, $"log loss at {i}");
                AssertClose(expected.BrierScore, window.BrierScore, $"Brier score at {i}");
                AssertClose(expected.ExpectedCalibrationError, window.ExpectedCalibrationError, $"ECE at {i}");
                AssertClose(expected.RocAuc, window.RocAuc(), $"exact AUC at {i}");
                AssertClose(expected.RocAucEstimate, window.RocAucEstimate, $"AUC estimate at {i}");
                AssertClose(expected.RocAucErrorBound, window.RocAucErrorBound, $"AUC error bound at {i}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(WindowIndices))]
    public void A_snapshot_restored_from_json_goes_on_bit_for_bit_like_the_original(int index)
    {
        var window = ClassificationWindows[index];
        var original = new ClassificationMetrics(window.CalibrationBins, window.RocAucBins, decisionThreshold: 0.3);
        var restored = new ClassificationMetrics(window.CalibrationBins, window.RocAucBins, decisionThreshold: 0.3);
        for (var i = 0; i < window.Labels.Length; i++)
        {
            // A round trip through JSON before every example: what a stream processor's state store does.
            var json = JsonSerializer.Serialize(restored.Snapshot());
            restored = ClassificationMetrics.Restore(JsonSerializer.Deserialize<ClassificationMetricsSnapshot>(json)!);
            original.Add(window.Probabilities[i], window.Labels[i] == 1);
            restored.Add(window.Probabilities[i], window.Labels[i] == 1);
        }

        Assert.Equal(original.Count, restored.Count);
        Assert.Equal(0.3, restored.DecisionThreshold);
        Assert.Equal(original.Accuracy, restored.Accuracy);
        Assert.Equal(original.LogLoss, restored.LogLoss);
        Assert.Equal(original.BrierScore, restored.BrierScore);
        Assert.Equal(original.ExpectedCalibrationError, restored.ExpectedCalibrationError);
        Assert.Equal(original.RocAucEstimate, restored.RocAucEstimate);
        Assert.Equal(original.RocAucErrorBound, restored.RocAucErrorBound);
    }

    [Fact]
    public void The_decision_threshold_moves_accuracy_and_leaves_calibration_to_the_top_label()
    {
        var atHalf = new ClassificationMetrics();
        var atSeventy = new ClassificationMetrics(decisionThreshold: 0.7);
        foreach (var metrics in new[] { atHalf, atSeventy })
        {
            metrics.Add(0.6, false);
            metrics.Add(0.8, true);
            metrics.Add(0.75, true);
            metrics.Add(0.2, false);
        }

        Assert.Equal(0.75, atHalf.Accuracy); // 0.6 is wrongly positive at 0.5
        Assert.Equal(1.0, atSeventy.Accuracy);
        Assert.Equal(atHalf.ExpectedCalibrationError, atSeventy.ExpectedCalibrationError);
        Assert.Equal(atHalf.LogLoss, atSeventy.LogLoss);
    }

    [Fact]
    public void An_inconsistent_snapshot_is_refused()
    {
        var snapshot = new ClassificationMetrics(calibrationBins: 4, rocAucBins: 8).Snapshot();

        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Restore(snapshot with { RocAuc = snapshot.RocAuc with { Negatives = [1, 2] } }));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Restore(snapshot with { Calibration = snapshot.Calibration with { Correct = [] } }));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Restore(snapshot with { DecisionThreshold = 1.5 }));
    }

    [Fact]
    public void Clearing_starts_a_new_tumbling_window()
    {
        var metrics = new ClassificationMetrics();
        metrics.Add(0.9, false);
        metrics.Add(0.2, true);
        metrics.Clear();

        Assert.Equal(0, metrics.Count);
        Assert.True(double.IsNaN(metrics.Accuracy) && double.IsNaN(metrics.LogLoss) && double.IsNaN(metrics.ExpectedCalibrationError));

        metrics.Add(0.8, true);
        metrics.Add(0.3, false);

        Assert.Equal(1.0, metrics.Accuracy);
        Assert.Equal((0.2 * 0.2 + 0.3 * 0.3) / 2, metrics.BrierScore, 15);
        Assert.Equal(1.0, metrics.RocAucEstimate);
    }

    [Fact]
    public void Clips_certain_mistakes_at_machine_epsilon_like_scikit_learn()
    {
        var metrics = new ClassificationMetrics();
        metrics.Add(0.0, true);

        Assert.Equal(2.220446049250313e-16, ClassificationMetrics.LogLossEpsilon);
        Assert.Equal(-Math.Log(ClassificationMetrics.LogLossEpsilon), metrics.LogLoss);
        Assert.Equal(36.04365338911715, metrics.LogLoss, 12);
    }

    [Fact]
    public void The_log_loss_is_the_mean_of_the_examples_log_losses()
    {
        var metrics = new ClassificationMetrics();
        metrics.Add(0.8, true);
        metrics.Add(0.3, false);

        Assert.Equal(-Math.Log(0.8), ClassificationMetrics.ExampleLogLoss(0.8, true), 15);
        Assert.Equal(-Math.Log(0.7), ClassificationMetrics.ExampleLogLoss(0.3, false), 15);
        Assert.Equal((ClassificationMetrics.ExampleLogLoss(0.8, true) + ClassificationMetrics.ExampleLogLoss(0.3, false)) / 2, metrics.LogLoss, 15);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.01)]
    [InlineData(1.0000001)]
    public void Rejects_a_probability_outside_the_unit_interval_without_changing_anything(double probability)
    {
        var metrics = new ClassificationMetrics();
        var window = new SlidingClassificationWindow(2);
        metrics.Add(0.7, true);
        window.Add(0.7, true);

        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.Add(probability, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => window.Add(probability, true));

        Assert.Equal(1, metrics.Count);
        Assert.Equal(1, window.Count);
        Assert.Equal(0.09, window.BrierScore, 15);
    }
}
