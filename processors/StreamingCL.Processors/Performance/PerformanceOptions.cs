using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors.Performance;

/// <summary>Windowed quality of each model version over its labeled examples. Section "Processors:Performance".</summary>
public sealed class PerformanceOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Processors:Performance";

    /// <summary>application.id of the stream application (prefix of its internal topics and consumer group).</summary>
    public string ApplicationId { get; set; } = "streamingcl-performance";

    /// <summary>Size of the tumbling windows, in event time (when the examples were labeled).</summary>
    public TimeSpan WindowSize { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long after its end a window still takes examples; it is published and closed at end + grace.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Task of the models not named in <see cref="Tasks"/>; null dead-letters their examples as UNKNOWN_MODEL.</summary>
    public ModelTask? DefaultTask { get; set; } = ModelTask.BinaryClassification;

    /// <summary>Task by model name, e.g. Processors__Performance__Tasks__eta=Regression.</summary>
    public Dictionary<string, ModelTask> Tasks { get; set; } = [];

    /// <summary>Binary classification: an example is predicted positive when its score is at least this (accuracy only).</summary>
    public double DecisionThreshold { get; set; } = 0.5;

    /// <summary>Equal-width confidence bins of the expected calibration error.</summary>
    public int CalibrationBins { get; set; } = 10;

    /// <summary>
    /// Equal-width score bins of the AUC estimate; the published auc_error_bound shrinks as they
    /// grow. A window's state holds two counts per bin and is rewritten with each example, so this
    /// also sets the state's size (4 to 10 KB of JSON at 1000, by the counts' digits).
    /// </summary>
    public int RocAucBins { get; set; } = 1000;

    /// <summary>The task of <paramref name="model"/>, or null when it has none.</summary>
    public ModelTask? TaskOf(string model) => Tasks.TryGetValue(model, out var task) ? task : DefaultTask;

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(ApplicationId), $"{SectionName}:{nameof(ApplicationId)}", "is required.");
        InvalidConfigurationException.ThrowUnless(WindowSize >= TimeSpan.FromMilliseconds(1), $"{SectionName}:{nameof(WindowSize)}", $"must be at least 1 ms, was {WindowSize}.");
        InvalidConfigurationException.ThrowUnless(Grace >= TimeSpan.Zero, $"{SectionName}:{nameof(Grace)}", $"must not be negative, was {Grace}.");
        InvalidConfigurationException.ThrowUnless(DecisionThreshold is >= 0.0 and <= 1.0, $"{SectionName}:{nameof(DecisionThreshold)}", $"must be in [0, 1], was {DecisionThreshold}.");
        InvalidConfigurationException.ThrowUnless(CalibrationBins >= 1, $"{SectionName}:{nameof(CalibrationBins)}", $"must be at least 1, was {CalibrationBins}.");
        InvalidConfigurationException.ThrowUnless(RocAucBins >= 1, $"{SectionName}:{nameof(RocAucBins)}", $"must be at least 1, was {RocAucBins}.");
        InvalidConfigurationException.ThrowUnless(
            Tasks.Keys.All(model => !string.IsNullOrWhiteSpace(model)),
            $"{SectionName}:{nameof(Tasks)}",
            "has an empty model name.");
    }
}
