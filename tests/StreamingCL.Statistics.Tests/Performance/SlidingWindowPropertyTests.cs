using CsCheck;
using StreamingCL.Statistics.Performance;

namespace StreamingCL.Statistics.Tests.Performance;

/// <summary>A sliding window always equals a fresh tumbling accumulator fed its last examples.</summary>
public sealed class SlidingWindowPropertyTests
{
    [Fact]
    public void Classification_window_equals_metrics_recomputed_over_its_last_predictions()
    {
        Gen.Select(Gen.Select(Gen.Double[0, 1], Gen.Bool).Array[1, 2000], Gen.Int[1, 300]).Sample(
            sample =>
            {
                var (predictions, capacity) = sample;
                var window = new SlidingClassificationWindow(capacity, rocAucBins: 50);
                foreach (var (probability, label) in predictions)
                {
                    window.Add(probability, label);
                }

                var fresh = new ClassificationMetrics(rocAucBins: 50);
                foreach (var (probability, label) in predictions.TakeLast(capacity))
                {
                    fresh.Add(probability, label);
                }

                Assert.Equal(fresh.Count, window.Count);
                Assert.Equal(fresh.Accuracy, window.Accuracy, 12);
                Assert.Equal(fresh.LogLoss, window.LogLoss, 12);
                Assert.Equal(fresh.BrierScore, window.BrierScore, 12);
                Assert.Equal(fresh.ExpectedCalibrationError, window.ExpectedCalibrationError, 12);
                Assert.Equal(fresh.RocAucEstimate, window.RocAucEstimate, 12);
                Assert.Equal(fresh.RocAucErrorBound, window.RocAucErrorBound, 12);
            },
            iter: 200);
    }

    [Fact]
    public void Regression_window_equals_metrics_recomputed_over_its_last_examples()
    {
        Gen.Select(Gen.Select(Gen.Double[-1e6, 1e6], Gen.Double[-1e6, 1e6]).Array[1, 2000], Gen.Int[1, 300]).Sample(
            sample =>
            {
                var (examples, capacity) = sample;
                var window = new SlidingRegressionWindow(capacity);
                foreach (var (target, prediction) in examples)
                {
                    window.Add(target, prediction);
                }

                var fresh = new RegressionMetrics();
                foreach (var (target, prediction) in examples.TakeLast(capacity))
                {
                    fresh.Add(target, prediction);
                }

                // Evicted examples leave a rounding residue of the order of the largest errors the
                // window saw (compensated sums make it tiny, not zero): a window of 1e-24 errors after
                // 1e5 ones is exact to that residue, not to its own magnitude.
                var seen = examples.Max(example => Math.Abs(example.Item1 - example.Item2));
                Assert.Equal(fresh.MeanAbsoluteError, window.MeanAbsoluteError, Math.Max(1e-12 * fresh.MeanAbsoluteError, 1e-9 * seen));
                Assert.Equal(fresh.RootMeanSquaredError, window.RootMeanSquaredError, Math.Max(1e-12 * fresh.RootMeanSquaredError, 1e-9 * seen));
            },
            iter: 200);
    }

    [Fact]
    public void Adding_to_a_warm_window_allocates_nothing()
    {
        var window = new SlidingClassificationWindow(1000);
        var regression = new SlidingRegressionWindow(1000);
        var random = new Random(7);
        var values = Enumerable.Range(0, 5000).Select(_ => random.NextDouble()).ToArray();
        foreach (var v in values)
        {
            window.Add(v, v > 0.4);
            regression.Add(v, 0.5);
        }

        // The first sort in a process creates the runtime's static sort helper.
        _ = window.RocAuc();

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var v in values)
        {
            window.Add(v, v > 0.3);
            regression.Add(v, 0.25);
        }

        _ = window.RocAuc() + window.ExpectedCalibrationError + window.RocAucEstimate + regression.RootMeanSquaredError;

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
