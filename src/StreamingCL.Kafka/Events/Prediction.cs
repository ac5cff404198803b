using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>One prediction served (or computed in shadow) by a model version. Schema: schemas/Prediction.avsc.</summary>
public sealed record Prediction : IAvroEvent<Prediction>
{
    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(Prediction));

    /// <summary>Unique id of the prediction; feedback refers to it.</summary>
    public required string PredictionId { get; init; }

    /// <summary>Model that produced the score.</summary>
    public required string ModelName { get; init; }

    /// <summary>Version that produced the score.</summary>
    public required int ModelVersion { get; init; }

    /// <summary>Randomisation unit (user, session, device) that routing hashed.</summary>
    public required string UnitId { get; init; }

    /// <summary>When the prediction was made.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Numeric feature values by name.</summary>
    public IReadOnlyDictionary<string, double> NumericFeatures { get; init; } = new Dictionary<string, double>();

    /// <summary>Categorical feature values by name.</summary>
    public IReadOnlyDictionary<string, string> CategoricalFeatures { get; init; } = new Dictionary<string, string>();

    /// <summary>Probability of the positive class, or the predicted value for regression.</summary>
    public required double Score { get; init; }

    /// <summary>Decided label (0 or 1 for binary classification), when a threshold was applied.</summary>
    public double? PredictedLabel { get; init; }

    /// <summary>Experiment the request was assigned in.</summary>
    public string? ExperimentId { get; init; }

    /// <summary>Variant (arm) the request was assigned to.</summary>
    public string? Variant { get; init; }

    /// <summary>Computed but not served.</summary>
    public bool Shadow { get; init; }

    /// <summary>Ranked list served, in order (ranking models and interleaving).</summary>
    public IReadOnlyList<RankedItem>? Ranking { get; init; }

    /// <inheritdoc/>
    public DateTimeOffset EventTime => Timestamp;

    /// <inheritdoc/>
    public static Prediction FromAvro(GenericRecord record) => new()
    {
        PredictionId = record.Get<string>("prediction_id"),
        ModelName = record.Get<string>("model_name"),
        ModelVersion = record.Get<int>("model_version"),
        UnitId = record.Get<string>("unit_id"),
        Timestamp = record.GetTimestamp("timestamp"),
        NumericFeatures = record.GetMap<double>("numeric_features"),
        CategoricalFeatures = record.GetMap<string>("categorical_features"),
        Score = record.Get<double>("score"),
        PredictedLabel = record.GetOptional<double>("predicted_label"),
        ExperimentId = record.GetOptionalString("experiment_id"),
        Variant = record.GetOptionalString("variant"),
        Shadow = record.Get<bool>("shadow"),
        Ranking = record.GetOptionalRecords("ranking", RankedItem.FromAvro),
    };

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("prediction_id", PredictionId)
        .Set("model_name", ModelName)
        .Set("model_version", ModelVersion)
        .Set("unit_id", UnitId)
        .SetTimestamp("timestamp", Timestamp)
        .SetMap("numeric_features", NumericFeatures)
        .SetMap("categorical_features", CategoricalFeatures)
        .Set("score", Score)
        .Set("predicted_label", PredictedLabel)
        .Set("experiment_id", ExperimentId)
        .Set("variant", Variant)
        .Set("shadow", Shadow)
        .SetRecords("ranking", Ranking, RankedItem.ToAvro)
        .Record;
}

/// <summary>Ranker that contributed an item in team-draft interleaving.</summary>
public enum InterleavingTeam
{
    /// <summary>The first ranker.</summary>
    A,

    /// <summary>The second ranker.</summary>
    B,
}

/// <summary>One item of a served ranking.</summary>
/// <param name="ItemId">Id of the ranked item.</param>
/// <param name="Team">Contributing ranker, for interleaved rankings.</param>
public sealed record RankedItem(string ItemId, InterleavingTeam? Team = null)
{
    internal static RankedItem FromAvro(GenericRecord record) =>
        new(record.Get<string>("item_id"), record.GetOptionalEnum<InterleavingTeam>("team"));

    internal static GenericRecord ToAvro(RecordSchema schema, RankedItem item) => new AvroRecordWriter(schema)
        .Set("item_id", item.ItemId)
        .SetEnum("team", item.Team)
        .Record;
}
