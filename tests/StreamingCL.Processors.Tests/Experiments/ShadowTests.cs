using StreamingCL.Kafka.Events;
using StreamingCL.Processors.Experiments;

namespace StreamingCL.Processors.Tests.Experiments;

public sealed class ShadowTests : IDisposable
{
    private static readonly DateTimeOffset Start = ExperimentTraffic.Start;

    private readonly ExperimentTraffic _traffic = new(new ExperimentDefinition { Id = "shadow", Kind = ExperimentKind.Shadow, Control = "v1" });

    [Fact]
    public void The_shadow_version_is_compared_with_the_served_one_on_the_same_predictions()
    {
        // prediction: served score, shadow score, label. Decisions at 0.5.
        Served("p-1", 0.8, label: 1);  // agree, both right
        Shadow("p-1", 0.7, label: 1);
        Shadow("p-2", 0.4, label: 0);  // disagree (the shadow example comes first), served wrong, shadow right
        Served("p-2", 0.6, label: 0);
        Served("p-3", 0.2, label: 0);  // agree, both right
        Shadow("p-3", 0.3, label: 0);
        Shadow("p-4", 0.45, label: null); // disagree, no label
        Served("p-4", 0.55, label: null);
        Shadow("p-5", 0.9, label: 1);  // its served example never comes
        _traffic.Tick(Start.AddMinutes(10));

        var metric = _traffic.Metrics().Latest("shadow", "v2");
        Assert.Equal(("v1", ExperimentKind.Shadow, ExperimentVerdict.Continue), (metric.ControlVariant, metric.Kind, metric.Verdict));
        Assert.Equal((4, 2.0), (metric.Units, metric.MetricSum));
        var statistics = metric.Statistics;
        Assert.Equal(0.5, statistics["agreement_rate"]);
        Assert.Equal(3, statistics["labeled_pairs"]);
        Assert.Equal(2.0 / 3, statistics["accuracy_control"]);
        Assert.Equal(1.0, statistics["accuracy_variant"]);
        Assert.Equal(1.0 / 3, statistics["accuracy_delta"]);
        double servedLoss = (-Math.Log(0.8) - Math.Log(0.4) - Math.Log(0.8)) / 3, shadowLoss = (-Math.Log(0.7) - Math.Log(0.6) - Math.Log(0.7)) / 3;
        Assert.Equal(servedLoss, statistics["log_loss_control"], 12);
        Assert.Equal(shadowLoss, statistics["log_loss_variant"], 12);
        Assert.Equal(shadowLoss - servedLoss, statistics["log_loss_delta"], 12);
        Assert.Equal(1, statistics["unpaired"]);
        Assert.Empty(_traffic.DeadLetters());
    }

    [Fact]
    public void A_second_served_or_shadow_example_of_a_prediction_is_a_duplicate()
    {
        Served("p-1", 0.8, label: 1);
        Shadow("p-1", 0.7, label: 1);
        Served("p-1", 0.8, label: 1);
        Shadow("p-1", 0.7, label: 1);
        _traffic.Tick(Start.AddMinutes(10));

        Assert.Equal(1, _traffic.Metrics().Latest("shadow", "v2").Units);
        var duplicates = _traffic.DeadLetters();
        Assert.Equal([DeadLetterKind.Duplicate, DeadLetterKind.Duplicate], duplicates.Select(letter => letter.ErrorKind));
        Assert.Equal(["labeled-examples", "labeled-examples"], duplicates.Select(letter => letter.OriginalTopic));
        Assert.Equal([2L, 3L], duplicates.Select(letter => letter.OriginalOffset));
        Assert.Equal("p-1"u8.ToArray(), duplicates[0].Key!.Value.ToArray());
    }

    [Fact]
    public void Scores_that_are_not_probabilities_and_soft_labels_are_dead_lettered()
    {
        Served("p-1", 1.5, label: 1);
        Served("p-2", 0.5, label: 0.5);
        Shadow("p-3", 0.5, label: 1, variant: null);

        Assert.Equal([DeadLetterKind.InvalidValue, DeadLetterKind.InvalidValue, DeadLetterKind.MissingField], _traffic.DeadLetters().Select(letter => letter.ErrorKind));
    }

