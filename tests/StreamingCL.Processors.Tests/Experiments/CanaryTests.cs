using StreamingCL.Kafka.Events;
using StreamingCL.Processors.Experiments;
using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Processors.Tests.Experiments;

public sealed class CanaryTests : IDisposable
{
    private const double Margin = 0.05;
    private static readonly DateTimeOffset Start = ExperimentTraffic.Start;

    private readonly ExperimentTraffic _traffic = new(
        Canary("worse"),
        Canary("fine"),
        Canary("ramp"),
        Canary("tuned", sequential: new SequentialDefinition { TuningParameter = 100 }),
        Canary("crash", weights: [0.5, 0.5]),
        Canary("skewed", weights: [0.5, 0.5]));

    [Fact]
    public void A_canary_with_a_clearly_worse_error_rate_is_rolled_back_by_the_sequential_test_it_has_by_default()
    {
        Serve("worse", "stable", examples: 200, errors: 10);
        Serve("worse", "canary", examples: 200, errors: 60);
        _traffic.Tick(Start.AddMinutes(5));

        var metrics = _traffic.Metrics();
        var canary = metrics.Latest("worse", "canary");
        // No Sequential configured: a canary's verdicts are read at every emission, so they come from the sequential test (N* = 5000).
        var expected = FrequentistTest.Sequential(Smoothed(200, 10), Smoothed(200, 60), SequentialTest(5000));
        Assert.Equal(ExperimentVerdict.Rollback, canary.Verdict);
        Assert.Equal(61.0 / 202 - 11.0 / 202, canary.Statistics["guardrail_lift"], 15); // about 30% - 5%, each arm with one error and one success added
        Assert.Equal((expected.Estimate, expected.LowerBound, expected.UpperBound, expected.PValue), (canary.Statistics["guardrail_lift"], canary.Statistics["guardrail_ci_low"], canary.Statistics["guardrail_ci_high"], canary.Statistics["guardrail_p_value"]));
        Assert.True(expected.PValue < 0.05);
        Assert.Contains("sequential_p_value", canary.Statistics.Keys);
        Assert.Equal(0.3, canary.Statistics["guardrail_mean"], 15);
        Assert.Equal(ExperimentVerdict.Continue, metrics.Latest("worse", "stable").Verdict);
        Assert.False(canary.Statistics.ContainsKey("srm_p_value")); // a canary without weights is ramping: no SRM check
        Assert.Equal(1, _traffic.Harness.Metric("streamingcl_experiment_verdicts_total{experiment=\"worse\",variant=\"canary\",verdict=\"Rollback\"}"));
    }

    [Fact]
    public void An_explicit_sequential_tuning_of_a_canary_is_kept()
    {
        Serve("tuned", "stable", examples: 200, errors: 10);
        Serve("tuned", "canary", examples: 200, errors: 60);
        _traffic.Tick(Start.AddMinutes(5));

        var canary = _traffic.Metrics().Latest("tuned", "canary");
        var expected = FrequentistTest.Sequential(Smoothed(200, 10), Smoothed(200, 60), SequentialTest(100));
        Assert.Equal((expected.LowerBound, expected.UpperBound, expected.PValue), (canary.Statistics["guardrail_ci_low"], canary.Statistics["guardrail_ci_high"], canary.Statistics["guardrail_p_value"]));
    }

    [Fact]
    public void A_canary_whose_error_rate_is_within_the_margin_with_confidence_is_promoted()
    {
        Serve("fine", "stable", examples: 1000, errors: 100);
        Serve("fine", "canary", examples: 1000, errors: 95);
        _traffic.Tick(Start.AddMinutes(5));

        var canary = _traffic.Metrics().Latest("fine", "canary");
        var expected = FrequentistTest.Sequential(Smoothed(1000, 100), Smoothed(1000, 95), SequentialTest(5000));
        Assert.Equal(ExperimentVerdict.Promote, canary.Verdict);
        Assert.Equal(expected.UpperBound, canary.Statistics["guardrail_ci_high"]);
        Assert.True(expected.UpperBound < Margin && expected.LowerBound < 0); // non-inferior, not significantly better
    }

    [Fact]
    public void Guardrail_errors_count_in_the_variant_that_served_the_prediction_not_in_the_unit_first_variant()
    {
        // The ramp: 400 units are first served by the stable version; then the canary serves 200 of
        // them and errs on 180, while the stable version errs on 10 of its other 200.
        for (var i = 0; i < 400; i++)
        {
            _traffic.Expose("ramp", $"u-{i}", "stable", Start);
        }

        for (var i = 0; i < 200; i++)
        {
            _traffic.Label("ramp", $"u-{i}", "canary", Start.AddMinutes(1), label: i < 180 ? 0 : 1, score: 0.9);
            _traffic.Label("ramp", $"u-{200 + i}", "stable", Start.AddMinutes(1), label: i < 10 ? 0 : 1, score: 0.9);
        }

        _traffic.Tick(Start.AddMinutes(5));

        var metrics = _traffic.Metrics();
        ExperimentMetric stable = metrics.Latest("ramp", "stable"), canary = metrics.Latest("ramp", "canary");
        // A unit counts in every variant that served it: the canary's units are those it served.
        Assert.Equal((400, 190.0, 200.0), (stable.Units, stable.MetricSum, stable.Statistics["multiple_exposure_units"]));
        Assert.Equal((200, 20.0, 200.0), (canary.Units, canary.MetricSum, canary.Statistics["multiple_exposure_units"]));
        Assert.Equal((10.0 / 200, 180.0 / 200), (stable.Statistics["guardrail_mean"], canary.Statistics["guardrail_mean"]));
        var expected = FrequentistTest.Sequential(Smoothed(200, 10), Smoothed(200, 180), SequentialTest(5000));
        Assert.Equal((expected.Estimate, expected.PValue), (canary.Statistics["guardrail_lift"], canary.Statistics["guardrail_p_value"]));
        Assert.Equal(ExperimentVerdict.Rollback, canary.Verdict);
    }

