using StreamingCL.Cli.Demo;
using StreamingCL.Cli.Simulation;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Tests;

public sealed class DemoSummaryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private readonly DemoTimeline _timeline = new(Start, ClickConcept.Model);
    private readonly SimulationOptions _simulation = new() { DriftAt = TimeSpan.FromSeconds(30) };

    [Fact]
    public void Accuracy_is_taken_per_phase_of_the_loop()
    {
        Version(1, trigger: "ctr:manual:1", created: 5, (5, ModelStage.Production), (70, ModelStage.Archived));
        Version(2, trigger: "ctr:drift:1:35000", created: 40, (40, ModelStage.Canary), (50, ModelStage.RolledBack));
        Version(3, trigger: "ctr:drift:1:55000", created: 55, (55, ModelStage.Canary), (70, ModelStage.Production));
        Outcomes(version: 0, from: 0, to: 5, correct: 1, of: 2);   // cold start: in no phase
        Outcomes(version: 1, from: 5, to: 30, correct: 4, of: 5);  // before the drift
        Outcomes(version: 1, from: 30, to: 40, correct: 1, of: 2); // after it, until v2 serves
        Outcomes(version: 1, from: 40, to: 70, correct: 1, of: 4); // v1 still serves most traffic: no phase counts it
        Outcomes(version: 2, from: 40, to: 50, correct: 1, of: 4);
        Outcomes(version: 3, from: 70, to: 90, correct: 9, of: 10);

        var summary = DemoSummary.From(_timeline, new SimulationCounters(), _simulation, 90, unreadable: 0);

        Assert.Equal(new AccuracySummary(0.8, 0.5, 0.9), summary.Accuracy);
        Assert.Equal([2, 3], summary.Versions.Where(version => version.CanaryAt is not null).Select(version => version.Version));
        Assert.Equal(70, summary.Versions.Single(version => version.Version == 3).ProductionAt);
    }

    [Fact]
    public void Without_a_version_in_production_at_the_drift_no_phase_is_measured()
    {
        Version(1, trigger: "ctr:manual:1", created: 35, (35, ModelStage.Production));
        Outcomes(version: 1, from: 35, to: 60, correct: 3, of: 4);

        var summary = DemoSummary.From(_timeline, new SimulationCounters(), _simulation, 90, unreadable: 0);

        Assert.Equal(new AccuracySummary(null, null, null), summary.Accuracy);
    }

    [Fact]
    public void Trigger_to_publish_runs_from_reading_the_trigger_to_the_version_it_produced()
    {
        _timeline.Add(Trigger("ctr:drift:1:35000"), Start.AddSeconds(38));
        Version(2, trigger: "ctr:drift:1:35000", created: 38.25, (38.25, ModelStage.Canary));

        var summary = DemoSummary.From(_timeline, new SimulationCounters(), _simulation, 90, unreadable: 0);

        Assert.Equal(new Percentiles(250, 250), summary.TriggerToPublishMs);
    }

    [Fact]
    public void The_loop_closes_when_drift_is_detected_after_the_change_and_a_retrained_version_does_better_in_production()
    {
        Version(1, trigger: "ctr:manual:1", created: 5, (5, ModelStage.Production), (70, ModelStage.Archived));
        Version(3, trigger: "ctr:drift:1:55000", created: 55, (55, ModelStage.Canary), (70, ModelStage.Production));
        Drift(version: 1, readAt: 34);
        Outcomes(version: 1, from: 30, to: 55, correct: 110, of: 200);
        Outcomes(version: 3, from: 70, to: 90, correct: 160, of: 200);

        Assert.True(Summarize().LoopClosed);
    }

    [Theory]
    [InlineData("drift read before the change")]
    [InlineData("too few outcomes after the promotion")]
    [InlineData("no better after the promotion")]
    public void The_loop_does_not_close_when_a_condition_fails(string failure)
    {
        Version(1, trigger: "ctr:manual:1", created: 5, (5, ModelStage.Production), (70, ModelStage.Archived));
        Version(3, trigger: "ctr:drift:1:55000", created: 55, (55, ModelStage.Canary), (70, ModelStage.Production));
        Drift(version: 1, readAt: failure == "drift read before the change" ? 25 : 34);
        Outcomes(version: 1, from: 30, to: 55, correct: 110, of: 200);
        Outcomes(version: 3, from: 70, to: 90, correct: failure == "no better after the promotion" ? 100 : 160, of: failure == "too few outcomes after the promotion" ? 199 : 200);

        Assert.False(Summarize().LoopClosed);
    }

    [Fact]
    public void Records_read_twice_count_once()
    {
        Version(1, trigger: "ctr:manual:1", created: 5, (5, ModelStage.Production));
        _timeline.Add(Trigger("ctr:drift:1:35000"), Start.AddSeconds(38));
        _timeline.Add(Trigger("ctr:drift:1:35000"), Start.AddSeconds(39)); // the triggers processor replayed it
        Outcomes(version: 1, from: 10, to: 20, correct: 3, of: 4);
        Outcomes(version: 1, from: 10, to: 20, correct: 3, of: 4); // the join reprocessed after a restart

        var summary = Summarize();

        Assert.Equal(38, Assert.Single(summary.Triggers).At);
        Assert.Equal((8, 4), (summary.Events.LabeledExamples, summary.Events.DuplicateLabeledExamples));
        Assert.Equal(4, _timeline.Outcomes.Count); // what the accounting compares with the feedback sent
    }

    [Fact]
    public void The_version_in_production_follows_rollbacks_and_restores()
    {
        Version(1, trigger: "ctr:manual:1", created: 5, (5, ModelStage.Production), (20, ModelStage.Archived), (40, ModelStage.Production));
        Version(2, trigger: "ctr:drift:1:15000", created: 15, (15, ModelStage.Canary), (20, ModelStage.Production), (40, ModelStage.RolledBack));

        Assert.Equal([null, 1, 2, 1], new[] { 4.0, 10, 30, 50 }.Select(_timeline.ProductionAt));
    }

    [Fact]
    public void The_drift_begins_when_the_app_served_the_new_trend()
    {
        var summary = DemoSummary.From(_timeline, new SimulationCounters { DriftStartedAt = Start.AddSeconds(31.5) }, _simulation, 90, unreadable: 0);

        Assert.Equal(31.5, summary.DriftInjectedAt);
    }

    private DemoSummary Summarize() => DemoSummary.From(_timeline, new SimulationCounters(), _simulation, 90, unreadable: 0);

    private void Drift(int version, double readAt) => _timeline.Add(
        new DriftMetric
        {
            ModelName = ClickConcept.Model,
            ModelVersion = version,
            Feature = "freshness_hours",
            Kind = DriftKind.Data,
            WindowStart = Start.AddSeconds(readAt - 7),
            WindowEnd = Start.AddSeconds(readAt - 2),
            SampleSize = 1000,
            Statistics = new Dictionary<string, double> { ["psi"] = 2 },
            Severity = DriftSeverity.Drift,
        },
        Start.AddSeconds(readAt));

    private void Version(int version, string trigger, double created, params (double At, ModelStage Stage)[] stages)
    {
        foreach (var (at, stage) in stages)
        {
            _timeline.Add(new ModelVersion
            {
                ModelName = ClickConcept.Model,
                Version = version,
                Stage = stage,
                TrainingKind = TrainingKind.Stateful,
                TriggerId = trigger,
                CreatedAt = Start.AddSeconds(created),
                UpdatedAt = Start.AddSeconds(at),
                ChangedBy = "test",
                ChangeReason = "test",
                Lineage = new Lineage([], 100, ""),
                FeatureSpecSha256 = "",
                Artifact = ReadOnlyMemory<byte>.Empty,
                ArtifactSha256 = "",
            });
        }
    }

    private void Outcomes(int version, double from, double to, int correct, int of)
    {
        for (var i = 0; i < of; i++)
        {
            var label = i < correct ? 1.0 : 0.0;
            _timeline.Add(
                new LabeledExample
                {
                    PredictionId = $"p-{version}-{from}-{i}",
                    ModelName = ClickConcept.Model,
                    ModelVersion = version,
                    UnitId = "u",
                    PredictionTimestamp = Start.AddSeconds(from + ((to - from) * i / of)),
                    FeedbackDelay = TimeSpan.FromSeconds(1),
                    Score = 0.9,
                    Label = label,
                },
                decisionThreshold: 0.5);
        }
    }

    private static RetrainTrigger Trigger(string id) => new()
    {
        TriggerId = id,
        ModelName = ClickConcept.Model,
        Kind = TriggerKind.Drift,
        Timestamp = Start.AddSeconds(35),
        Reason = "test",
        RequestedBy = "test",
    };
}
