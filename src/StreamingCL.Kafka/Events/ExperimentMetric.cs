using Avro;
using Avro.Generic;
using StreamingCL.Kafka.Serialization;

namespace StreamingCL.Kafka.Events;

/// <summary>
/// Statistics of one variant of an online experiment against its control.
/// Schema: schemas/ExperimentMetric.avsc.
/// </summary>
public sealed record ExperimentMetric : IAvroEvent<ExperimentMetric>
{
    /// <inheritdoc/>
    public static RecordSchema Schema { get; } = EventSchemas.Load(nameof(ExperimentMetric));

    /// <summary>Experiment.</summary>
    public required string ExperimentId { get; init; }

    /// <summary>Variant (treatment, canary, shadow version or bandit arm).</summary>
    public required string Variant { get; init; }

    /// <summary>Variant it is compared with.</summary>
    public required string ControlVariant { get; init; }

    /// <summary>Kind of experiment.</summary>
    public required ExperimentKind Kind { get; init; }

    /// <summary>One window, or the whole experiment so far.</summary>
    public required MetricScope Scope { get; init; }

    /// <summary>Start of the covered period (inclusive).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>End of the covered period (exclusive).</summary>
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>Distinct randomisation units exposed.</summary>
    public required long Units { get; init; }

    /// <summary>Sum of the metric over units (conversions for proportions).</summary>
    public required double MetricSum { get; init; }

    /// <summary>Sum of squared per-unit metric values.</summary>
    public required double MetricSumSquares { get; init; }

    /// <summary>Results by name (absolute_lift, p_value, chance_to_beat_control, ...).</summary>
    public required IReadOnlyDictionary<string, double> Statistics { get; init; }

    /// <summary>Decision the evidence supports.</summary>
    public required ExperimentVerdict Verdict { get; init; }

    /// <inheritdoc/>
    public DateTimeOffset EventTime => WindowEnd;

    /// <inheritdoc/>
    public static ExperimentMetric FromAvro(GenericRecord record) => new()
    {
        ExperimentId = record.Get<string>("experiment_id"),
        Variant = record.Get<string>("variant"),
        ControlVariant = record.Get<string>("control_variant"),
        Kind = record.GetEnum<ExperimentKind>("kind"),
        Scope = record.GetEnum<MetricScope>("scope"),
        WindowStart = record.GetTimestamp("window_start"),
        WindowEnd = record.GetTimestamp("window_end"),
        Units = record.Get<long>("units"),
        MetricSum = record.Get<double>("metric_sum"),
        MetricSumSquares = record.Get<double>("metric_sum_squares"),
        Statistics = record.GetMap<double>("statistics"),
        Verdict = record.GetEnum<ExperimentVerdict>("verdict"),
    };

    /// <inheritdoc/>
    public GenericRecord ToAvro() => new AvroRecordWriter(Schema)
        .Set("experiment_id", ExperimentId)
        .Set("variant", Variant)
        .Set("control_variant", ControlVariant)
        .SetEnum("kind", Kind)
        .SetEnum("scope", Scope)
        .SetTimestamp("window_start", WindowStart)
        .SetTimestamp("window_end", WindowEnd)
        .Set("units", Units)
        .Set("metric_sum", MetricSum)
        .Set("metric_sum_squares", MetricSumSquares)
        .SetMap("statistics", Statistics)
        .SetEnum("verdict", Verdict)
        .Record;
}

/// <summary>Kind of online experiment.</summary>
public enum ExperimentKind
{
    /// <summary>Fixed-split A/B test.</summary>
    AbTest,

    /// <summary>A new model version on a small, ramping share of traffic.</summary>
    Canary,

    /// <summary>A version scored on live traffic without serving.</summary>
    Shadow,

    /// <summary>Two rankers interleaved in one list.</summary>
    Interleaving,

    /// <summary>Weights adapted by a bandit policy.</summary>
    Bandit,
}

/// <summary>Period the numbers cover.</summary>
public enum MetricScope
{
    /// <summary>One window.</summary>
    Window,

    /// <summary>Since the experiment started.</summary>
    Cumulative,
}

/// <summary>Decision the evidence supports.</summary>
public enum ExperimentVerdict
{
    /// <summary>Not enough evidence yet.</summary>
    Continue,

    /// <summary>Non-inferior or better: ramp up or promote.</summary>
    Promote,

    /// <summary>Significantly worse on a guardrail: roll back.</summary>
    Rollback,

    /// <summary>Sample ratio mismatch: the split is broken and the results are not trustworthy.</summary>
    Srm,
}
