using CsCheck;
using StreamingCL.Statistics.Performance;

namespace StreamingCL.Statistics.Tests.Performance;

public sealed class RocAucTests
{
    /// <summary>Scores on a coarse grid so that ties, within and across classes, are common.</summary>
    private static readonly Gen<(double Score, bool Positive)[]> Predictions =
        Gen.Select(Gen.Int[0, 40].Select(i => i / 40.0), Gen.Bool).Array[1, 300];

    [Fact]
    public void Exact_auc_is_the_share_of_correctly_ranked_pairs_with_ties_as_half()
    {
        Predictions.Sample(
            predictions =>
            {
                var window = new SlidingClassificationWindow(predictions.Length);
                foreach (var (score, positive) in predictions)
                {
                    window.Add(score, positive);
                }

                Assert.Equal(PairwiseAuc(predictions), window.RocAuc(), 12);
            },
            iter: 500);
    }

    [Fact]
    public void The_histogram_estimate_stays_within_its_error_bound()
    {
        Gen.Select(Gen.Select(Gen.Double[0, 1], Gen.Bool).Array[2, 400], Gen.Int[1, 64]).Sample(
            sample =>
            {
                var (predictions, bins) = sample;
                var metrics = new ClassificationMetrics(rocAucBins: bins);
                foreach (var (score, positive) in predictions)
                {
                    metrics.Add(score, positive);
                }

                var exact = PairwiseAuc(predictions);
                if (double.IsNaN(exact))
                {
                    Assert.True(double.IsNaN(metrics.RocAucEstimate));
                    return;
                }

                Assert.InRange(Math.Abs(metrics.RocAucEstimate - exact), 0, metrics.RocAucErrorBound + 1e-12);
            },
            iter: 500);
    }

    [Fact]
    public void The_error_bound_is_attained_when_one_bin_hides_a_perfect_ranking()
    {
        var metrics = new ClassificationMetrics(rocAucBins: 10);
        metrics.Add(0.51, false);
        metrics.Add(0.52, false);
        metrics.Add(0.58, true);
        metrics.Add(0.59, true);

        Assert.Equal(0.5, metrics.RocAucEstimate);
        Assert.Equal(0.5, metrics.RocAucErrorBound);
    }

    [Fact]
    public void The_estimate_is_exact_when_no_bin_mixes_classes()
    {
        var metrics = new ClassificationMetrics(rocAucBins: 100);
        double[] negatives = [0.05, 0.33, 0.61], positives = [0.12, 0.47, 0.88];
        foreach (var score in negatives)
        {
            metrics.Add(score, false);
        }

        foreach (var score in positives)
        {
            metrics.Add(score, true);
        }

        Assert.Equal(0.0, metrics.RocAucErrorBound);
        Assert.Equal(6.0 / 9.0, metrics.RocAucEstimate, 15);
    }

    /// <summary>Definition by brute force: every (positive, negative) pair, 1 if ranked right, 1/2 if tied.</summary>
    private static double PairwiseAuc((double Score, bool Positive)[] predictions)
    {
        double credit = 0, pairs = 0;
        foreach (var positive in predictions.Where(p => p.Positive))
        {
            foreach (var negative in predictions.Where(p => !p.Positive))
            {
                pairs++;
                credit += positive.Score > negative.Score ? 1.0 : positive.Score == negative.Score ? 0.5 : 0.0;
            }
        }

        return pairs == 0 ? double.NaN : credit / pairs;
    }
}
