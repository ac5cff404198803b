using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>A prediction joined with its feedback. Schema: schemas/LabeledExample.avsc.</summary>
public sealed record LabeledExample : IAvroEvent<LabeledExample>
{
    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(LabeledExample));

    /// <summary>Id of the prediction.</summary>
    public required string PredictionId { get; init; }

    /// <summary>Model that produced the score.</summary>
    public required string ModelName { get; init; }

    /// <summary>Version that produced the score.</summary>
    public required int ModelVersion { get; init; }

    /// <summary>Randomisation unit of the request.</summary>
    public required string UnitId { get; init; }

    /// <summary>When the prediction was made.</summary>
    public required DateTimeOffset PredictionTimestamp { get; init; }

    /// <summary>Feedback time minus prediction time.</summary>
    public required TimeSpan FeedbackDelay { get; init; }

    /// <summary>Numeric features of the prediction.</summary>
    public IReadOnlyDictionary<string, double> NumericFeatures { get; init; } = new Dictionary<string, double>();

    /// <summary>Categorical features of the prediction.</summary>
    public IReadOnlyDictionary<string, string> CategoricalFeatures { get; init; } = new Dictionary<string, string>();

    /// <summary>Model output of the prediction.</summary>
    public required double Score { get; init; }

    /// <summary>True label or value.</summary>
    public double? Label { get; init; }

    /// <summary>Reward from the feedback.</summary>
    public double? Reward { get; init; }

    /// <summary>Experiment of the prediction.</summary>
    public string? ExperimentId { get; init; }

    /// <summary>Variant of the prediction.</summary>
    public string? Variant { get; init; }

    /// <summary>Computed in shadow, not served.</summary>
    public bool Shadow { get; init; }

    /// <summary>Ranking served, if any.</summary>
    public IReadOnlyList<RankedItem>? Ranking { get; init; }

    /// <summary>Items clicked.</summary>
    public IReadOnlyList<string> ClickedItems { get; init; } = [];

    /// <summary>When the feedback was observed.</summary>
    public DateTimeOffset FeedbackTimestamp => PredictionTimestamp + FeedbackDelay;

    /// <inheritdoc/>
    public DateTimeOffset EventTime => FeedbackTimestamp;

    /// <inheritdoc/>
    public static LabeledExample FromAvro(GenericRecord record) => new()
    {
        PredictionId = record.Get<string>("prediction_id"),
        ModelName = record.Get<string>("model_name"),
        ModelVersion = record.Get<int>("model_version"),
        UnitId = record.Get<string>("unit_id"),
        PredictionTimestamp = record.GetTimestamp("prediction_timestamp"),
        FeedbackDelay = TimeSpan.FromMilliseconds(record.Get<long>("feedback_delay_ms")),
        NumericFeatures = record.GetMap<double>("numeric_features"),
        CategoricalFeatures = record.GetMap<string>("categorical_features"),
        Score = record.Get<double>("score"),
        Label = record.GetOptional<double>("label"),
        Reward = record.GetOptional<double>("reward"),
        ExperimentId = record.GetOptionalString("experiment_id"),
        Variant = record.GetOptionalString("variant"),
        Shadow = record.Get<bool>("shadow"),
        Ranking = record.GetOptionalRecords("ranking", RankedItem.FromAvro),
        ClickedItems = record.GetArray<string>("clicked_items"),
    };

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("prediction_id", PredictionId)
        .Set("model_name", ModelName)
        .Set("model_version", ModelVersion)
        .Set("unit_id", UnitId)
        .SetTimestamp("prediction_timestamp", PredictionTimestamp)
        .Set("feedback_delay_ms", (long)FeedbackDelay.TotalMilliseconds)
        .SetMap("numeric_features", NumericFeatures)
        .SetMap("categorical_features", CategoricalFeatures)
        .Set("score", Score)
        .Set("label", Label)
        .Set("reward", Reward)
        .Set("experiment_id", ExperimentId)
        .Set("variant", Variant)
        .Set("shadow", Shadow)
        .SetRecords("ranking", Ranking, RankedItem.ToAvro)
        .SetArray("clicked_items", ClickedItems)
        .Record;
}
