using StreamingCL.Kafka;
using StreamingCL.Processors;

namespace StreamingCL.Cli.Hosting;

/// <summary>How the trainer worker talks to Kafka. Section "TrainerWorker" (the trainer itself: "Trainer"; the rollout policy: "Registry").</summary>
internal sealed class TrainerWorkerOptions
{
    public const string SectionName = "TrainerWorker";

    /// <summary>
    /// Exactly-once (one transaction per step: outputs with the input offsets) or at-least-once
    /// (outputs flushed, then offsets committed). Unset: exactly-once on a real cluster,
    /// at-least-once on the embedded broker, whose coordinator does not store transactional offsets.
    /// </summary>
    public Guarantee? Guarantee { get; set; }

    /// <summary>Prefix of the consumer group and transactional id, "{ApplicationId}-{model}": one trainer per model.</summary>
    public string ApplicationId { get; set; } = "streamingcl-trainer";

    /// <summary>
    /// How often consumed positions (and dead letters) are committed when nothing else commits them;
    /// every published version or registry decision commits at once.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    public Guarantee EffectiveGuarantee(bool embedded) => Guarantee ?? (embedded ? Processors.Guarantee.AtLeastOnce : Processors.Guarantee.ExactlyOnce);

    /// <summary>Consumer group, transactional id and dead-letter processor name of the trainer of <paramref name="model"/>.</summary>
    public string GroupId(string model) => $"{ApplicationId}-{model}";

    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(Guarantee is null || Enum.IsDefined(Guarantee.Value), $"{SectionName}:{nameof(Guarantee)}", "must be ExactlyOnce or AtLeastOnce.");
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(ApplicationId), $"{SectionName}:{nameof(ApplicationId)}", "is required.");
        InvalidConfigurationException.ThrowUnless(CommitInterval > TimeSpan.Zero, $"{SectionName}:{nameof(CommitInterval)}", $"must be positive, was {CommitInterval}.");
    }
}
