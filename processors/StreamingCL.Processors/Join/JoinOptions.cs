using StreamingCL.Kafka;

namespace StreamingCL.Processors.Join;

/// <summary>The join of predictions with their feedback. Section "Processors:Join".</summary>
public sealed class JoinOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Processors:Join";

    /// <summary>application.id of the stream application (prefix of its internal topics and consumer group).</summary>
    public string ApplicationId { get; set; } = "streamingcl-join";

    /// <summary>
    /// How long after a prediction its feedback still joins (labels arrive late: minutes to days).
    /// Also how long a prediction is kept waiting, which bounds the state.
    /// </summary>
    public TimeSpan FeedbackWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long feedback waits for a prediction that has not arrived yet before it is dead-lettered as unmatched.</summary>
    public TimeSpan UnmatchedGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often (in stream time) expired state is purged.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(ApplicationId), $"{SectionName}:{nameof(ApplicationId)}", "is required.");
        InvalidConfigurationException.ThrowUnless(FeedbackWindow > TimeSpan.Zero, $"{SectionName}:{nameof(FeedbackWindow)}", $"must be positive, was {FeedbackWindow}.");
        InvalidConfigurationException.ThrowUnless(UnmatchedGrace >= TimeSpan.Zero, $"{SectionName}:{nameof(UnmatchedGrace)}", $"must not be negative, was {UnmatchedGrace}.");
        InvalidConfigurationException.ThrowUnless(
            PurgeInterval >= TimeSpan.FromMilliseconds(10),
            $"{SectionName}:{nameof(PurgeInterval)}",
            $"must be at least 10 ms (Streamiz's smallest punctuation interval), was {PurgeInterval}.");
    }
}
