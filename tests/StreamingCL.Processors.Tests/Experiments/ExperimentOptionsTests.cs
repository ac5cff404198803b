using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Processors.Experiments;

namespace StreamingCL.Processors.Tests.Experiments;

public sealed class ExperimentOptionsTests
{
    public static TheoryData<string, Action<ExperimentDefinition>> Mistakes() => new()
    {
        { "Processors:Experiments:Experiments:0:Control", experiment => experiment.Control = "C" },
        { "Processors:Experiments:Experiments:0:Variants", experiment => experiment.Variants = ["A", "A"] },
        { "Processors:Experiments:Experiments:0:Weights", experiment => experiment.Weights = [1.0] },
        { "Processors:Experiments:Experiments:0:Alpha", experiment => experiment.Alpha = 1 },
        { "Processors:Experiments:Experiments:0:Id", experiment => experiment.Id = "a\0b" },
        { "Processors:Experiments:Experiments:0:Guardrail", experiment => experiment.Kind = ExperimentKind.Canary },
        { "Processors:Experiments:Experiments:0:Guardrail", experiment => experiment.Guardrail = new GuardrailDefinition() },
        {
            "Processors:Experiments:Experiments:0:Guardrail",
            experiment => (experiment.Kind, experiment.Variants, experiment.Weights, experiment.Guardrail) = (ExperimentKind.Shadow, [], null, new GuardrailDefinition { Metric = GuardrailMetric.Primary })
        },
        { "Processors:Experiments:Experiments:0:Bandit", experiment => experiment.Kind = ExperimentKind.Bandit },
        {
            "Processors:Experiments:Experiments:0:Bandit:MinimumWeight",
            experiment => (experiment.Kind, experiment.Weights, experiment.Bandit) = (ExperimentKind.Bandit, null, new BanditDefinition { MinimumWeight = 0.6 })
        },
        {
            "Processors:Experiments:Experiments:0:Bandit",
            experiment => (experiment.Kind, experiment.Weights, experiment.Bandit) = (ExperimentKind.Bandit, null, new BanditDefinition { Draws = 0 })
        },
        {
            "Processors:Experiments:Experiments:0:Variants",
            experiment => (experiment.Kind, experiment.Weights) = (ExperimentKind.Interleaving, null)
        },
        { "Processors:Experiments:Experiments:0:Sequential:TuningParameter", experiment => experiment.Sequential = new SequentialDefinition { TuningParameter = 0 } },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_definition_that_cannot_work_fails_naming_its_key(string key, Action<ExperimentDefinition> mistake)
    {
        var experiment = new ExperimentDefinition { Id = "e", Control = "A", Variants = ["A", "B"], Weights = [0.5, 0.5] };
        mistake(experiment);
        var options = new ExperimentOptions { Experiments = [experiment] };

        Assert.Equal(key, Assert.Throws<InvalidConfigurationException>(options.Validate).Key);
    }

    [Fact]
    public void Experiment_ids_are_unique_and_an_experiment_outlives_its_last_window()
    {
        var twice = new ExperimentOptions { Experiments = [new() { Id = "e", Control = "A", Variants = ["A", "B"] }, new() { Id = "e", Control = "A", Variants = ["A", "B"] }] };
        Assert.Equal("Processors:Experiments:Experiments:1:Id", Assert.Throws<InvalidConfigurationException>(twice.Validate).Key);

        var shortRetention = new ExperimentOptions { WindowSize = TimeSpan.FromHours(1), WindowGrace = TimeSpan.FromHours(1), IdleRetention = TimeSpan.FromHours(1) };
        Assert.Equal("Processors:Experiments:IdleRetention", Assert.Throws<InvalidConfigurationException>(shortRetention.Validate).Key);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        new ExperimentOptions
        {
            Experiments =
            [
                new() { Id = "ab", Control = "A", Variants = ["A", "B"] },
                new() { Id = "canary", Kind = ExperimentKind.Canary, Control = "v1", Variants = ["v1", "v2"], Guardrail = new() },
                new() { Id = "shadow", Kind = ExperimentKind.Shadow, Control = "v1" },
                new() { Id = "ranking", Kind = ExperimentKind.Interleaving, Control = "A" },
                new() { Id = "bandit", Kind = ExperimentKind.Bandit, Control = "A", Variants = ["A", "B"], Bandit = new() },
            ],
        }.Validate();
    }

    [Fact]
    public void A_rollout_is_a_canary_or_a_shadow_by_its_id_and_a_shadow_is_judged_by_its_error_rate()
    {
        var options = new ExperimentOptions { Rollouts = { Guardrail = new GuardrailDefinition { Metric = GuardrailMetric.Primary, NonInferiorityMargin = 0.5 } } };

        var canary = options.Find("rollout:ctr:2")!;
        var shadow = options.Find("rollout:ctr:2:shadow")!;

        Assert.Equal((ExperimentKind.Canary, GuardrailMetric.Primary, 0.5), (canary.Kind, canary.Guardrail!.Metric, canary.Guardrail.NonInferiorityMargin));
        // The primary metric's margin means nothing for error rates: the default one applies.
        Assert.Equal((ExperimentKind.Shadow, "production", GuardrailMetric.ErrorRate, 0.01), (shadow.Kind, shadow.Control, shadow.Guardrail!.Metric, shadow.Guardrail.NonInferiorityMargin));
        Assert.Null(options.Find("rollout:ctr:02"));
    }
}
