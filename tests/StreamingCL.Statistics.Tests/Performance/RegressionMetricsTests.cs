using System.Text.Json;
using StreamingCL.Statistics.Performance;
using static StreamingCL.Statistics.Tests.Performance.PerformanceReference;

namespace StreamingCL.Statistics.Tests.Performance;

public sealed class RegressionMetricsTests
{
    [Fact]
    public void A_sliding_window_tracks_the_last_examples_at_every_checkpoint()
    {
        var stream = SlidingRegressionStream;
        var window = new SlidingRegressionWindow(stream.Capacity);
        var checkpoints = stream.Checkpoints.ToDictionary(c => c.Index, c => c.Expected);

        for (var i = 0; i < stream.Targets.Length; i++)
        {
            window.Add(stream.Targets[i], stream.Predictions[i]);
            if (checkpoints.TryGetValue(i, out var expected))
            {
                Assert.Equal(Math.Min(i + 1, stream.Capacity), window.Count);
                AssertClose(expected.MeanAbsoluteError, window.MeanAbsoluteError, $"MAE at {i}");
                AssertClose(expected.RootMeanSquaredError, window.RootMeanSquaredError, $"RMSE at {i}");
            }
        }
    }

    [Fact]
    public void Tumbling_metrics_follow_the_definitions()
    {
        var metrics = new RegressionMetrics();
        Assert.True(double.IsNaN(metrics.MeanAbsoluteError));

        metrics.Add(3.0, 2.5);
        metrics.Add(-0.5, 0.0);
        metrics.Add(2.0, 2.0);
        metrics.Add(7.0, 8.0);

        Assert.Equal(0.5, metrics.MeanAbsoluteError, 15);
        Assert.Equal(Math.Sqrt(0.375), metrics.RootMeanSquaredError, 15);
    }

    [Fact]
    public void Small_errors_are_measured_accurately_once_huge_ones_have_left_the_window()
    {
        var window = new SlidingRegressionWindow(4);
        for (var i = 0; i < 4; i++)
        {
            window.Add(1e10 + i, 0.0);
        }

        double[] small = [0.1, 0.2, 0.3, 0.4];
        foreach (var error in small)
        {
            window.Add(error, 0.0);
        }

        // Plain sums would keep a residue of about 1e-16 * 1e20 in the squares: an RMSE off by tens.
        Assert.Equal(0.25, window.MeanAbsoluteError, 12);
        Assert.Equal(Math.Sqrt(0.3 / 4), window.RootMeanSquaredError, 9);
    }

    [Fact]
    public void A_snapshot_restored_from_json_goes_on_bit_for_bit_like_the_original()
    {
        var stream = SlidingRegressionStream;
        var original = new RegressionMetrics();
        var restored = new RegressionMetrics();
        for (var i = 0; i < stream.Targets.Length; i++)
        {
            restored = RegressionMetrics.Restore(JsonSerializer.Deserialize<RegressionMetricsSnapshot>(JsonSerializer.Serialize(restored.Snapshot()))!);
            original.Add(stream.Targets[i], stream.Predictions[i]);
            restored.Add(stream.Targets[i], stream.Predictions[i]);
        }

        Assert.Equal(original.Count, restored.Count);
        Assert.Equal(original.MeanAbsoluteError, restored.MeanAbsoluteError);
        Assert.Equal(original.RootMeanSquaredError, restored.RootMeanSquaredError);
    }

    [Theory]
    [InlineData(double.NaN, 1.0)]
    [InlineData(1.0, double.PositiveInfinity)]
    public void Rejects_non_finite_values(double target, double prediction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegressionMetrics().Add(target, prediction));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingRegressionWindow(3).Add(target, prediction));
    }
}