    [Fact]
    public void Window_records_carry_statistics_but_no_decision()
    {
        Serve("worse", "stable", examples: 200, errors: 10);
        Serve("worse", "canary", examples: 200, errors: 60);
        _traffic.Tick(Start.AddMinutes(70)); // the 10:00-11:00 window closes at 11:10

        var metrics = _traffic.Metrics();
        ExperimentMetric window = metrics.Latest("worse", "canary", MetricScope.Window), cumulative = metrics.Latest("worse", "canary");
        Assert.Equal(cumulative.Statistics["guardrail_p_value"], window.Statistics["guardrail_p_value"]);
        Assert.Equal((ExperimentVerdict.Continue, ExperimentVerdict.Rollback), (window.Verdict, cumulative.Verdict));
    }

    [Fact]
    public void A_crashing_canary_is_rolled_back_despite_the_sample_ratio_mismatch_it_causes_but_a_broken_split_blocks_a_promotion()
    {
        // 50/50 splits. The crashing canary logs 700 units for the stable version's 1000, half of them errors.
        Serve("crash", "stable", examples: 1000, errors: 50);
        Serve("crash", "canary", examples: 700, errors: 350);
        // This canary is non-inferior, but its split is broken as well.
        Serve("skewed", "stable", examples: 2000, errors: 200);
        Serve("skewed", "canary", examples: 1600, errors: 160);
        _traffic.Tick(Start.AddMinutes(5));

        var metrics = _traffic.Metrics();
        var crash = metrics.Latest("crash", "canary");
        Assert.Equal(SampleRatioMismatch.Check([1000L, 700L], [0.5, 0.5]).PValue, crash.Statistics["srm_p_value"]);
        Assert.True(crash.Statistics["srm_p_value"] < 0.001);
        Assert.Equal((ExperimentVerdict.Rollback, ExperimentVerdict.Srm), (crash.Verdict, metrics.Latest("crash", "stable").Verdict));

        var skewed = metrics.Latest("skewed", "canary");
        Assert.True(skewed.Statistics["srm_p_value"] < 0.001 && skewed.Statistics["guardrail_ci_high"] < Margin);
        Assert.Equal(ExperimentVerdict.Srm, skewed.Verdict);
    }

    [Fact]
    public void A_canary_without_enough_evidence_either_way_continues()
    {
        Serve("fine", "stable", examples: 40, errors: 4);
        Serve("fine", "canary", examples: 40, errors: 6);
        _traffic.Tick(Start.AddMinutes(5));

        var canary = _traffic.Metrics().Latest("fine", "canary");
        Assert.Equal(ExperimentVerdict.Continue, canary.Verdict);
        Assert.True(canary.Statistics["guardrail_p_value"] >= 0.05 && canary.Statistics["guardrail_ci_high"] >= Margin);
    }

    [Fact]
    public void A_rollout_the_registry_started_is_analysed_without_configuration_and_rolled_back_when_worse()
    {
        // rollout:MODEL:VERSION is a canary of "canary" against "production" with the template's guardrail.
        Serve("rollout:ctr:2", "production", examples: 300, errors: 15);
        Serve("rollout:ctr:2", "canary", examples: 300, errors: 120);
        _traffic.Tick(Start.AddMinutes(5));

        var canary = _traffic.Metrics().Latest("rollout:ctr:2", "canary");
        Assert.Equal(ExperimentKind.Canary, canary.Kind);
        Assert.Equal("production", canary.ControlVariant);
        Assert.Equal(ExperimentVerdict.Rollback, canary.Verdict);
        Assert.Contains("sequential_p_value", canary.Statistics.Keys);
    }

    [Fact]
    public void A_canary_that_fails_every_request_is_rolled_back_although_its_error_rate_has_no_variance()
    {
        Serve("worse", "stable", examples: 200, errors: 10);
        Serve("worse", "canary", examples: 50, errors: 50);
        _traffic.Tick(Start.AddMinutes(5));

        var canary = _traffic.Metrics().Latest("worse", "canary");
        Assert.Equal(ExperimentVerdict.Rollback, canary.Verdict);
        Assert.Equal(1.0, canary.Statistics["guardrail_mean"], 15);
    }

    public void Dispose() => _traffic.Dispose();

    private static ExperimentDefinition Canary(string id, List<double>? weights = null, SequentialDefinition? sequential = null) => new()
    {
        Id = id,
        Kind = ExperimentKind.Canary,
        Control = "stable",
        Variants = ["stable", "canary"],
        Weights = weights,
        Sequential = sequential,
        Guardrail = new GuardrailDefinition { Metric = GuardrailMetric.ErrorRate, NonInferiorityMargin = Margin },
    };

    private static FrequentistOptions SequentialTest(double tuning) => new() { DifferenceType = DifferenceType.Absolute, SequentialTuningParameter = tuning };

    // Each labeled example is its own unit; an error is a confident positive score on a negative label.
    private void Serve(string experiment, string variant, int examples, int errors)
    {
        for (var i = 0; i < examples; i++)
        {
            _traffic.Label(experiment, $"{variant}-{i}", variant, Start, label: i < errors ? 0 : 1, score: 0.9);
        }
    }

    /// <summary>The error rate the guardrail tests: one error and one success added (Agresti-Caffo).</summary>
    private static VariantStatistics Smoothed(long trials, long errors) => VariantStatistics.FromConversions(trials + 2, errors + 1);
}
