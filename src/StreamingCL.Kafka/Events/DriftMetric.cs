using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>
/// Drift of one feature, of the score, or of the model error, for one window or one detector
/// change. Schema: schemas/DriftMetric.avsc.
/// </summary>
public sealed record DriftMetric : IAvroEvent<DriftMetric>
{
    /// <summary>Feature name used for prediction (score) drift.</summary>
    public const string ScoreFeature = "__score__";

    /// <summary>Feature name used for concept drift (the model's error stream).</summary>
    public const string ErrorFeature = "__error__";

    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(DriftMetric));

    /// <summary>Monitored model.</summary>
    public required string ModelName { get; init; }

    /// <summary>Version that served the window.</summary>
    public required int ModelVersion { get; init; }

    /// <summary>Feature name, <see cref="ScoreFeature"/> or <see cref="ErrorFeature"/>.</summary>
    public required string Feature { get; init; }

    /// <summary>What drifted.</summary>
    public required DriftKind Kind { get; init; }

    /// <summary>Start of the window (inclusive).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>End of the window (exclusive), or the time of a detector change.</summary>
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>Values in the current window.</summary>
    public required long SampleSize { get; init; }

    /// <summary>Statistic values by name (psi, js_distance, chi2_p_value, ...).</summary>
    public required IReadOnlyDictionary<string, double> Statistics { get; init; }

    /// <summary>Change detector that signalled, for concept drift.</summary>
    public string? Detector { get; init; }

    /// <summary>Verdict against the configured thresholds.</summary>
    public required DriftSeverity Severity { get; init; }

    /// <inheritdoc/>
    public DateTimeOffset EventTime => WindowEnd;

    /// <inheritdoc/>
    public static DriftMetric FromAvro(GenericRecord record) => new()
    {
        ModelName = record.Get<string>("model_name"),
        ModelVersion = record.Get<int>("model_version"),
        Feature = record.Get<string>("feature"),
        Kind = record.GetEnum<DriftKind>("kind"),
        WindowStart = record.GetTimestamp("window_start"),
        WindowEnd = record.GetTimestamp("window_end"),
        SampleSize = record.Get<long>("sample_size"),
        Statistics = record.GetMap<double>("statistics"),
        Detector = record.GetOptionalString("detector"),
        Severity = record.GetEnum<DriftSeverity>("severity"),
    };

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("model_name", ModelName)
        .Set("model_version", ModelVersion)
        .Set("feature", Feature)
        .SetEnum("kind", Kind)
        .SetTimestamp("window_start", WindowStart)
        .SetTimestamp("window_end", WindowEnd)
        .Set("sample_size", SampleSize)
        .SetMap("statistics", Statistics)
        .Set("detector", Detector)
        .SetEnum("severity", Severity)
        .Record;
}

/// <summary>What drifted.</summary>
public enum DriftKind
{
    /// <summary>An input feature's distribution.</summary>
    Data,

    /// <summary>The score distribution.</summary>
    Prediction,

    /// <summary>The model's error stream (the relation between inputs and labels).</summary>
    Concept,
}

/// <summary>Verdict against the configured thresholds.</summary>
public enum DriftSeverity
{
    /// <summary>Below every threshold.</summary>
    None,

    /// <summary>Over a warning threshold.</summary>
    Warning,

    /// <summary>Over a drift threshold.</summary>
    Drift,
}
