using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Statistics.Tests.Experiments;

/// <summary>
/// GrowthBook's own expected values, from growthbook/growthbook packages/stats/tests/frequentist/test_tests.py
/// (TestTwoSidedTTest, TestSequentialTTest) and tests/test_gbstats.py (test_srm). gbstats rounds
/// its expectations to 5 decimals (9 for SRM), so the tolerance is half a unit in that place.
/// </summary>
public sealed class GbstatsWorkedExampleTests
{
    private const double FiveDecimals = 0.5e-5 + 1e-12;

    private static readonly VariantStatistics MeanControl = VariantStatistics.FromMoments(3407, 1396.87, 52377.9767);
    private static readonly VariantStatistics MeanTreatment = VariantStatistics.FromMoments(3461, 2422.7, 134698.29);

    [Fact]
    public void Two_sided_relative_test_matches_gbstats() =>
        AssertRounded(FrequentistTest.TwoSided(MeanControl, MeanTreatment), 0.70732, -0.03526, 1.44989, 0.37879, 0.06191);

    [Fact]
    public void Two_sided_absolute_test_matches_gbstats() =>
        AssertRounded(
            FrequentistTest.TwoSided(MeanControl, MeanTreatment, new FrequentistOptions { DifferenceType = DifferenceType.Absolute }),
            0.29, 0.04538, 0.53462, 0.12478, 0.02016);

    [Fact]
    public void Two_sided_test_on_proportions_matches_gbstats() =>
        AssertRounded(
            FrequentistTest.TwoSided(VariantStatistics.FromConversions(28, 14), VariantStatistics.FromConversions(30, 16)),
            0.06667, -0.47767, 0.61101, 0.2717, 0.80707);

    [Fact]
    public void Missing_variance_gives_gbstats_default_output()
    {
        var result = FrequentistTest.TwoSided(VariantStatistics.FromMoments(2, 1396.87, 52377.9767), MeanTreatment);
        Assert.Equal(new EffectEstimate(0, 0, 0, 0, 1, FrequentistTest.ZeroVarianceError), result);
        Assert.False(result.IsDefined);
    }

    [Fact]
    public void Sequential_test_matches_gbstats() =>
        AssertRounded(
            FrequentistTest.Sequential(VariantStatistics.FromMoments(3000, 1396.87, 52377.9767), MeanTreatment, new FrequentistOptions { SequentialTuningParameter = 1000 }),
            0.50336, -0.55844, 1.56516, 0.33341, 1.0);

    [Fact]
    public void Sequential_test_on_proportions_matches_gbstats() =>
        AssertRounded(
            FrequentistTest.Sequential(VariantStatistics.FromConversions(3000, 1396), VariantStatistics.FromConversions(3461, 2422)),
            0.50386, 0.40098, 0.60675, 0.03386, 0.0);

    [Fact]
    public void Sequential_interval_is_tightest_when_tuned_near_the_sample_size()
    {
        // gbstats test_sequential_test_tuning_as_expected: N* = 6461 is the actual total sample size.
        var control = VariantStatistics.FromMoments(3000, 1396.87, 52377.9767);
        EffectEstimate Run(double tuning) => FrequentistTest.Sequential(control, MeanTreatment, new FrequentistOptions { SequentialTuningParameter = tuning });
        var below = Run(10);
        var near = Run(6461);
        var above = Run(10000);

        Assert.True(below.LowerBound < above.LowerBound && below.UpperBound > above.UpperBound);
        Assert.True(below.LowerBound < near.LowerBound && below.UpperBound > near.UpperBound);
        Assert.True(above.LowerBound < near.LowerBound && above.UpperBound > near.UpperBound);
    }

    [Fact]
    public void Sample_ratio_mismatch_matches_gbstats()
    {
        var result = SampleRatioMismatch.Check([1000, 1200], [0.5, 0.5]);
        Close.To(0.000020079, result.PValue, 0, 0.5e-9);
        Assert.True(result.IsMismatch);
    }

    private static void AssertRounded(EffectEstimate actual, double estimate, double lower, double upper, double standardError, double pValue)
    {
        Assert.True(actual.IsDefined, actual.Error);
        Close.To(estimate, actual.Estimate, 0, FiveDecimals, "estimate");
        Close.To(lower, actual.LowerBound, 0, FiveDecimals, "lower bound");
        Close.To(upper, actual.UpperBound, 0, FiveDecimals, "upper bound");
        Close.To(standardError, actual.StandardError, 0, FiveDecimals, "standard error");
        Close.To(pValue, actual.PValue, 0, FiveDecimals, "p-value");
    }
}
