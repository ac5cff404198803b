using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Statistics.Tests.Experiments;

/// <summary>Tests on paired differences; expected values from scipy.stats.ttest_1samp and the gbstats sequential formula.</summary>
public sealed class PairedTestTests
{
    // Differences -1, 0, 1, 2, 3: mean 1, sd √2.5, SE √0.5.
    private static readonly VariantStatistics Differences = VariantStatistics.FromMoments(5, 5, 15);

    [Fact]
    public void The_two_sided_paired_test_is_the_one_sample_t_test_of_the_differences()
    {
        var result = FrequentistTest.PairedTwoSided(Differences);

        Assert.Equal(1.0, result.Estimate, 12);
        Assert.Equal(Math.Sqrt(0.5), result.StandardError, 12);
        Assert.Equal(0.2301997, result.PValue, 6); // ttest_1samp([-1, 0, 1, 2, 3], 0).pvalue
        Assert.Equal(1 - (2.776445105 * Math.Sqrt(0.5)), result.LowerBound, 6); // t(0.975, 4) = 2.776445105
        Assert.Equal(1 + (2.776445105 * Math.Sqrt(0.5)), result.UpperBound, 6);
    }

    [Fact]
    public void The_sequential_paired_test_counts_the_pairs_once()
    {
        var result = FrequentistTest.PairedSequential(Differences);

        Assert.Equal(1.0, result.Estimate, 12);
        Assert.Equal(19.518626565, result.UpperBound - result.Estimate, 6); // N = 5, N* = 5000, α = 0.05
        Assert.Equal(0.996086425, result.PValue, 6);
    }

    [Fact]
    public void Paired_differences_are_absolute_and_need_variance()
    {
        Assert.Equal(FrequentistTest.PairedTwoSided(Differences), FrequentistTest.PairedTwoSided(Differences, new FrequentistOptions { DifferenceType = DifferenceType.Relative }));
        Assert.Equal(FrequentistTest.ZeroVarianceError, FrequentistTest.PairedTwoSided(VariantStatistics.FromMoments(10, 0, 0)).Error);
        Assert.Equal(FrequentistTest.ZeroVarianceError, FrequentistTest.PairedSequential(VariantStatistics.FromMoments(1, 1, 1)).Error);
    }
}
