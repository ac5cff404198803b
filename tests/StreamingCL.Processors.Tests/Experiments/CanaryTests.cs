using StreamingCL.Kafka.Events;
using StreamingCL.Processors.Experiments;
using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Processors.Tests.Experiments;

public sealed class CanaryTests : IDisposable
{
    private const double Margin = 0.05;
    private static readonly DateTimeOffset Start = ExperimentTraffic.Start;

    private readonly ExperimentTraffic _traffic = new(Canary("worse"), Canary("fine"));

    [Fact]
    public void A_canary_with_a_clearly_worse_error_rate_is_rolled_back()
    {
        Serve("worse", "stable", examples: 200, errors: 10);
        Serve("worse", "canary", examples: 200, errors: 60);
        _traffic.Tick(Start.AddMinutes(5));

        var metrics = _traffic.Metrics();
        var canary = metrics.Latest("worse", "canary");
        var expected = FrequentistTest.TwoSided(
            VariantStatistics.FromConversions(200, 10),
            VariantStatistics.FromConversions(200, 60),
            new FrequentistOptions { DifferenceType = DifferenceType.Absolute });
        Assert.Equal(ExperimentVerdict.Rollback, canary.Verdict);
        Assert.Equal(0.25, canary.Statistics["guardrail_lift"], 15); // 30% - 5%
        Assert.Equal((expected.Estimate, expected.LowerBound, expected.UpperBound, expected.PValue), (canary.Statistics["guardrail_lift"], canary.Statistics["guardrail_ci_low"], canary.Statistics["guardrail_ci_high"], canary.Statistics["guardrail_p_value"]));
        Assert.True(expected.PValue < 0.05);
        Assert.Equal(0.3, canary.Statistics["guardrail_mean"], 15);
        Assert.Equal(ExperimentVerdict.Continue, metrics.Latest("worse", "stable").Verdict);
        Assert.False(canary.Statistics.ContainsKey("srm_p_value")); // a canary without weights is ramping: no SRM check
        Assert.Equal(1, _traffic.Harness.Metric("streamingcl_experiment_verdicts_total{experiment=\"worse\",variant=\"canary\",verdict=\"Rollback\"}"));
    }

    [Fact]
    public void A_canary_whose_error_rate_is_within_the_margin_with_confidence_is_promoted()
    {
        Serve("fine", "stable", examples: 1000, errors: 100);
        Serve("fine", "canary", examples: 1000, errors: 95);
        _traffic.Tick(Start.AddMinutes(5));

        var canary = _traffic.Metrics().Latest("fine", "canary");
        var expected = FrequentistTest.TwoSided(
            VariantStatistics.FromConversions(1000, 100),
            VariantStatistics.FromConversions(1000, 95),
            new FrequentistOptions { DifferenceType = DifferenceType.Absolute });
        Assert.Equal(ExperimentVerdict.Promote, canary.Verdict);
        Assert.Equal(expected.UpperBound, canary.Statistics["guardrail_ci_high"]);
        Assert.True(expected.UpperBound < Margin && expected.LowerBound < 0); // non-inferior, not significantly better
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

    public void Dispose() => _traffic.Dispose();

    private static ExperimentDefinition Canary(string id) => new()
    {
        Id = id,
        Kind = ExperimentKind.Canary,
        Control = "stable",
        Variants = ["stable", "canary"],
        Guardrail = new GuardrailDefinition { Metric = GuardrailMetric.ErrorRate, NonInferiorityMargin = Margin },
    };

    // Each labeled example is its own unit; an error is a confident positive score on a negative label.
    private void Serve(string experiment, string variant, int examples, int errors)
    {
        for (var i = 0; i < examples; i++)
        {
            _traffic.Label(experiment, $"{variant}-{i}", variant, Start, label: i < errors ? 0 : 1, score: 0.9);
        }
    }
}
