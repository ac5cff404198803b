using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;

namespace StreamingCL.Processors.Drift;

/// <summary>
/// predictions + labeled-examples + model-updates → drift-metrics: windowed data and prediction
/// drift against each version's reference (see <see cref="FeatureDriftTransformer"/>) and concept
/// drift from a change detector over the errors (see <see cref="ConceptDriftTransformer"/>).
/// </summary>
/// <remarks>
/// <para>The three inputs are decoded and validated where they are read (bad records are
/// dead-lettered with their coordinates and bytes), then keyed by model name and repartitioned
/// through one topic, so one task owns all of a model's windows, errors and reference profiles.
/// The reference profiles thus travel with the predictions instead of through a global table: an
/// undecodable ModelVersion is dead-lettered like any other record, only the profiles are kept
/// (not the model artifacts), each task keeps only its own models' profiles, and a profile is
/// ordered with the predictions in the same partition. The repartition topic carries JSON, like
/// state, private to the application: whole predictions, so that a dead letter written after it
/// still holds the prediction as its payload.</para>
/// <para>Scaling: one task per model means a model's traffic is aggregated on one thread; models
/// spread over the repartition topic's partitions. A model too busy for one thread would need a
/// pre-aggregation per input partition, merged per model.</para>
/// </remarks>
public static class DriftTopology
{
    /// <summary>The drift application as a host runs it; its stores are key-value stores whose entries it deletes itself.</summary>
    public static StreamApplicationDefinition Definition(DriftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new("drift", options.ApplicationId, environment => Build(options, environment), new Dictionary<string, TimeSpan>());
    }

    /// <summary>Builds the drift application.</summary>
    public static Topology Build(DriftOptions options, ProcessorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        options.Validate();
        var builder = new StreamBuilder();
        var application = options.ApplicationId;

        var predictions = builder.Events<Prediction>(environment, EventTopic.Predictions, application, DriftInputs.Check)
            .MapValues((prediction, context) => new DriftInput(RecordOrigin.Of(context), Prediction: prediction), "drift-predictions");
        var errors = builder.Events<LabeledExample>(environment, EventTopic.LabeledExamples, application, example => DriftInputs.Check(example, options))
            .Peek((_, example, _) => CountUnlabeled(example, environment.Metrics, application), "drift-unlabeled-count")
            .Filter((_, example, _) => example.Label is not null, "drift-labeled")
            .MapValues((example, context) => new DriftInput(RecordOrigin.Of(context), Error: DriftInputs.ErrorOf(example, options)), "drift-errors");
        var references = builder.Events<ModelVersion>(environment, EventTopic.ModelUpdates, application, DriftInputs.Check)
            .MapValues(
                (version, context) => new DriftInput(
                    RecordOrigin.Of(context),
                    Published: new PublishedReferences(version.ModelName, version.Version, VersionReferences.Published(version.ReferenceProfile))),
                "drift-published-references");

        var byModel = predictions.Merge(errors, "drift-predictions-and-errors").Merge(references, "drift-inputs")
            .SelectKey((_, input, _) => input.ModelName, "drift-key-by-model")
            .Repartition(Repartitioned<string, DriftInput>.As("drift-by-model").WithKeySerdes(new StringSerDes()).WithValueSerdes(new JsonStateSerDes<DriftInput>()))
            .Branch("drift-by-kind", (_, input, _) => input.Error is not null, (_, _, _) => true);

        AddStore<WindowState>(builder, FeatureDriftTransformer.WindowStoreName);
        AddStore<VersionReferences>(builder, FeatureDriftTransformer.ReferenceStoreName);
        AddStore<StreamTime>(builder, FeatureDriftTransformer.StreamTimeStoreName);
        builder.AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(FeatureDriftTransformer.SampleStoreName), new StringSerDes(), new DoubleSerDes()));

        var concept = byModel[0].Transform(TransformerFactory.Supplier(() => new ConceptDriftTransformer(options)), "drift-concept");
        byModel[1]
            .Transform(
                TransformerFactory.Supplier(() => new FeatureDriftTransformer(options, environment)),
                "drift-features",
                FeatureDriftTransformer.WindowStoreName,
                FeatureDriftTransformer.ReferenceStoreName,
                FeatureDriftTransformer.SampleStoreName,
                FeatureDriftTransformer.StreamTimeStoreName)
            .Merge(concept, "drift-results")
            .WithoutRejections(environment, "drift")
            .Peek((_, metric, _) => environment.Metrics.Observe(metric), "drift-observe")
            .To(environment.Topic(EventTopic.DriftMetrics), new StringSerDes(), environment.StreamSerDes<DriftMetric>(), "drift-metrics");
        return builder.Build();
    }

    private static void AddStore<T>(StreamBuilder builder, string name)
        where T : class =>
        builder.AddStateStore(StateStores.Json<T>(name));

    private static void CountUnlabeled(LabeledExample example, ProcessorMetrics metrics, string application)
    {
        // Reward-only feedback is valid (bandits use it) but has no error to watch.
        if (example.Label is null)
        {
            metrics.Skipped(application, "unlabeled");
        }
    }
}
