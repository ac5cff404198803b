using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>The outcome observed for a prediction: a label, a reward, or clicks. Schema: schemas/Feedback.avsc.</summary>
public sealed record Feedback : IAvroEvent<Feedback>
{
    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(Feedback));

    /// <summary>Id of the prediction this feedback is about.</summary>
    public required string PredictionId { get; init; }

    /// <summary>When the outcome was observed.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>True label (0 or 1 for binary classification) or true value (regression).</summary>
    public double? Label { get; init; }

    /// <summary>Reward for bandits and experiment metrics.</summary>
    public double? Reward { get; init; }

    /// <summary>How the outcome was obtained.</summary>
    public FeedbackKind Kind { get; init; } = FeedbackKind.Explicit;

    /// <summary>Items clicked in a served ranking.</summary>
    public IReadOnlyList<string> ClickedItems { get; init; } = [];

    /// <inheritdoc/>
    public DateTimeOffset EventTime => Timestamp;

    /// <inheritdoc/>
    public static Feedback FromAvro(GenericRecord record) => new()
    {
        PredictionId = record.Get<string>("prediction_id"),
        Timestamp = record.GetTimestamp("timestamp"),
        Label = record.GetOptional<double>("label"),
        Reward = record.GetOptional<double>("reward"),
        Kind = record.GetEnum<FeedbackKind>("kind"),
        ClickedItems = record.GetArray<string>("clicked_items"),
    };

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("prediction_id", PredictionId)
        .SetTimestamp("timestamp", Timestamp)
        .Set("label", Label)
        .Set("reward", Reward)
        .SetEnum("kind", Kind)
        .SetArray("clicked_items", ClickedItems)
        .Record;
}

/// <summary>How an outcome was obtained.</summary>
public enum FeedbackKind
{
    /// <summary>Inferred from behaviour (click, dwell time).</summary>
    Implicit,

    /// <summary>Given as a label.</summary>
    Explicit,
}
