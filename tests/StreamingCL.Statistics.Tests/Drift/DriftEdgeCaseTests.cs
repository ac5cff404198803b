using StreamingCL.Statistics.Drift;

namespace StreamingCL.Statistics.Tests.Drift;

/// <summary>Bad input fails loudly with a message that names the problem; verdicts follow the thresholds.</summary>
public sealed class DriftEdgeCaseTests
{
    private static readonly double[] Reference = [1.0, 2.0, 3.0, 4.0, 5.0];

    [Fact]
    public void Empty_samples_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => NumericDrift.Compare(Reference, []));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
        Assert.Equal("current", error.ParamName);
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([], Reference));
        Assert.Throws<ArgumentException>(() => Wasserstein.Distance(Reference, []));
    }

    [Fact]
    public void Nan_is_rejected_with_its_position_not_skipped()
    {
        var error = Assert.Throws<ArgumentException>(() => NumericDrift.Compare(Reference, [1.0, double.NaN, 3.0]));
        Assert.Contains("index 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ReferenceProfile.FromSample([1.0, double.PositiveInfinity]));
        Assert.Throws<ArgumentException>(() => ReferenceProfile.FromSample(Reference).CreateCounts().Add(double.NaN));
    }

    [Fact]
    public void A_single_value_is_too_few_for_a_profile_or_a_drift_report()
    {
        var error = Assert.Throws<ArgumentException>(() => ReferenceProfile.FromSample([1.0]));
        Assert.Contains("at least 2", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NumericDrift.Compare([1.0], Reference));
    }

    [Fact]
    public void Drift_against_an_empty_histogram_is_undefined()
    {
        var counts = ReferenceProfile.FromSample(Reference).CreateCounts();
        Assert.Throws<InvalidOperationException>(() => counts.PopulationStabilityIndex());
        counts.Add(3.0);
        counts.Clear();
        Assert.Equal(0, counts.Count);
        Assert.Throws<InvalidOperationException>(() => counts.JensenShannonDistance());
    }

    [Fact]
    public void Stored_profiles_are_validated()
    {
        Assert.Throws<ArgumentException>(() => ReferenceProfile.FromStored([1.0, 2.0], [0.5, 0.5]));
        Assert.Throws<ArgumentException>(() => ReferenceProfile.FromStored([2.0, 1.0], [0.2, 0.3, 0.5]));
        Assert.Throws<ArgumentException>(() => ReferenceProfile.FromStored([1.0, 2.0], [0.2, 0.3, 0.4]));
        var profile = ReferenceProfile.FromStored([1.0, 2.0], [0.2, 0.3, 0.5]);
        Assert.Equal([0, 0, 1, 2], new[] { 0.5, 1.0, 1.5, 2.5 }.Select(profile.BinOf));
    }

    [Fact]
    public void Restored_counts_are_validated()
    {
        var profile = ReferenceProfile.FromStored([1.0, 2.0], [0.2, 0.3, 0.5]);
        Assert.Contains("3 bins, got 2 counts", Assert.Throws<ArgumentException>(() => profile.CreateCounts([1, 2])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => profile.CreateCounts([1, -1, 2]));
        var categories = CategoricalReferenceProfile.FromCounts([new("a", 3), new("b", 1)]);
        Assert.Throws<ArgumentOutOfRangeException>(() => categories.CreateCounts([new("a", -1)]));
        Assert.Contains("'a' appears twice", Assert.Throws<ArgumentException>(() => categories.CreateCounts([new("a", 1), new("a", 2)])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Categorical_input_rejects_nulls_and_empty_samples()
    {
        Assert.Throws<ArgumentNullException>(() => CategoricalDrift.Compare(["a", null!], ["a"]));
        Assert.Throws<ArgumentException>(() => CategoricalDrift.Compare([], ["a"]));
        Assert.Throws<ArgumentException>(() => CategoricalDrift.Compare(["a"], []));
    }

    [Fact]
    public void A_single_category_on_both_sides_has_no_degrees_of_freedom()
    {
        var report = CategoricalDrift.Compare(["a", "a"], ["a"]);
        Assert.Equal(new ChiSquareTestResult(0.0, 0, 1.0), report.ChiSquare);
        Assert.Equal(DriftVerdict.Stable, report.Overall);
    }

    [Fact]
    public void Exact_kolmogorov_smirnov_falls_back_to_asymptotic_when_lcm_is_too_large()
    {
        // lcm(50000, 49999) = 2.5e9 exceeds 2^31 - 1, where scipy refuses the exact computation.
        var reference = Enumerable.Range(0, 50_000).Select(i => i * 0.61803398875 % 1).ToArray();
        var current = Enumerable.Range(0, 49_999).Select(i => i * 0.41421356237 % 1 + 0.01).ToArray();
        var result = KolmogorovSmirnov.TwoSample(reference, current, KolmogorovSmirnovMethod.Exact);
        Assert.Equal(KolmogorovSmirnovMethod.Asymptotic, result.Method);
        Assert.InRange(result.PValue, 0.0, 1.0);
    }

    [Theory]
    [InlineData(0.0999, DriftVerdict.Stable)]
    [InlineData(0.1, DriftVerdict.Warning)]
    [InlineData(0.1999, DriftVerdict.Warning)]
    [InlineData(0.2, DriftVerdict.Drift)]
    public void Psi_verdict_uses_warning_and_drift_bands(double psi, DriftVerdict expected) =>
        Assert.Equal(expected, DriftThresholds.Default.ForPsi(psi));

    [Fact]
    public void Other_verdicts_use_their_default_thresholds()
    {
        var thresholds = DriftThresholds.Default;
        Assert.Equal(DriftVerdict.Stable, thresholds.ForKolmogorovSmirnov(0.05));
        Assert.Equal(DriftVerdict.Drift, thresholds.ForKolmogorovSmirnov(0.0499));
        Assert.Equal(DriftVerdict.Drift, thresholds.ForJensenShannon(0.1));
        Assert.Equal(DriftVerdict.Stable, thresholds.ForJensenShannon(0.0999));
        Assert.Equal(DriftVerdict.Drift, thresholds.ForNormalisedWasserstein(0.1));
        Assert.Equal(DriftVerdict.Drift, thresholds.ForChiSquare(0.01));
        Assert.Equal(DriftVerdict.Stable, thresholds.ForChiSquare(0.05));
    }

    [Theory]
    [InlineData(0.3, 0.2, DriftVerdict.Stable)]
    [InlineData(0.3, 0.01, DriftVerdict.Drift)]
    [InlineData(0.15, 0.01, DriftVerdict.Warning)]
    [InlineData(0.05, 1e-9, DriftVerdict.Stable)]
    public void A_window_drifts_by_its_psi_only_when_the_shift_is_significant(double psi, double chiSquarePValue, DriftVerdict expected) =>
        Assert.Equal(expected, DriftThresholds.Default.ForSignificantPsi(psi, chiSquarePValue));

    [Fact]
    public void Without_its_count_the_reference_shares_are_taken_as_exact()
    {
        // Goodness of fit. Expected 20, 30, 50: (30-20)²/20 + 0 + (40-50)²/50 = 7 with 2 degrees of freedom, p = e^-3.5.
        var result = ReferenceProfile.FromStored([1.0, 2.0], [0.2, 0.3, 0.5]).CreateCounts([30, 30, 40]).ChiSquareTest();
        Assert.Equal(7.0, result.Statistic, 12);
        Assert.Equal(2, result.DegreesOfFreedom);
        Assert.Equal(Math.Exp(-3.5), result.PValue, 12);
    }

    [Fact]
    public void With_its_count_the_reference_is_a_sample_too()
    {
        // Homogeneity of [[20, 30, 50], [30, 30, 40]]: 2 + 0 + 10/9 with 2 degrees of freedom (scipy's
        // chi2_contingency(correction=False)); less than half the goodness of fit's 7.
        var result = ReferenceProfile.FromStored([1.0, 2.0], [0.2, 0.3, 0.5], count: 100).CreateCounts([30, 30, 40]).ChiSquareTest();
        Assert.Equal(2 + (10.0 / 9), result.Statistic, 12);
        Assert.Equal(2, result.DegreesOfFreedom);
        Assert.Equal(Math.Exp(-(2 + (10.0 / 9)) / 2), result.PValue, 12);
        Assert.Equal(5, ReferenceProfile.FromSample([1.0, 2.0, 3.0, 4.0, 5.0]).Count);
    }

    [Fact]
    public void Empty_reference_bins_are_left_out_unless_values_fall_in_them()
    {
        var exact = ReferenceProfile.FromStored([1.0, 2.0], [0.5, 0.0, 0.5]);
        Assert.Equal(new ChiSquareTestResult(0.0, 1, 1.0), exact.CreateCounts([5, 0, 5]).ChiSquareTest());
        var impossible = exact.CreateCounts([5, 1, 4]).ChiSquareTest();
        Assert.Equal((double.PositiveInfinity, 0.0), (impossible.Statistic, impossible.PValue));
        // A sampled reference may just not have shown values there: the bin counts, finitely.
        var sampled = ReferenceProfile.FromStored([1.0, 2.0], [0.5, 0.0, 0.5], count: 10).CreateCounts([5, 1, 4]).ChiSquareTest();
        Assert.Equal(2, sampled.DegreesOfFreedom);
        Assert.InRange(sampled.PValue, 0.1, 1);
        Assert.Throws<InvalidOperationException>(() => exact.CreateCounts().ChiSquareTest());
    }

    [Fact]
    public void Overall_verdict_is_the_most_severe_and_thresholds_are_configurable()
    {
        double[] current = [3.0, 4.0, 5.0, 6.0, 7.0];
        var lenient = NumericDrift.Compare(Reference, current, new DriftThresholds { PsiWarning = 50, PsiDrift = 100, JensenShannonDistance = 0.99, NormalisedWasserstein = 10, KolmogorovSmirnovPValue = 1e-9 });
        var strict = NumericDrift.Compare(Reference, current);

        Assert.Equal(DriftVerdict.Stable, lenient.Overall);
        Assert.Equal(DriftVerdict.Drift, strict.Overall);
        Assert.Equal(DriftVerdict.Drift, strict.PsiVerdict);
    }

    [Fact]
    public void Invalid_thresholds_name_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new DriftThresholds { PsiWarning = 0.3 }.Validate());
        Assert.Contains(nameof(DriftThresholds.PsiWarning), error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => new DriftThresholds { KolmogorovSmirnovPValue = 1.5 }.Validate());
        Assert.Equal(nameof(DriftThresholds.KolmogorovSmirnovPValue), error.ParamName);
    }
}
