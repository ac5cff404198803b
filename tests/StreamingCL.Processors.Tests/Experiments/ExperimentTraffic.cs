using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors.Experiments;

namespace StreamingCL.Processors.Tests.Experiments;

/// <summary>
/// Predictions and labeled examples of experiments piped into the experiments topology, and what it
/// published. Stream time moves only with records that reach the analysis (after the repartition),
/// so <see cref="Tick"/> sends a prediction of a separate "clock" experiment, left out of <see cref="Metrics"/>.
/// </summary>
internal sealed class ExperimentTraffic : IDisposable
{
    public const string Clock = "clock";

    private int _predictions;

    public ExperimentTraffic(params ExperimentDefinition[] experiments)
        : this(Defaults(experiments))
    {
    }

    public ExperimentTraffic(ExperimentOptions options)
    {
        Options = options;
        Harness = new TopologyHarness(environment => ExperimentTopology.Build(options, environment), options.ApplicationId);
    }

    public static DateTimeOffset Start { get; } = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public ExperimentOptions Options { get; }

    public TopologyHarness Harness { get; }

    /// <summary>The options of the tests: one-hour windows with ten minutes of grace, published every minute.</summary>
    public static ExperimentOptions Defaults(params ExperimentDefinition[] experiments) => new()
    {
        EmitInterval = TimeSpan.FromMinutes(1),
        WindowSize = TimeSpan.FromHours(1),
        WindowGrace = TimeSpan.FromMinutes(10),
        IdleRetention = TimeSpan.FromDays(1),
        ShadowPairingTimeout = TimeSpan.FromMinutes(5),
        Experiments = [.. experiments, new ExperimentDefinition { Id = Clock, Control = "A", Variants = ["A", "B"] }],
    };

    /// <summary>A served (or shadow) prediction; returns its id.</summary>
    public string Expose(string experiment, string unit, string? variant, DateTimeOffset at, bool shadow = false)
    {
        var id = $"p-{++_predictions}";
        Harness.Pipe(EventTopic.Predictions, id, new Prediction
        {
            PredictionId = id,
            ModelName = "ranker",
            ModelVersion = 1,
            UnitId = unit,
            Timestamp = at,
            Score = 0.5,
            ExperimentId = experiment,
            Variant = variant,
            Shadow = shadow,
        }, at);
        return id;
    }

    /// <summary>A labeled example of a prediction made <paramref name="at"/>, published a minute later (with its feedback).</summary>
    public void Label(
        string experiment,
        string unit,
        string? variant,
        DateTimeOffset at,
        double? label = null,
        double? reward = null,
        double score = 0.5,
        bool shadow = false,
        string? predictionId = null,
        IReadOnlyList<RankedItem>? ranking = null,
        IReadOnlyList<string>? clicked = null)
    {
        var id = predictionId ?? $"p-{++_predictions}";
        var delay = TimeSpan.FromMinutes(1);
        Harness.Pipe(EventTopic.LabeledExamples, id, new LabeledExample
        {
            PredictionId = id,
            ModelName = "ranker",
            ModelVersion = shadow ? 2 : 1,
            UnitId = unit,
            PredictionTimestamp = at,
            FeedbackDelay = delay,
            Score = score,
            Label = label,
            Reward = reward,
            ExperimentId = experiment,
            Variant = variant,
            Shadow = shadow,
            Ranking = ranking,
            ClickedItems = clicked ?? [],
        }, at + delay);
    }

    /// <summary>Moves stream time to <paramref name="at"/>.</summary>
    public void Tick(DateTimeOffset at) => Expose(Clock, "clock", "A", at);

    /// <summary>Experiment metrics published since the last read, the clock's left out.</summary>
    public List<ExperimentMetric> Metrics() =>
        Harness.Read<ExperimentMetric>(EventTopic.ExperimentMetrics).Select(record => record.Message.Value).Where(metric => metric.ExperimentId != Clock).ToList();

    public List<DeadLetter> DeadLetters() => Harness.Read<DeadLetter>(EventTopic.DeadLetters).Select(record => record.Message.Value).ToList();

    public void Dispose() => Harness.Dispose();
}

internal static class ExperimentMetricLists
{
    /// <summary>The latest record of a variant in a scope.</summary>
    public static ExperimentMetric Latest(this List<ExperimentMetric> metrics, string experiment, string variant, MetricScope scope = MetricScope.Cumulative) =>
        metrics.Last(metric => metric.ExperimentId == experiment && metric.Variant == variant && metric.Scope == scope);
}
