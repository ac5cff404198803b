using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors.Triggers;

/// <summary>When to ask for a retrain, from drift, performance, volume and a schedule. Section "Processors:Triggers".</summary>
public sealed class TriggerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Processors:Triggers";

    /// <summary>application.id of the stream application; also the requested_by of its triggers.</summary>
    public string ApplicationId { get; set; } = "streamingcl-triggers";

    /// <summary>
    /// After a trigger of any kind, a model's automatic triggers stay quiet this long: in event time
    /// for evidence (drift, performance, volume), in wall-clock time for the schedule.
    /// </summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Evidence whose event time (a window's end, a labeling time) is older than this by the wall
    /// clock is ignored and counted as skipped (reason "stale"): a first deployment reading its
    /// inputs from the earliest offset, or a restart after a long outage, must not turn months-old
    /// drift into today's retrains.
    /// </summary>
    public TimeSpan MaxEvidenceAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Training asked for in every trigger; null lets the trainer's policy decide.</summary>
    public TrainingKind? TrainingKind { get; set; }

    /// <summary>Drift triggers.</summary>
    public DriftTriggerOptions Drift { get; set; } = new();

    /// <summary>Performance triggers.</summary>
    public PerformanceTriggerOptions Performance { get; set; } = new();

    /// <summary>Volume triggers.</summary>
    public VolumeTriggerOptions Volume { get; set; } = new();

    /// <summary>Scheduled triggers.</summary>
    public ScheduleTriggerOptions Schedule { get; set; } = new();

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(ApplicationId), $"{SectionName}:{nameof(ApplicationId)}", "is required.");
        InvalidConfigurationException.ThrowUnless(Cooldown > TimeSpan.Zero, $"{SectionName}:{nameof(Cooldown)}", $"must be positive (it is also what keeps replayed evidence from firing twice), was {Cooldown}.");
        InvalidConfigurationException.ThrowUnless(MaxEvidenceAge > TimeSpan.Zero, $"{SectionName}:{nameof(MaxEvidenceAge)}", $"must be positive, was {MaxEvidenceAge}.");
        InvalidConfigurationException.ThrowUnless(Drift.MinDriftedFeatures >= 1, $"{SectionName}:Drift:{nameof(Drift.MinDriftedFeatures)}", $"must be at least 1, was {Drift.MinDriftedFeatures}.");
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(Performance.Metric), $"{SectionName}:Performance:{nameof(Performance.Metric)}", "is required.");
        InvalidConfigurationException.ThrowUnless(
            Performance.EffectiveDirection is not null,
            $"{SectionName}:Performance:{nameof(Performance.Direction)}",
            $"is required for metric '{Performance.Metric}' (known without it: {string.Join(", ", PerformanceTriggerOptions.KnownDirections.Keys)}).");
        InvalidConfigurationException.ThrowUnless(
            Performance.Threshold is null || double.IsFinite(Performance.Threshold.Value),
            $"{SectionName}:Performance:{nameof(Performance.Threshold)}",
            $"must be a finite number, was {Performance.Threshold}.");
        InvalidConfigurationException.ThrowUnless(
            Performance.MaxRelativeDrop is null or (> 0.0 and < double.PositiveInfinity),
            $"{SectionName}:Performance:{nameof(Performance.MaxRelativeDrop)}",
            $"must be a positive fraction of the baseline, was {Performance.MaxRelativeDrop}.");
        InvalidConfigurationException.ThrowUnless(Performance.MinExamples >= 1, $"{SectionName}:Performance:{nameof(Performance.MinExamples)}", $"must be at least 1, was {Performance.MinExamples}.");
        InvalidConfigurationException.ThrowUnless(Volume.Examples >= 1, $"{SectionName}:Volume:{nameof(Volume.Examples)}", $"must be at least 1, was {Volume.Examples}.");
        InvalidConfigurationException.ThrowUnless(Schedule.Interval >= TimeSpan.FromSeconds(1), $"{SectionName}:Schedule:{nameof(Schedule.Interval)}", $"must be at least 1 s, was {Schedule.Interval}.");
        InvalidConfigurationException.ThrowUnless(
            Schedule.CheckInterval >= TimeSpan.FromMilliseconds(10),
            $"{SectionName}:Schedule:{nameof(Schedule.CheckInterval)}",
            $"must be at least 10 ms (Streamiz's smallest punctuation interval), was {Schedule.CheckInterval}.");
    }
}

