using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Registry.Tests;

public sealed class RegistryPolicyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly RegistryOptions _options = new() { RampSteps = [0.05, 0.25, 0.5], MinStepDuration = TimeSpan.FromMinutes(5) };
    private readonly ModelRegistry _registry = new();
    private readonly List<object> _published = [];
    private RegistryPolicy Policy => new(_options);

    [Fact]
    public void The_first_version_of_a_model_goes_straight_to_production_with_all_the_traffic()
    {
        Publish(Policy.OnPublished(_registry, Candidate(1, auc: 0.7), Start));

        Assert.Equal(ModelStage.Production, _registry.Version("ctr", 1)!.Stage);
        Assert.Equal([("production", 1.0, (int?)1)], Arms());
    }

    [Fact]
    public void A_challenger_that_does_not_beat_the_champion_is_rejected_and_traffic_is_unchanged()
    {
        Publish(Policy.OnPublished(_registry, Candidate(1, auc: 0.7), Start));
        var before = _registry.Allocation("ctr");

        Publish(Policy.OnPublished(_registry, Candidate(2, auc: 0.69, championAuc: 0.70), Start.AddMinutes(1)));

        Assert.Equal(ModelStage.Rejected, _registry.Version("ctr", 2)!.Stage);
        Assert.Contains("did not beat the champion", _registry.Version("ctr", 2)!.ChangeReason);
        Assert.Same(before, _registry.Allocation("ctr"));
    }

    [Fact]
    public void A_better_challenger_ramps_as_canary_on_promote_verdicts_then_replaces_production()
    {
        StartCanary();
        Assert.Equal([("production", 0.95, (int?)1), ("canary", 0.05, (int?)2)], Arms());
        Assert.Equal("rollout:ctr:2", _registry.Allocation("ctr")!.Salt);

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(3))));
        Assert.Equal(0.05, CanaryShare()); // evidence older than the step's minimum duration does not count

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(6))));
        Assert.Equal(0.25, CanaryShare());
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(12))));
        Assert.Equal(0.5, CanaryShare());
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(18))));

        Assert.Equal(ModelStage.Production, _registry.Version("ctr", 2)!.Stage);
        Assert.Equal(ModelStage.Archived, _registry.Version("ctr", 1)!.Stage);
        Assert.Equal([("production", 1.0, (int?)2)], Arms());
        Assert.Equal([1L, 2, 3, 4, 5], _published.OfType<TrafficAllocation>().Select(allocation => allocation.Sequence));
    }

    [Fact]
    public void A_rollback_verdict_takes_the_canary_off_and_restores_production_traffic()
    {
        StartCanary();

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Rollback, Start.AddMinutes(1))));

        Assert.Equal(ModelStage.RolledBack, _registry.Version("ctr", 2)!.Stage);
        Assert.Contains("significantly worse (p = 0.001)", _registry.Version("ctr", 2)!.ChangeReason);
        Assert.Equal(ModelStage.Production, _registry.Version("ctr", 1)!.Stage);
        Assert.Equal([("production", 1.0, (int?)1)], Arms());
    }

    [Fact]
    public void A_shadow_becomes_a_canary_on_a_promote_verdict_of_its_shadow_experiment()
    {
        _options.EntryStage = ModelStage.Shadow;
        StartCanary();
        Assert.Equal([("production", 1.0, (int?)1), ("shadow", 1.0, (int?)2)], Arms());

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(6)))); // the canary experiment's: not this stage's
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(3), shadow: true))); // before the minimum step
        Assert.Equal(ModelStage.Shadow, _registry.Version("ctr", 2)!.Stage);

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(6), shadow: true)));

        Assert.Equal(ModelStage.Canary, _registry.Version("ctr", 2)!.Stage);
        Assert.Equal("shadow non-inferior on 1000 labeled predictions", _registry.Version("ctr", 2)!.ChangeReason);
        Assert.Equal([("production", 0.95, (int?)1), ("canary", 0.05, (int?)2)], Arms());
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(12))));
        Assert.Equal(0.25, CanaryShare());
    }

    [Fact]
    public void A_rollback_verdict_takes_the_shadow_off()
    {
        _options.EntryStage = ModelStage.Shadow;
        StartCanary();

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Rollback, Start.AddMinutes(1), shadow: true)));

        Assert.Equal(ModelStage.RolledBack, _registry.Version("ctr", 2)!.Stage);
        Assert.Contains("the shadow is significantly worse", _registry.Version("ctr", 2)!.ChangeReason);
        Assert.Equal([("production", 1.0, (int?)1)], Arms());
    }

    [Fact]
    public void With_approval_required_the_last_step_waits_for_a_person()
    {
        _options.RampSteps = [0.5];
        _options.RequireApproval = true;
        StartCanary();

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(10))));
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(20))));
        var waiting = _published.Count;

        Assert.Equal(ModelStage.Canary, _registry.Version("ctr", 2)!.Stage);
        Assert.Equal("awaiting approval", _registry.Version("ctr", 2)!.ChangeReason);
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(30))));
        Assert.Equal(waiting, _published.Count); // said once

        Publish(Policy.Approve(_registry, "ctr", 2, "alice", "looks good", Start.AddMinutes(40)));
        Assert.Equal(ModelStage.Production, _registry.Version("ctr", 2)!.Stage);
        Assert.Equal(("alice", "looks good"), (_registry.Version("ctr", 2)!.ChangedBy, _registry.Version("ctr", 2)!.ChangeReason));
    }

    [Fact]
    public void Rolling_back_production_restores_the_previous_production_version()
    {
        StartCanary();
        Publish(Policy.Promote(_registry, "ctr", 2, "bob", "hotfix", Start.AddMinutes(1)));

        Publish(Policy.RollBack(_registry, "ctr", 2, "bob", "bad in production", Start.AddMinutes(2)));

        Assert.Equal(ModelStage.RolledBack, _registry.Version("ctr", 2)!.Stage);
        Assert.Equal(ModelStage.Production, _registry.Version("ctr", 1)!.Stage);
        Assert.Equal([("production", 1.0, (int?)1)], Arms());
    }

    [Fact]
    public void A_new_canary_supersedes_the_old_one_whose_late_verdicts_are_ignored()
    {
        StartCanary();
        Publish(Policy.OnPublished(_registry, Candidate(3, auc: 0.9, championAuc: 0.7), Start.AddMinutes(1)));

        Assert.Equal(ModelStage.Rejected, _registry.Version("ctr", 2)!.Stage);
        Assert.Equal(ModelStage.Canary, _registry.Version("ctr", 3)!.Stage);
        Assert.True(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Rollback, Start.AddMinutes(30))).IsEmpty);
    }

    [Fact]
    public void Human_requests_the_state_does_not_allow_are_refused_with_a_reason()
    {
        StartCanary();

        Assert.Contains("only a canary can be approved", Assert.Throws<RegistryException>(() => Policy.Approve(_registry, "ctr", 1, "a", "r", Start)).Message);
        Assert.Contains("has no version 9", Assert.Throws<RegistryException>(() => Policy.Promote(_registry, "ctr", 9, "a", "r", Start)).Message);
        Assert.Contains("nothing to roll back to", Assert.Throws<RegistryException>(() => Policy.RollBack(_registry, "ctr", 1, "a", "r", Start)).Message);
    }

    [Fact]
    public void The_registry_rebuilt_from_what_was_published_is_the_same()
    {
        StartCanary();
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(6))));
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Rollback, Start.AddMinutes(7))));

        var rebuilt = new ModelRegistry();
        foreach (var record in _published)
        {
            Apply(rebuilt, record);
        }

        Assert.Equal(_registry.Versions("ctr"), rebuilt.Versions("ctr"));
        Assert.Same(_registry.Allocation("ctr"), rebuilt.Allocation("ctr"));
        foreach (var record in _published)
        {
            Apply(rebuilt, record); // replaying changes nothing
        }

        Assert.Equal(_registry.Versions("ctr"), rebuilt.Versions("ctr"));
    }

    [Fact]
    public void A_rollout_in_flight_answers_automatic_triggers_about_older_versions_until_it_is_rolled_back()
    {
        StartCanary();
        var now = Start.AddMinutes(1);

        Assert.Equal(2, Answer(TriggerKind.Drift, aboutVersion: 1, now));
        Assert.Equal(2, Answer(TriggerKind.Performance, aboutVersion: 1, now));
        Assert.Equal(2, Answer(TriggerKind.Volume, aboutVersion: null, now)); // about no version: older than the rollout
        Assert.Null(Answer(TriggerKind.Drift, aboutVersion: 2, now)); // the canary's own drift
        Assert.Null(Answer(TriggerKind.Manual, aboutVersion: 1, now));
        Assert.Null(Answer(TriggerKind.Scheduled, aboutVersion: 1, now));

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Rollback, now)));
        Assert.Null(Answer(TriggerKind.Drift, aboutVersion: 1, now.AddMinutes(1)));
    }

    [Fact]
    public void A_rollout_stalled_past_the_step_timeout_answers_nothing()
    {
        _options.EntryStage = ModelStage.Shadow; // and no verdict of its shadow experiment comes
        StartCanary();
        Assert.Equal(ModelStage.Shadow, _registry.Version("ctr", 2)!.Stage);

        Assert.Equal(2, Answer(TriggerKind.Drift, aboutVersion: 1, Start.AddMinutes(59)));
        Assert.Null(Answer(TriggerKind.Drift, aboutVersion: 1, Start.AddMinutes(60)));
        Assert.Null(Answer(TriggerKind.Volume, aboutVersion: null, Start.AddMinutes(60)));
    }

    [Fact]
    public void A_step_without_a_promote_verdict_within_the_timeout_is_rolled_back()
    {
        _options.StepTimeout = TimeSpan.FromMinutes(30);
        StartCanary();

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Continue, Start.AddMinutes(29))));
        Assert.Equal(ModelStage.Canary, _registry.Version("ctr", 2)!.Stage);

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Srm, Start.AddMinutes(30))));
        Assert.Equal(ModelStage.RolledBack, _registry.Version("ctr", 2)!.Stage);
        Assert.Contains("inconclusive", _registry.Version("ctr", 2)!.ChangeReason);
        Assert.Equal([("production", 1.0, (int?)1)], Arms());
    }

    [Fact]
    public void The_step_timeout_restarts_at_each_ramp_step_and_spares_a_canary_awaiting_approval()
    {
        _options.StepTimeout = TimeSpan.FromMinutes(30);
        _options.RequireApproval = true;
        StartCanary();
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(6))));
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(12))));

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Continue, Start.AddMinutes(40)))); // 28 min into the 50% step
        Assert.Equal((ModelStage.Canary, 0.5), (_registry.Version("ctr", 2)!.Stage, CanaryShare()));

        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Promote, Start.AddMinutes(41))));
        Assert.Equal("awaiting approval", _registry.Version("ctr", 2)!.ChangeReason);
        Publish(Policy.OnExperiment(_registry, Verdict(2, ExperimentVerdict.Continue, Start.AddMinutes(100))));
        Assert.Equal(ModelStage.Canary, _registry.Version("ctr", 2)!.Stage);
    }

    [Fact]
    public void Evidence_about_a_replaced_version_is_answered_by_production()
    {
        StartCanary();
        Publish(Policy.Promote(_registry, "ctr", 2, "alice", "looks good", Start.AddMinutes(1)));

        Assert.Equal(ModelStage.Production, _registry.Version("ctr", 2)!.Stage);
        Assert.Equal(2, Answer(TriggerKind.Drift, aboutVersion: 1, Start.AddMinutes(2)));
        Assert.Null(Answer(TriggerKind.Drift, aboutVersion: 2, Start.AddMinutes(2)));
        Assert.Null(Answer(TriggerKind.Volume, aboutVersion: null, Start.AddMinutes(2))); // no rollout: volume trains
    }

    [Fact]
    public void A_step_timeout_not_longer_than_the_minimum_step_is_refused_naming_the_key()
    {
        var options = new RegistryOptions { MinStepDuration = TimeSpan.FromMinutes(5), StepTimeout = TimeSpan.FromMinutes(5) };

        var error = Assert.Throws<InvalidConfigurationException>(options.Validate);

        Assert.Contains("Registry:StepTimeout", error.Message);
    }

    private int? Answer(TriggerKind kind, int? aboutVersion, DateTimeOffset now) => Policy.AnsweredBy(_registry, Trigger(kind, aboutVersion), now)?.Version;

    private static RetrainTrigger Trigger(TriggerKind kind, int? aboutVersion) => new()
    {
        TriggerId = $"ctr:{kind}",
        ModelName = "ctr",
        Kind = kind,
        Timestamp = Start,
        Reason = "test",
        RequestedBy = "test",
        Evidence = aboutVersion is { } version ? new Dictionary<string, double> { ["model_version"] = version } : new Dictionary<string, double>(),
    };

    private void StartCanary()
    {
        Publish(Policy.OnPublished(_registry, Candidate(1, auc: 0.7), Start.AddMinutes(-10)));
        Publish(Policy.OnPublished(_registry, Candidate(2, auc: 0.8, championAuc: 0.7), Start));
    }

    private void Publish(RegistryDecision decision)
    {
        foreach (var version in decision.Versions)
        {
            _published.Add(version);
            _registry.Apply(version);
        }

        if (decision.Allocation is { } allocation)
        {
            _published.Add(allocation);
            _registry.Apply(allocation);
        }
    }

    private static void Apply(ModelRegistry registry, object record)
    {
        if (record is ModelVersion version)
        {
            registry.Apply(version);
        }
        else
        {
            registry.Apply((TrafficAllocation)record);
        }
    }

    private (string, double, int?)[] Arms() => [.. _registry.Allocation("ctr")!.Arms.Select(arm => (arm.Arm, Math.Round(arm.Weight, 10), arm.ModelVersion))];

    private double CanaryShare() => _registry.Allocation("ctr")!.Arms.Single(arm => arm.Arm == "canary").Weight;

    private static ModelVersion Candidate(int version, double auc, double? championAuc = null) => new()
    {
        ModelName = "ctr",
        Version = version,
        ParentVersion = version > 1 ? version - 1 : null,
        Stage = ModelStage.Candidate,
        TrainingKind = TrainingKind.Stateful,
        CreatedAt = Start,
        UpdatedAt = Start,
        ChangedBy = "trainer",
        ChangeReason = "trained",
        HoldoutMetrics = new Dictionary<string, double> { ["auc"] = auc },
        ChampionHoldoutMetrics = championAuc is { } champion ? new Dictionary<string, double> { ["auc"] = champion } : new Dictionary<string, double>(),
        Lineage = new Lineage([], 0, ""),
        FeatureSpecSha256 = "spec",
        Artifact = new byte[] { 1 },
        ArtifactSha256 = "sha",
    };

    private static ExperimentMetric Verdict(int version, ExperimentVerdict verdict, DateTimeOffset at, bool shadow = false) => new()
    {
        ExperimentId = new RolloutExperiment("ctr", version, shadow).Id("rollout:"),
        Variant = shadow ? "shadow" : "canary",
        ControlVariant = "production",
        Kind = shadow ? ExperimentKind.Shadow : ExperimentKind.Canary,
        Scope = MetricScope.Cumulative,
        WindowStart = Start,
        WindowEnd = at,
        Units = 1000,
        MetricSum = 100,
        MetricSumSquares = 100,
        Statistics = new Dictionary<string, double> { ["guardrail_p_value"] = 0.001, ["labeled_pairs"] = 1000 },
        Verdict = verdict,
    };
}
