using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;

namespace StreamingCL.Processors.Performance;

/// <summary>
/// labeled-examples → performance-metrics: windowed quality of each model version, served and
/// shadow alike (a shadow version is measured on its own predictions), see <see cref="PerformanceTransformer"/>.
/// </summary>
public static class PerformanceTopology
{
    /// <summary>The performance application as a host runs it.</summary>
    public static StreamApplicationDefinition Definition(PerformanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new("performance", options.ApplicationId, environment => Build(options, environment), new Dictionary<string, TimeSpan>());
    }

    /// <summary>
    /// Builds the application. Examples are keyed by prediction_id; they are checked there (so dead
    /// letters keep the original coordinates), then re-keyed by model/version and repartitioned so
    /// that one task sees all of a version's examples. Rules for the examples:
    /// <list type="bullet">
    /// <item>Invalid ones are dead-lettered: a model without a task (UNKNOWN_MODEL); for binary
    /// classification a score outside [0, 1] or a label other than 0 or 1 (INVALID_VALUE); and
    /// whatever <see cref="EventValidation"/> refuses.</item>
    /// <item>Examples without a label (feedback that carried only a reward or clicks) are normal
    /// traffic, not errors: they are counted (streamingcl_skipped_total, reason unlabeled)
    /// and measure nothing.</item>
    /// <item>Event time is when the example was labeled (prediction time + feedback delay), set as
    /// the record timestamp before the repartition: windows follow the labels' arrival, so a window
    /// closes grace after its end whatever the labels' delay, and a replay lands in the same windows.</item>
    /// </list>
    /// </summary>
    public static Topology Build(PerformanceOptions options, ProcessorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        options.Validate();
        var builder = new StreamBuilder();
        var application = options.ApplicationId;

        var examples = builder.Events<LabeledExample>(environment, EventTopic.LabeledExamples, application, example => EventValidation.Check(example) ?? Check(example, options));
        var byLabel = examples.Branch("performance-labeled-split", (_, example, _) => example.Label is not null, (_, _, _) => true);
        byLabel[1].Foreach((_, _, _) => environment.Metrics.Skipped(application, "unlabeled"), "performance-unlabeled");

        builder.AddStateStore(StateStores.Json<PerformanceState>(PerformanceTransformer.StoreName));
        builder.AddStateStore(StateStores.Json<StreamTime>(PerformanceTransformer.StreamTimeStoreName));
        byLabel[0]
            .WithRecordTimestamp((_, example, _) => example.FeedbackTimestamp.ToUnixTimeMilliseconds(), "performance-labeled-at")
            .SelectKey((_, example, _) => $"{example.ModelName}/{example.ModelVersion}", "performance-version-key")
            .Repartition(Repartitioned<string, LabeledExample>.As("performance-by-version").WithKeySerdes(new StringSerDes()).WithValueSerdes(environment.StreamSerDes<LabeledExample>()))
            .Transform(
                TransformerFactory.Supplier(() => new PerformanceTransformer(options, environment)),
                "performance",
                PerformanceTransformer.StoreName,
                PerformanceTransformer.StreamTimeStoreName)
            .Peek((_, metric, _) => environment.Metrics.Observe(metric), "performance-observe")
            .To(environment.Topic(EventTopic.PerformanceMetrics), new StringSerDes(), environment.StreamSerDes<PerformanceMetric>(), "performance-metrics");
        return builder.Build();
    }

    private static EventProblem? Check(LabeledExample example, PerformanceOptions options) =>
        options.TaskOf(example.ModelName) switch
        {
            null => new EventProblem(DeadLetterKind.UnknownModel, $"Model '{example.ModelName}' has no task in {PerformanceOptions.SectionName}:Tasks and there is no DefaultTask."),
            ModelTask.BinaryClassification when example.Score is < 0.0 or > 1.0 =>
                new EventProblem(DeadLetterKind.InvalidValue, $"score is {example.Score}, not a probability in [0, 1] (binary classification)."),
            ModelTask.BinaryClassification when example.Label is { } label && label is not (0.0 or 1.0) =>
                new EventProblem(DeadLetterKind.InvalidValue, $"label is {example.Label}, not 0 or 1 (binary classification)."),
            _ => null,
        };
}