/// <summary>Drift triggers: features over their drift threshold in one window, or a detector change.</summary>
public sealed class DriftTriggerOptions
{
    /// <summary>Whether drift metrics can trigger.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>N: fire when at least N of the features reported for one window are at severity DRIFT.</summary>
    public int MinDriftedFeatures { get; set; } = 1;

    /// <summary>Whether a concept drift (a change detector on the model's error) fires on its own.</summary>
    public bool OnConceptDrift { get; set; } = true;
}

/// <summary>Performance triggers: a metric beyond an absolute threshold, or worse than the version's baseline by more than a fraction.</summary>
public sealed class PerformanceTriggerOptions
{
    /// <summary>Directions of the metrics the performance application publishes.</summary>
    public static readonly IReadOnlyDictionary<string, MetricDirection> KnownDirections = new Dictionary<string, MetricDirection>
    {
        ["accuracy"] = MetricDirection.HigherIsBetter,
        ["auc"] = MetricDirection.HigherIsBetter,
        ["log_loss"] = MetricDirection.LowerIsBetter,
        ["brier"] = MetricDirection.LowerIsBetter,
        ["ece"] = MetricDirection.LowerIsBetter,
        ["mae"] = MetricDirection.LowerIsBetter,
        ["rmse"] = MetricDirection.LowerIsBetter,
    };

    /// <summary>Whether performance metrics can trigger.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The metric watched, by its name in PerformanceMetric.metrics (e.g. auc, log_loss, rmse).</summary>
    public string Metric { get; set; } = "auc";

    /// <summary>Whether higher values of <see cref="Metric"/> are better; may be left out for the metrics of <see cref="KnownDirections"/>.</summary>
    public MetricDirection? Direction { get; set; }

    /// <summary>Fire when the metric is worse than this (under it if higher is better, over it otherwise); null: no absolute threshold.</summary>
    public double? Threshold { get; set; }

    /// <summary>
    /// Fire when the metric is worse than the version's baseline (its first performance window of at
    /// least <see cref="MinExamples"/> examples) by more than this fraction of the baseline, e.g. 0.1:
    /// an AUC baseline of 0.90 fires under 0.81; null: no baseline comparison.
    /// </summary>
    public double? MaxRelativeDrop { get; set; } = 0.1;

    /// <summary>
    /// Labeled examples a window needs to be judged or to be a baseline (PerformanceMetric.example_count):
    /// a smaller window is skipped and counted (reason "too_few_examples"), as its metric is mostly noise.
    /// </summary>
    public long MinExamples { get; set; } = 200;

    /// <summary><see cref="Direction"/>, or the known direction of <see cref="Metric"/>.</summary>
    internal MetricDirection? EffectiveDirection =>
        Direction ?? (KnownDirections.TryGetValue(Metric, out var known) ? known : null);
}

/// <summary>Volume triggers: enough new labeled examples to learn from.</summary>
public sealed class VolumeTriggerOptions
{
    /// <summary>Whether volume can trigger.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>N: fire once N new served, labeled examples of a model arrived since its last trigger of any kind.</summary>
    public long Examples { get; set; } = 10_000;
}

/// <summary>Scheduled triggers, by wall-clock time.</summary>
public sealed class ScheduleTriggerOptions
{
    /// <summary>Whether the schedule triggers.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Every model seen is retrained at each multiple of this interval since the Unix epoch.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the wall clock is checked against the schedule (a PROCESSING_TIME punctuation).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Which way a metric improves.</summary>
public enum MetricDirection
{
    /// <summary>Higher values are better (accuracy, AUC).</summary>
    HigherIsBetter,

    /// <summary>Lower values are better (losses, errors).</summary>
    LowerIsBetter,
}
