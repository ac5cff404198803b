using StreamingCL.Kafka;
using StreamingCL.Processors.Drift;
using StreamingCL.Processors.Experiments;
using StreamingCL.Processors.Join;
using StreamingCL.Processors.Performance;
using StreamingCL.Processors.Triggers;

namespace StreamingCL.Processors;

/// <summary>How the stream applications run. Section "Processors" (each application has its own sub-section).</summary>
public sealed class ProcessorsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Processors";

    /// <summary>
    /// Exactly-once (transactions: input offsets committed with the outputs) or at-least-once.
    /// Unset: exactly-once on a real cluster, at-least-once on the embedded broker, whose mock
    /// coordinator accepts transactional offset commits without storing them (a restart would
    /// re-read everything) and does not enforce read_committed.
    /// </summary>
    public Guarantee? Guarantee { get; set; }

    /// <summary>Stream threads per application.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>Commit interval; null keeps Streamiz's (100 ms with exactly-once, 30 s otherwise).</summary>
    public TimeSpan? CommitInterval { get; set; }

    /// <summary>
    /// How far ahead of this host's clock an event may be before it is dead-lettered (its record
    /// timestamp never moves stream time beyond it): one mis-stamped record must not close every window.
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where state stores keep local data.</summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "streamingcl-state");

    /// <summary>The join (Processors:Join).</summary>
    public JoinOptions Join { get; set; } = new();

    /// <summary>Data, prediction and concept drift (Processors:Drift).</summary>
    public DriftOptions Drift { get; set; } = new();

    /// <summary>Model quality per version (Processors:Performance).</summary>
    public PerformanceOptions Performance { get; set; } = new();

    /// <summary>Retrain triggers (Processors:Triggers).</summary>
    public TriggerOptions Triggers { get; set; } = new();

    /// <summary>Online experiments (Processors:Experiments).</summary>
    public ExperimentOptions Experiments { get; set; } = new();

    /// <summary>The guarantee to run with: the configured one, else the default for the cluster kind.</summary>
    public Guarantee EffectiveGuarantee(bool embedded) => Guarantee ?? (embedded ? Processors.Guarantee.AtLeastOnce : Processors.Guarantee.ExactlyOnce);

    /// <summary>Every application, by name.</summary>
    public IReadOnlyList<StreamApplicationDefinition> Applications() =>
    [
        JoinTopology.Definition(Join),
        DriftTopology.Definition(Drift),
        PerformanceTopology.Definition(Performance),
        ExperimentTopology.Definition(Experiments),
        TriggerTopology.Definition(Triggers),
    ];

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(Guarantee is null || Enum.IsDefined(Guarantee.Value), $"{SectionName}:{nameof(Guarantee)}", "must be ExactlyOnce or AtLeastOnce.");
        InvalidConfigurationException.ThrowUnless(Threads >= 1, $"{SectionName}:{nameof(Threads)}", $"must be at least 1, was {Threads}.");
        InvalidConfigurationException.ThrowUnless(CommitInterval is null || CommitInterval > TimeSpan.Zero, $"{SectionName}:{nameof(CommitInterval)}", $"must be positive, was {CommitInterval}.");
        InvalidConfigurationException.ThrowUnless(MaxClockSkew >= TimeSpan.Zero, $"{SectionName}:{nameof(MaxClockSkew)}", $"must not be negative, was {MaxClockSkew}.");
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(StateDirectory), $"{SectionName}:{nameof(StateDirectory)}", "is required.");
        Join.Validate();
        Drift.Validate();
        Performance.Validate();
        Triggers.Validate();
        Experiments.Validate();
        var duplicate = Applications().GroupBy(application => application.ApplicationId).FirstOrDefault(group => group.Count() > 1);
        InvalidConfigurationException.ThrowUnless(duplicate is null, SectionName, $"application id '{duplicate?.Key}' is used by more than one application.");
    }
}

/// <summary>Processing guarantee of the stream applications.</summary>
public enum Guarantee
{
    /// <summary>Transactions: each input is reflected in the outputs exactly once.</summary>
    ExactlyOnce,

    /// <summary>No transactions: after a failure some inputs may be processed twice.</summary>
    AtLeastOnce,
}