    [Fact]
    public void Pending_examples_leave_the_state_after_the_pairing_timeout()
    {
        Served("p-1", 0.8, label: 1);
        Shadow("p-2", 0.8, label: 1);
        var pending = _traffic.Harness.Driver.GetKeyValueStore<string, ShadowPending>(ExperimentTransformer.ShadowStoreName);
        Assert.Equal(2, pending.All().Count());

        _traffic.Tick(Start.AddMinutes(10));

        Assert.Empty(pending.All());
        Assert.Equal(1, _traffic.Metrics().Latest("shadow", "v2").Statistics["unpaired"]);
    }

    [Theory]
    [InlineData(300, 60, 0, 15, ExperimentVerdict.Promote)] // right wherever production is, and on 45 more
    [InlineData(300, 15, 0, 120, ExperimentVerdict.Rollback)] // wrong on 105 predictions production gets right
    [InlineData(300, 15, 0, 15, ExperimentVerdict.Continue)] // the same decisions, but 300 pairs cannot show it within a point
    [InlineData(1000, 50, 0, 50, ExperimentVerdict.Promote)] // the same decisions on 1,000
    [InlineData(1000, 50, 25, 50, ExperimentVerdict.Continue)] // as many errors, on other predictions half the time
    public void A_rollout_shadow_is_judged_by_a_paired_test_of_its_errors(int pairs, int servedErrors, int shadowFirstError, int shadowErrors, ExperimentVerdict expected)
    {
        // rollout:MODEL:VERSION:shadow is a Shadow paired with "production", with the template's margin and sequential test.
        const string Rollout = "rollout:ctr:2:shadow";
        for (var i = 0; i < pairs; i++)
        {
            var shadowWrong = i >= shadowFirstError && i < shadowFirstError + shadowErrors;
            _traffic.Label(Rollout, $"u-{i}", "production", Start, label: 1, score: i < servedErrors ? 0.2 : 0.8, predictionId: $"r-{i}");
            _traffic.Label(Rollout, $"u-{i}", "shadow", Start, label: 1, score: shadowWrong ? 0.2 : 0.8, shadow: true, predictionId: $"r-{i}");
        }

        _traffic.Tick(Start.AddMinutes(10));

        var shadow = _traffic.Metrics().Latest(Rollout, "shadow");
        Assert.Equal((ExperimentKind.Shadow, "production", (long)pairs), (shadow.Kind, shadow.ControlVariant, shadow.Units));
        Assert.Equal(expected, shadow.Verdict);
        // The difference of the error rates, with half a pair added to each cell of the 2 x 2 table.
        Assert.Equal((shadowErrors - servedErrors) / (pairs + 2.0), shadow.Statistics["guardrail_lift"], 12);
        Assert.True(shadow.Statistics["guardrail_ci_low"] < shadow.Statistics["guardrail_lift"] && shadow.Statistics["guardrail_lift"] < shadow.Statistics["guardrail_ci_high"]);
    }

    [Fact]
    public void A_shadow_experiment_without_a_guardrail_only_reports()
    {
        for (var i = 0; i < 100; i++)
        {
            Served($"p-{i}", 0.8, label: 1);
            Shadow($"p-{i}", 0.2, label: 1);
        }

        _traffic.Tick(Start.AddMinutes(10));

        Assert.Equal(ExperimentVerdict.Continue, _traffic.Metrics().Latest("shadow", "v2").Verdict);
    }

    public void Dispose() => _traffic.Dispose();

    private void Served(string id, double score, double? label) =>
        _traffic.Label("shadow", "u", "v1", Start, label: label, score: score, predictionId: id);

    private void Shadow(string id, double score, double? label, string? variant = "v2") =>
        _traffic.Label("shadow", "u", variant, Start, label: label, score: score, shadow: true, predictionId: id);
}
