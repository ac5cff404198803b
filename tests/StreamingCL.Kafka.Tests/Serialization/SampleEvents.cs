using StreamingCL.Kafka.Events;

namespace StreamingCL.Kafka.Tests.Serialization;

/// <summary>One fully populated instance of every event, optional fields set, for round trips.</summary>
internal static class SampleEvents
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 9, 30, 15, 123, TimeSpan.Zero);

    public static Prediction Prediction { get; } = new()
    {
        PredictionId = "p-1",
        ModelName = "ctr",
        ModelVersion = 3,
        UnitId = "user-42",
        Timestamp = At,
        NumericFeatures = new Dictionary<string, double> { ["age"] = 31.5, ["price"] = -0.25 },
        CategoricalFeatures = new Dictionary<string, string> { ["country"] = "DE" },
        Score = 0.73,
        PredictedLabel = 1,
        ExperimentId = "exp-7",
        Variant = "B",
        Shadow = true,
        Ranking = [new RankedItem("item-1", InterleavingTeam.A), new RankedItem("item-2", InterleavingTeam.B), new RankedItem("item-3")],
    };

    public static Feedback Feedback { get; } = new()
    {
        PredictionId = "p-1",
        Timestamp = At.AddMinutes(5),
        Label = 1,
        Reward = 2.5,
        Kind = FeedbackKind.Implicit,
        ClickedItems = ["item-2"],
    };

    public static LabeledExample LabeledExample { get; } = new()
    {
        PredictionId = "p-1",
        ModelName = "ctr",
        ModelVersion = 3,
        UnitId = "user-42",
        PredictionTimestamp = At,
        FeedbackDelay = TimeSpan.FromMinutes(5),
        NumericFeatures = new Dictionary<string, double> { ["age"] = 31.5 },
        CategoricalFeatures = new Dictionary<string, string> { ["country"] = "DE" },
        Score = 0.73,
        Label = 1,
        Reward = 2.5,
        ExperimentId = "exp-7",
        Variant = "B",
        Shadow = false,
        Ranking = [new RankedItem("item-1", InterleavingTeam.B)],
        ClickedItems = ["item-1"],
    };

    public static DriftMetric DriftMetric { get; } = new()
    {
        ModelName = "ctr",
        ModelVersion = 3,
        Feature = "age",
        Kind = DriftKind.Data,
        WindowStart = At,
        WindowEnd = At.AddMinutes(1),
        SampleSize = 1200,
        Statistics = new Dictionary<string, double> { ["psi"] = 0.31, ["js_distance"] = 0.12 },
        Detector = "adwin",
        Severity = DriftSeverity.Drift,
    };

    public static PerformanceMetric PerformanceMetric { get; } = new()
    {
        ModelName = "ctr",
        ModelVersion = 3,
        WindowStart = At,
        WindowEnd = At.AddMinutes(1),
        ExampleCount = 800,
        Task = ModelTask.BinaryClassification,
        Metrics = new Dictionary<string, double> { ["auc"] = 0.81, ["log_loss"] = 0.44 },
    };

    public static ExperimentMetric ExperimentMetric { get; } = new()
    {
        ExperimentId = "exp-7",
        Variant = "B",
        ControlVariant = "A",
        Kind = ExperimentKind.AbTest,
        Scope = MetricScope.Cumulative,
        WindowStart = At,
        WindowEnd = At.AddHours(1),
        Units = 1000,
        MetricSum = 120,
        MetricSumSquares = 120,
        Statistics = new Dictionary<string, double> { ["p_value"] = 0.03, ["relative_lift"] = 0.08 },
        Verdict = ExperimentVerdict.Srm,
    };

    public static TrafficAllocation TrafficAllocation { get; } = new()
    {
        Target = "ctr",
        Kind = AllocationKind.Rollout,
        Salt = "ctr-rollout",
        Sequence = 4,
        Timestamp = At,
        Arms = [new ArmWeight("production", 0.95, 3), new ArmWeight("canary", 0.05, 4), new ArmWeight("shadow", 0.1, 5, Shadow: true)],
        Reason = "ramp 5%",
    };

    public static RetrainTrigger RetrainTrigger { get; } = new()
    {
        TriggerId = "ctr:drift:2026-11-26T09:30",
        ModelName = "ctr",
        Kind = TriggerKind.Drift,
        Timestamp = At,
        Reason = "psi over 0.2 on 2 of 5 features",
        Evidence = new Dictionary<string, double> { ["age.psi"] = 0.31 },
        TrainingKind = TrainingKind.Stateless,
        RequestedBy = "trigger-processor",
    };

    public static ModelVersion ModelVersion { get; } = new()
    {
        ModelName = "ctr",
        Version = 4,
        ParentVersion = 3,
        Stage = ModelStage.RolledBack,
        TrainingKind = TrainingKind.Stateful,
        TriggerId = "ctr:drift:2026-11-26T09:30",
        CreatedAt = At,
        UpdatedAt = At.AddMinutes(10),
        ChangedBy = "registry-policy",
        ChangeReason = "canary error rate worse, p=0.001",
        HoldoutMetrics = new Dictionary<string, double> { ["auc"] = 0.83 },
        ChampionHoldoutMetrics = new Dictionary<string, double> { ["auc"] = 0.8 },
        Lineage = new Lineage([new OffsetRange("labeled-examples", 0, 100, 199), new OffsetRange("labeled-examples", 1, 0, 50)], 151, "ab12"),
        FeatureSpecSha256 = "cd34",
        ReferenceProfile =
        [
            new FeatureProfile("age", [20, 30, 40], [], [0.2, 0.3, 0.3, 0.2], 5000),
            new FeatureProfile("country", [], ["DE", "FR"], [0.6, 0.4], 5000),
        ],
        Artifact = new byte[] { 1, 2, 3, 0, 255 },
        ArtifactSha256 = "ef56",
    };

    public static DeadLetter DeadLetter { get; } = new()
    {
        OriginalTopic = "predictions",
        OriginalPartition = 2,
        OriginalOffset = 1234,
        OriginalTimestamp = At,
        Key = "p-9"u8.ToArray(),
        Payload = new byte[] { 0xde, 0xad },
        ErrorKind = DeadLetterKind.Malformed,
        Reason = "not Avro",
        Processor = "join",
        FailedAt = At.AddSeconds(1),
    };
}
