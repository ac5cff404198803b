using StreamingCL.Cli.Demo;
using StreamingCL.Cli.Simulation;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Tests;

public sealed class DemoSummaryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private readonly DemoTimeline _timeline = new(Start);
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
        Assert.True(summary.LoopClosed is false); // no drift was ever detected in this timeline
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

    [Theory]
    [InlineData(0, 0)]
    [InlineData(29.9, 0)]
    [InlineData(30, 1)]
    public void A_sudden_drift_reaches_every_user_at_once(double seconds, double share) =>
        Assert.Equal(share, _simulation.DriftShare(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void A_gradual_drift_reaches_users_linearly()
    {
        _simulation.DriftDuration = TimeSpan.FromSeconds(20);

        Assert.Equal([0, 0.25, 1, 1], new[] { 29.0, 35, 50, 60 }.Select(seconds => _simulation.DriftShare(TimeSpan.FromSeconds(seconds))));
    }

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
