using StreamingCL.Kafka.Events;
using StreamingCL.Processors.Experiments;
using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Processors.Tests.Experiments;

public sealed class AbTestTests : IDisposable
{
    private static readonly DateTimeOffset Start = ExperimentTraffic.Start;

    private static readonly ExperimentDefinition Split = new() { Id = "split", Control = "A", Variants = ["A", "B"], Weights = [0.5, 0.5] };

    private static readonly ExperimentDefinition Revenue = new()
    {
        Id = "revenue",
        Control = "A",
        Variants = ["A", "B"],
        Metric = new MetricDefinition { Type = MetricType.Mean, Source = OutcomeSource.Reward },
        Sequential = new SequentialDefinition { TuningParameter = 100 },
    };

    private static readonly ExperimentDefinition Clicks = new() { Id = "clicks", Control = "A", Variants = ["A", "B"] };

    private readonly ExperimentTraffic _traffic = new(Split, Revenue, Clicks);

    [Fact]
    public void A_1000_to_1200_split_with_even_weights_is_a_sample_ratio_mismatch()
    {
        for (var i = 0; i < 1000; i++)
        {
            _traffic.Expose("split", $"a-{i}", "A", Start.AddMilliseconds(i));
        }

        for (var i = 0; i < 1200; i++)
        {
            _traffic.Expose("split", $"b-{i}", "B", Start.AddMilliseconds(i));
        }

        _traffic.Tick(Start.AddMinutes(70)); // past the close of the window 10:00-11:00

        var metrics = _traffic.Metrics();
        ExperimentMetric control = metrics.Latest("split", "A"), treatment = metrics.Latest("split", "B");
        Assert.Equal((1000, 1200), (control.Units, treatment.Units));
        Assert.Equal((ExperimentVerdict.Srm, ExperimentVerdict.Srm), (control.Verdict, treatment.Verdict));
        Assert.Equal(ExperimentVerdict.Srm, metrics.Latest("split", "B", MetricScope.Window).Verdict); // a window publishes a broken split too
        var expected = SampleRatioMismatch.Check([1000L, 1200L], [0.5, 0.5]).PValue;
        Assert.Equal(expected, treatment.Statistics["srm_p_value"]);
        Assert.Equal(expected, control.Statistics["srm_p_value"]);
        // χ² = 2 · 100² / 1100 with one degree of freedom: p = erfc(sqrt(χ² / 2)).
        Assert.Equal(2.007865612426481e-05, expected, 1e-15);
    }

    [Fact]
    public void Lift_interval_and_p_values_are_the_tests_of_the_per_unit_moments()
    {
        // Per-unit reward sums. A: 1 + 2, 0.5, (none), 4 -> n 4, Σ 7.5, Σ² 25.25.
        // B: 2 + 3, 1, 2.5, (none), 6 -> n 5, Σ 14.5, Σ² 68.25.
        Reward("a-1", "A", 1);
        Reward("a-1", "A", 2);
        Reward("a-2", "A", 0.5);
        _traffic.Expose("revenue", "a-3", "A", Start);
        Reward("a-4", "A", 4);
        Reward("b-1", "B", 2);
        Reward("b-1", "B", 3);
        Reward("b-2", "B", 1);
        Reward("b-3", "B", 2.5);
        _traffic.Expose("revenue", "b-4", "B", Start);
        Reward("b-5", "B", 6);
        _traffic.Tick(Start.AddMinutes(5));

        var metrics = _traffic.Metrics();
        var control = metrics.Latest("revenue", "A");
        var treatment = metrics.Latest("revenue", "B");
        Assert.Equal((4, 7.5, 25.25), (control.Units, control.MetricSum, control.MetricSumSquares));
        Assert.Equal((5, 14.5, 68.25), (treatment.Units, treatment.MetricSum, treatment.MetricSumSquares));

        VariantStatistics a = VariantStatistics.FromMoments(4, 7.5, 25.25), b = VariantStatistics.FromMoments(5, 14.5, 68.25);
        var options = new FrequentistOptions { DifferenceType = DifferenceType.Absolute, SequentialTuningParameter = 100 };
        var absolute = FrequentistTest.TwoSided(a, b, options);
        var relative = FrequentistTest.TwoSided(a, b, options with { DifferenceType = DifferenceType.Relative });
        var sequential = FrequentistTest.Sequential(a, b, options);
        var statistics = treatment.Statistics;
        Assert.Equal(b.Mean, statistics["mean"]);
        Assert.Equal((absolute.Estimate, absolute.LowerBound, absolute.UpperBound, absolute.PValue), (statistics["absolute_lift"], statistics["absolute_ci_low"], statistics["absolute_ci_high"], statistics["p_value"]));
        Assert.Equal((relative.Estimate, relative.LowerBound, relative.UpperBound), (statistics["relative_lift"], statistics["relative_ci_low"], statistics["relative_ci_high"]));
        Assert.Equal((sequential.LowerBound, sequential.UpperBound, sequential.PValue), (statistics["sequential_ci_low"], statistics["sequential_ci_high"], statistics["sequential_p_value"]));
        Assert.Equal(2.9 - 1.875, statistics["absolute_lift"], 15);
        Assert.False(statistics.ContainsKey("chance_to_beat_control")); // a mean, not a proportion
        Assert.True(sequential.PValue > 0.05);
        Assert.Equal(ExperimentVerdict.Continue, treatment.Verdict);
        // An AbTest without weights expects an even split.
        Assert.Equal(SampleRatioMismatch.Check([4L, 5L], [1.0, 1.0]).PValue, treatment.Statistics["srm_p_value"]);
        Assert.Equal("A", treatment.ControlVariant);
        Assert.Equal(ExperimentKind.AbTest, treatment.Kind);
        Assert.Equal(Start, treatment.WindowStart);
        Assert.Equal(absolute.PValue, _traffic.Harness.Metric("streamingcl_experiment_statistic{experiment=\"revenue\",variant=\"B\",scope=\"cumulative\",statistic=\"p_value\"}")!.Value, 12);
    }

