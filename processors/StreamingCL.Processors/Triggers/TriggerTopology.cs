using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;

namespace StreamingCL.Processors.Triggers;

/// <summary>
/// drift-metrics + performance-metrics + labeled-examples (+ a wall-clock schedule) → retrain-triggers,
/// keyed by model (see <see cref="TriggerRules"/>). Manual triggers do not pass here: `streamingcl
/// trigger` writes them to retrain-triggers directly, so they neither reset nor respect the cooldown.
/// </summary>
public static class TriggerTopology
{
    /// <summary>The trigger application as a host runs it.</summary>
    public static StreamApplicationDefinition Definition(TriggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new("triggers", options.ApplicationId, environment => Build(options, environment), new Dictionary<string, TimeSpan>());
    }

    /// <summary>
    /// Builds the application. Each input is checked where it was read (so dead letters keep the
    /// original coordinates): drift and performance metrics need a model, a version of at least 1 and
    /// finite values; labeled examples as <see cref="EventValidation"/> says. Only served examples
    /// with a label count towards volume (shadow ones repeat served traffic, unlabeled ones cannot be
    /// learnt from). The three are merged, re-keyed by model and repartitioned so that one task holds
    /// all of a model's evidence.
    /// </summary>
    public static Topology Build(TriggerOptions options, ProcessorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        options.Validate();
        var builder = new StreamBuilder();
        var application = options.ApplicationId;

        var drift = builder.Events<DriftMetric>(environment, EventTopic.DriftMetrics, application, Check)
            .Map((_, metric, _) => KeyValuePair.Create(metric.ModelName, new TriggerInput(metric, null, null)), "triggers-drift-by-model");
        var performance = builder.Events<PerformanceMetric>(environment, EventTopic.PerformanceMetrics, application, Check)
            .Map((_, metric, _) => KeyValuePair.Create(metric.ModelName, new TriggerInput(null, metric, null)), "triggers-performance-by-model");
        var volume = builder.Events<LabeledExample>(environment, EventTopic.LabeledExamples, application, EventValidation.Check)
            .Filter((_, example, _) => !example.Shadow && example.Label is not null, "triggers-served-labeled")
            .Map((_, example, _) => KeyValuePair.Create(example.ModelName, new TriggerInput(null, null, example.FeedbackTimestamp)), "triggers-labeled-by-model");

        builder.AddStateStore(StateStores.Json<ModelTriggerState>(TriggerTransformer.StoreName));
        drift.Merge(performance, "triggers-merge-performance")
            .Merge(volume, "triggers-merge-volume")
            .Repartition(Repartitioned<string, TriggerInput>.As("triggers-by-model").WithKeySerdes(new StringSerDes()).WithValueSerdes(new JsonStateSerDes<TriggerInput>()))
            .Transform(TransformerFactory.Supplier(() => new TriggerTransformer(options, environment)), "triggers", TriggerTransformer.StoreName)
            .Peek((_, trigger, _) => environment.Metrics.Observe(trigger), "triggers-observe")
            .To(environment.Topic(EventTopic.RetrainTriggers), new StringSerDes(), environment.StreamSerDes<RetrainTrigger>(), "triggers-retrain-triggers");
        return builder.Build();
    }

    private static EventProblem? Check(DriftMetric metric) =>
        Identity(metric.ModelName, metric.ModelVersion)
        ?? (string.IsNullOrWhiteSpace(metric.Feature) ? new EventProblem(DeadLetterKind.MissingField, "feature is empty.") : (EventProblem?)null)
        ?? Finite(metric.Statistics, "statistics");

    private static EventProblem? Check(PerformanceMetric metric) =>
        Identity(metric.ModelName, metric.ModelVersion) ?? Finite(metric.Metrics, "metrics");

    private static EventProblem? Identity(string model, int version) =>
        string.IsNullOrWhiteSpace(model) ? new EventProblem(DeadLetterKind.MissingField, "model_name is empty.")
        : EventValidation.ModelVersion(version);

    private static EventProblem? Finite(IReadOnlyDictionary<string, double> values, string field) =>
        values.Where(value => !double.IsFinite(value.Value))
            .Select(value => (EventProblem?)new EventProblem(DeadLetterKind.InvalidValue, $"{field}[{value.Key}] is {value.Value}, not a finite number."))
            .FirstOrDefault();
}
