using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer;

/// <summary>An accepted example: the event (for profiles and re-scoring), its position, vector and label.</summary>
internal sealed record BufferedExample(LabeledExample Source, ExamplePosition Position, FeatureVector Features, float Label)
{
    public string PredictionId => Source.PredictionId;

    public DateTimeOffset Timestamp => Source.PredictionTimestamp;
}