    [Fact]
    public void A_unit_counts_once_however_many_predictions_and_converts_once_however_many_conversions()
    {
        for (var i = 0; i < 3; i++)
        {
            _traffic.Expose("clicks", "a-1", "A", Start.AddSeconds(i));
        }

        _traffic.Label("clicks", "a-1", "A", Start, label: 1);
        _traffic.Label("clicks", "a-1", "A", Start.AddSeconds(1), label: 1);
        _traffic.Expose("clicks", "a-2", "A", Start);
        _traffic.Label("clicks", "a-2", "A", Start, label: 0);
        _traffic.Label("clicks", "b-1", "B", Start, label: 1);
        _traffic.Label("clicks", "b-2", "B", Start, label: 0);
        _traffic.Label("clicks", "b-2", "B", Start.AddSeconds(1), label: 1);
        _traffic.Expose("clicks", "b-3", "B", Start);
        _traffic.Tick(Start.AddMinutes(5));

        var metrics = _traffic.Metrics();
        ExperimentMetric control = metrics.Latest("clicks", "A"), treatment = metrics.Latest("clicks", "B");
        Assert.Equal((2, 1.0, 1.0), (control.Units, control.MetricSum, control.MetricSumSquares));
        Assert.Equal((3, 2.0, 2.0), (treatment.Units, treatment.MetricSum, treatment.MetricSumSquares));
        var chance = BayesianProportionTest.Compare(VariantStatistics.FromConversions(2, 1), VariantStatistics.FromConversions(3, 2)).ChanceToBeatControl;
        Assert.Equal(chance, treatment.Statistics["chance_to_beat_control"]);
        Assert.Equal(2.0 / 3, treatment.Statistics["mean"], 15);
    }

    [Fact]
    public void A_unit_seen_in_a_second_variant_stays_in_its_first_and_is_reported()
    {
        _traffic.Expose("revenue", "u-1", "A", Start);
        _traffic.Expose("revenue", "u-1", "B", Start.AddSeconds(1));
        _traffic.Label("revenue", "u-1", "B", Start.AddSeconds(1), reward: 5);
        _traffic.Tick(Start.AddMinutes(5));

        var metrics = _traffic.Metrics();
        ExperimentMetric first = metrics.Latest("revenue", "A"), second = metrics.Latest("revenue", "B");
        Assert.Equal((1, 5.0, 25.0, 1.0), (first.Units, first.MetricSum, first.MetricSumSquares, first.Statistics["multiple_exposure_units"]));
        Assert.Equal((0, 0.0, 0.0), (second.Units, second.MetricSum, second.Statistics["multiple_exposure_units"]));
    }

    [Fact]
    public void A_variant_without_units_has_no_chance_to_beat_the_control()
    {
        _traffic.Label("clicks", "a-1", "A", Start, label: 1);
        _traffic.Label("clicks", "a-2", "A", Start, label: 0);
        _traffic.Tick(Start.AddMinutes(5));

        var treatment = _traffic.Metrics().Latest("clicks", "B");
        Assert.Equal(0, treatment.Units);
        Assert.False(treatment.Statistics.ContainsKey("chance_to_beat_control"));
        Assert.False(treatment.Statistics.ContainsKey("mean"));
    }

    [Fact]
    public void A_significant_win_under_the_sequential_test_is_promoted()
    {
        using var traffic = new ExperimentTraffic(new ExperimentDefinition
        {
            Id = "win",
            Control = "A",
            Variants = ["A", "B"],
            Sequential = new SequentialDefinition(),
        });
        for (var i = 0; i < 400; i++)
        {
            traffic.Label("win", $"a-{i}", "A", Start, label: i % 10 == 0 ? 1 : 0);
            traffic.Label("win", $"b-{i}", "B", Start, label: i % 10 < 3 ? 1 : 0);
        }

        traffic.Tick(Start.AddMinutes(5));

        var metrics = traffic.Metrics();
        var treatment = metrics.Latest("win", "B");
        Assert.Equal(ExperimentVerdict.Continue, metrics.Latest("win", "A").Verdict);
        var expected = FrequentistTest.Sequential(
            VariantStatistics.FromConversions(400, 40),
            VariantStatistics.FromConversions(400, 120),
            new FrequentistOptions { DifferenceType = DifferenceType.Absolute });
        Assert.Equal(expected.PValue, treatment.Statistics["sequential_p_value"]);
        Assert.True(expected.PValue < 0.05);
        Assert.Equal(ExperimentVerdict.Promote, treatment.Verdict);
    }

    public void Dispose() => _traffic.Dispose();

    private void Reward(string unit, string variant, double reward)
    {
        _traffic.Expose("revenue", unit, variant, Start);
        _traffic.Label("revenue", unit, variant, Start, reward: reward);
    }
}
