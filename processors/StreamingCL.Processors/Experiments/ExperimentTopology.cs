using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;

namespace StreamingCL.Processors.Experiments;

/// <summary>
/// predictions + labeled-examples → experiment-metrics and traffic-allocations: per experiment and
/// variant, windowed and cumulative statistics against the control, SRM, canary verdicts, shadow
/// comparisons, interleaving credit and bandit allocations (see <see cref="ExperimentTransformer"/>).
/// </summary>
public static class ExperimentTopology
{
    /// <summary>The experiments application as a host runs it.</summary>
    public static StreamApplicationDefinition Definition(ExperimentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new("experiments", options.ApplicationId, environment => Build(options, environment), new Dictionary<string, TimeSpan>());
    }

    /// <summary>
    /// Builds the application: both inputs are checked and reduced to observations, re-keyed by
    /// experiment_id and repartitioned, so that one task owns each experiment and its state.
    /// </summary>
    public static Topology Build(ExperimentOptions options, ProcessorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        options.Validate();
        var builder = new StreamBuilder();
        var application = options.ApplicationId;
        var routing = new ExperimentRouting(options);

        var exposures = builder.Events<Prediction>(environment, EventTopic.Predictions, application, prediction => EventValidation.Check(prediction) ?? routing.Check(prediction))
            .FlatMapValues((prediction, context) => routing.Observe(prediction, RecordOrigin.Of(context)), "experiments-exposures");
        var outcomes = builder.Events<LabeledExample>(environment, EventTopic.LabeledExamples, application, example => EventValidation.Check(example) ?? routing.Check(example))
            .FlatMapValues((example, context) => routing.Observe(example, RecordOrigin.Of(context)), "experiments-outcomes");

        // Cached: an experiment's entry changes with every record; the cache sends one changelog record
        // per experiment and commit instead. The unit stores are on disk: they grow with the experiments' reach.
        builder.AddStateStore(StateStores.Json<ExperimentState>(ExperimentTransformer.StateStoreName));
        builder.AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(ExperimentTransformer.UnitStoreName), new StringSerDes(), new JsonStateSerDes<UnitState>()));
        builder.AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(ExperimentTransformer.WindowUnitStoreName), new StringSerDes(), new JsonStateSerDes<UnitState>()));
        builder.AddStateStore(StateStores.Json<ShadowPending>(ExperimentTransformer.ShadowStoreName));

        var outputs = exposures.Merge(outcomes, "experiments-observations")
            .SelectKey((_, observation, _) => observation.ExperimentId, "experiments-by-experiment")
            .Repartition(Repartitioned<string, Observation>.As("experiment-observations").WithKeySerdes(new StringSerDes()).WithValueSerdes(new JsonStateSerDes<Observation>()))
            .Transform(
                TransformerFactory.Supplier(() => new ExperimentTransformer(options, environment)),
                "experiments",
                ExperimentTransformer.StateStoreName,
                ExperimentTransformer.UnitStoreName,
                ExperimentTransformer.WindowUnitStoreName,
                ExperimentTransformer.ShadowStoreName)
            .WithoutRejections(environment, "experiments")
            .Branch("experiments-outputs", (_, output, _) => output.Metric is not null, (_, _, _) => true);

        outputs[0]
            .MapValues((output, _) => output.Metric!, "experiments-metrics")
            .Peek((_, metric, _) => environment.Metrics.Observe(metric), "experiments-metrics-observed")
            .To(environment.Topic(EventTopic.ExperimentMetrics), new StringSerDes(), environment.StreamSerDes<ExperimentMetric>(), "experiments-experiment-metrics");
        outputs[1]
            .MapValues((output, _) => output.Allocation!, "experiments-allocations")
            .Peek((_, allocation, _) => environment.Metrics.Observe(allocation), "experiments-allocations-observed")
            .To(environment.Topic(EventTopic.TrafficAllocations), new StringSerDes(), environment.StreamSerDes<TrafficAllocation>(), "experiments-traffic-allocations");
        return builder.Build();
    }
}
