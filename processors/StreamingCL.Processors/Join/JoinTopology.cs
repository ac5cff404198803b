using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;

namespace StreamingCL.Processors.Join;

/// <summary>predictions + feedback → labeled-examples: each prediction joined with its feedback, once (see <see cref="JoinTransformer"/>).</summary>
public static class JoinTopology
{
    /// <summary>The join as a host runs it.</summary>
    public static StreamApplicationDefinition Definition(JoinOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new("join", options.ApplicationId, environment => Build(options, environment), new Dictionary<string, TimeSpan>());
    }

    /// <summary>Builds the join. Both inputs are keyed by prediction_id and co-partitioned, so no repartition is needed.</summary>
    public static Topology Build(JoinOptions options, ProcessorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        options.Validate();
        var builder = new StreamBuilder();
        var application = options.ApplicationId;

        var predictions = builder.Events<Prediction>(environment, EventTopic.Predictions, application, EventValidation.Check, prediction => prediction.PredictionId)
            .MapValues((prediction, _) => new JoinInput(prediction, null), "join-predictions");
        var feedback = builder.Events<Feedback>(environment, EventTopic.Feedback, application, EventValidation.Check, item => item.PredictionId)
            .MapValues((item, _) => new JoinInput(null, item), "join-feedback");

        builder.AddStateStore(StateStores.Json<JoinState>(JoinTransformer.StoreName));
        predictions.Merge(feedback, "join-inputs")
            .Transform(TransformerFactory.Supplier(() => new JoinTransformer(options, environment)), "join", JoinTransformer.StoreName)
            .WithoutRejections(environment, "join")
            .To(environment.Topic(EventTopic.LabeledExamples), new StringSerDes(), environment.StreamSerDes<LabeledExample>(), "join-labeled-examples");
        return builder.Build();
    }
}
