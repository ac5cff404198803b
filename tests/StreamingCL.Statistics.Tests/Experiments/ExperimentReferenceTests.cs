using System.Text.Json;
using CsCheck;
using StreamingCL.Statistics.Experiments;
using StreamingCL.Statistics.Tests.Reference;

namespace StreamingCL.Statistics.Tests.Experiments;

/// <summary>Experiments against scipy and 30-digit mpmath quadrature (Reference/generate_experiments.py).</summary>
public sealed class ExperimentReferenceTests
{
    private const string File = "experiments.json";

    [Fact]
    public void Absolute_welch_test_matches_scipy_ttest_ind_from_stats()
    {
        foreach (var c in ReferenceData.Cases(File, "welch"))
        {
            var result = FrequentistTest.TwoSided(Variant(c.GetProperty("control")), Variant(c.GetProperty("treatment")), new FrequentistOptions { DifferenceType = DifferenceType.Absolute });
            var name = c.GetProperty("name").GetString();
            Close.To(c.Number("estimate"), result.Estimate, 1e-12, context: $"{name} estimate");
            Close.To(c.Number("standard_error"), result.StandardError, 1e-12, context: $"{name} SE");
            Close.To(c.Number("lower"), result.LowerBound, 1e-12, context: $"{name} lower");
            Close.To(c.Number("upper"), result.UpperBound, 1e-12, context: $"{name} upper");
            Close.To(c.Number("pvalue"), result.PValue, 1e-12, context: $"{name} p");
        }
    }

    [Fact]
    public void Bayesian_chance_and_expected_losses_match_high_precision_quadrature()
    {
        foreach (var c in ReferenceData.Cases(File, "bayesian"))
        {
            var control = Conversions(c.GetProperty("control"));
            var treatment = Conversions(c.GetProperty("treatment"));
            var result = BayesianProportionTest.Compare(control, treatment);
            var context = $"{control.Count}/{control.Sum} vs {treatment.Count}/{treatment.Sum}";
            // The brief asks for 1e-6; the closed form reaches ~1e-12. Losses far below the
            // conversion rates come from a difference of two terms: judged to 1e-15 absolute.
            Close.To(c.Number("chance_to_beat_control"), result.ChanceToBeatControl, 1e-10, 1e-15, $"{context} chance");
            Close.To(c.Number("loss_control"), result.ExpectedLossOfChoosingControl, 1e-9, 1e-15, $"{context} loss(control)");
            Close.To(c.Number("loss_treatment"), result.ExpectedLossOfChoosingTreatment, 1e-9, 1e-15, $"{context} loss(treatment)");
        }
    }

    [Fact]
    public void Sample_ratio_mismatch_matches_scipy_chisquare()
    {
        foreach (var c in ReferenceData.Cases(File, "srm"))
        {
            long[] units = [.. c.GetProperty("units").EnumerateArray().Select(e => e.GetInt64())];
            double[] weights = [.. c.GetProperty("weights").EnumerateArray().Select(e => e.GetDouble())];
            var result = SampleRatioMismatch.Check(units, weights);
            Close.To(c.Number("chi2"), result.ChiSquare, 1e-12, 1e-15, "χ²");
            Close.To(c.Number("pvalue"), result.PValue, 1e-12, context: "p");
            Assert.Equal(units.Length - 1, result.DegreesOfFreedom);
        }
    }

    [Fact]
    public void Sample_ratio_mismatch_p_value_is_one_for_exact_proportions() =>
        Gen.Select(Gen.Int[1, 50].Array[2, 6], Gen.Int[1, 1000]).Sample((weights, scale) =>
        {
            long[] units = [.. weights.Select(w => (long)w * scale)];
            var result = SampleRatioMismatch.Check(units, [.. weights.Select(w => (double)w)]);
            Close.To(1.0, result.PValue, 0, 1e-12);
            Assert.False(result.IsMismatch);
        });

    [Fact]
    public void Mismatch_waits_for_the_minimum_units_per_variation()
    {
        var few = SampleRatioMismatch.Check([7, 40], [0.5, 0.5]);
        Assert.True(few.PValue < SampleRatioMismatch.DefaultThreshold);
        Assert.False(few.HasEnoughUnits);
        Assert.False(few.IsMismatch);
        Assert.True(SampleRatioMismatch.Check([8, 40], [0.5, 0.5]).IsMismatch);
        Assert.Equal(1.0, SampleRatioMismatch.Check([0, 0], [0.5, 0.5]).PValue);
    }

    [Fact]
    public void Chance_to_beat_control_is_complementary_and_ties_are_even() =>
        Gen.Select(Gen.Int[1, 400], Gen.Int[0, 400], Gen.Int[1, 400], Gen.Int[0, 400]).Sample((nA, cA, nB, cB) =>
        {
            var a = VariantStatistics.FromConversions(nA, Math.Min(cA, nA));
            var b = VariantStatistics.FromConversions(nB, Math.Min(cB, nB));
            var forward = BayesianProportionTest.Compare(a, b);
            var backward = BayesianProportionTest.Compare(b, a);
            Close.To(1.0, forward.ChanceToBeatControl + backward.ChanceToBeatControl, 0, 1e-12);
            Close.To(forward.ExpectedLossOfChoosingControl, backward.ExpectedLossOfChoosingTreatment, 1e-12, 1e-16);
            Close.To(0.5, BayesianProportionTest.Compare(a, a).ChanceToBeatControl, 0, 1e-12);
        }, iter: 300);

    [Fact]
    public void Invalid_input_and_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VariantStatistics.FromConversions(10, 11));
        Assert.Throws<ArgumentException>(() => VariantStatistics.FromMoments(10, double.NaN, 1));
        Assert.Throws<ArgumentException>(() => BayesianProportionTest.Compare(VariantStatistics.FromMoments(10, 5, 5), VariantStatistics.FromConversions(10, 5)));
        var error = Assert.Throws<ArgumentException>(() => FrequentistTest.TwoSided(VariantStatistics.FromConversions(10, 5), VariantStatistics.FromConversions(10, 6), new FrequentistOptions { Alpha = 0 }));
        Assert.Equal(nameof(FrequentistOptions.Alpha), error.ParamName);
        Assert.Throws<ArgumentException>(() => SampleRatioMismatch.Check([10, 10], [0.5]));
        Assert.Throws<ArgumentException>(() => SampleRatioMismatch.Check([10, 10], [0.0, 0.0]));
    }

    [Fact]
    public void Relative_lift_against_a_zero_control_mean_is_undefined()
    {
        var result = FrequentistTest.TwoSided(VariantStatistics.FromMoments(10, 0, 4), VariantStatistics.FromMoments(10, 3, 5));
        Assert.Equal(FrequentistTest.ZeroBaselineError, result.Error);
    }

    private static VariantStatistics Variant(JsonElement values)
    {
        var v = values.EnumerateArray().ToArray();
        return v[3].GetBoolean()
            ? VariantStatistics.FromConversions(v[0].GetInt64(), (long)v[1].GetDouble())
            : VariantStatistics.FromMoments(v[0].GetInt64(), v[1].GetDouble(), v[2].GetDouble());
    }

    private static VariantStatistics Conversions(JsonElement values) =>
        VariantStatistics.FromConversions(values[0].GetInt64(), values[1].GetInt64());
}
