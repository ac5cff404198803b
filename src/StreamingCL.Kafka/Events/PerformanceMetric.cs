using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>Quality of one model version over one window of labeled examples. Schema: schemas/PerformanceMetric.avsc.</summary>
public sealed record PerformanceMetric : IAvroEvent<PerformanceMetric>
{
    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(PerformanceMetric));

    /// <summary>Evaluated model.</summary>
    public required string ModelName { get; init; }

    /// <summary>Evaluated version.</summary>
    public required int ModelVersion { get; init; }

    /// <summary>Start of the window (inclusive).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>End of the window (exclusive).</summary>
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>Labeled examples in the window.</summary>
    public required long ExampleCount { get; init; }

    /// <summary>Kind of model, which decides the metrics.</summary>
    public required ModelTask Task { get; init; }

    /// <summary>Metric values by name (accuracy, log_loss, brier, auc, ece; mae, rmse).</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <inheritdoc/>
    public DateTimeOffset EventTime => WindowEnd;

    /// <inheritdoc/>
    public static PerformanceMetric FromAvro(GenericRecord record) => new()
    {
        ModelName = record.Get<string>("model_name"),
        ModelVersion = record.Get<int>("model_version"),
        WindowStart = record.GetTimestamp("window_start"),
        WindowEnd = record.GetTimestamp("window_end"),
        ExampleCount = record.Get<long>("example_count"),
        Task = record.GetEnum<ModelTask>("task"),
        Metrics = record.GetMap<double>("metrics"),
    };

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("model_name", ModelName)
        .Set("model_version", ModelVersion)
        .SetTimestamp("window_start", WindowStart)
        .SetTimestamp("window_end", WindowEnd)
        .Set("example_count", ExampleCount)
        .SetEnum("task", Task)
        .SetMap("metrics", Metrics)
        .Record;
}

/// <summary>Kind of model.</summary>
public enum ModelTask
{
    /// <summary>Binary classification with a probability score.</summary>
    BinaryClassification,

    /// <summary>Regression.</summary>
    Regression,
}
