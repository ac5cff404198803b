using System.Text.Json.Serialization;
using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Processors.Experiments;

/// <summary>
/// What the application keeps per experiment (one small entry, whatever the traffic): the tallies
/// since the start and per open window, and the bookkeeping of windows and allocations.
/// </summary>
internal sealed class ExperimentState
{
    // Raised when the counting rules or the unit entries change, so state kept under the old ones is
    // dropped rather than misread. 2: a Canary's or Bandit's units count in the variants that served them.
    // 3: shadow tallies count labeled disagreements (the paired test reads them).
    private const int CountingRules = 3;

    /// <summary>What the tallies measure (<see cref="BasisOf"/>): they mean nothing under another definition.</summary>
    public string Basis { get; set; } = string.Empty;

    /// <summary>Earliest prediction time seen: start of the CUMULATIVE scope.</summary>
    public long StartMs { get; set; }

    /// <summary>Latest prediction time seen, for the idle retention.</summary>
    public long LastEventMs { get; set; }

    /// <summary>Windows ending at or before this time were emitted: a record for one of them is late.</summary>
    public long WindowsClosedUntilMs { get; set; }

    /// <summary>Records arrived since the CUMULATIVE scope was last published.</summary>
    public bool Changed { get; set; }

    /// <summary>Sequence of the last traffic allocation published.</summary>
    public long AllocationSequence { get; set; }

    /// <summary>Since the start.</summary>
    public Tallies Cumulative { get; set; } = new();

    /// <summary>Open windows by start time.</summary>
    public SortedDictionary<long, Tallies> Windows { get; set; } = [];

    public static ExperimentState Start(long eventTimeMs, string basis) => new() { Basis = basis, StartMs = eventTimeMs, LastEventMs = eventTimeMs };

    /// <summary>
    /// What the tallies depend on: how the application counts (<see cref="CountingRules"/>), the
    /// kind and how outcomes become unit values.
    /// </summary>
    public static string BasisOf(ExperimentDefinition experiment) => $"{CountingRules}/{experiment.Kind}/{experiment.Metric.Type}/{experiment.Metric.Source}";
}

/// <summary>The counts of one scope (the whole experiment or one window), by variant.</summary>
internal sealed class Tallies
{
    /// <summary>AbTest, Canary, Bandit: per-unit moments by variant.</summary>
    public Dictionary<string, VariantTally> Variants { get; set; } = [];

    /// <summary>Shadow: paired comparisons by shadow variant.</summary>
    public Dictionary<string, ShadowTally> Shadows { get; set; } = [];

    /// <summary>Interleaving: credited impressions.</summary>
    public InterleavingCounts Interleaving { get; set; } = new();

    public VariantTally Variant(string name) => Variants.TryGetValue(name, out var tally) ? tally : Variants[name] = new VariantTally();

    public ShadowTally Shadow(string name) => Shadows.TryGetValue(name, out var tally) ? tally : Shadows[name] = new ShadowTally();
}

/// <summary>
/// Moments of one variant's per-unit metric (n, Σx, Σx²), kept exact under updates of a unit's
/// value, and the guardrail's error counts (per labeled prediction the variant served).
/// </summary>
internal sealed class VariantTally
{
    /// <summary>Distinct units counted in the variant: assigned to it (AbTest), served by it (Canary, Bandit).</summary>
    public long Units { get; set; }

    /// <summary>Σ of the units' values (converted units for a proportion).</summary>
    public double Sum { get; set; }

    /// <summary>Σ of the units' squared values.</summary>
    public double SumSquares { get; set; }

    /// <summary>Of those, units served by more than one variant.</summary>
    public long MultipleExposureUnits { get; set; }

    /// <summary>Labeled predictions the variant served, measured by an error-rate guardrail.</summary>
    public long GuardrailTrials { get; set; }

    /// <summary>Of which the decision was wrong.</summary>
    public long GuardrailErrors { get; set; }

    /// <summary>A unit's value went from <paramref name="old"/> to <paramref name="value"/>: the moments follow without revisiting the other units.</summary>
    public void Replace(double old, double value)
    {
        Sum += value - old;
        SumSquares += value * value - old * old;
    }

    /// <summary>The statistics of the primary metric.</summary>
    public VariantStatistics Statistics(MetricType type) => type == MetricType.Proportion
        ? VariantStatistics.FromConversions(Units, (long)Sum)
        : VariantStatistics.FromMoments(Units, Sum, Math.Max(0.0, SumSquares)); // increments can round a zero Σx² a hair below 0

    /// <summary>The error rate as a proportion over labeled predictions.</summary>
    public VariantStatistics ErrorRate() => VariantStatistics.FromConversions(GuardrailTrials, GuardrailErrors);
}

/// <summary>A shadow variant's comparisons with the served variant on the same predictions.</summary>
internal sealed class ShadowTally
{
    /// <summary>Predictions scored by both.</summary>
    public long Pairs { get; set; }

    /// <summary>Of which both decided alike.</summary>
    public long Agreements { get; set; }

    /// <summary>Pairs with a label.</summary>
    public long LabeledPairs { get; set; }

    /// <summary>Labeled pairs the served variant decided right.</summary>
    public long ControlCorrect { get; set; }

    /// <summary>Labeled pairs the shadow variant decided right.</summary>
    public long VariantCorrect { get; set; }

    /// <summary>Labeled pairs the two decided differently: exactly one of them right.</summary>
    public long LabeledDisagreements { get; set; }

    /// <summary>Σ log loss of the served variant over labeled pairs.</summary>
    public double ControlLogLoss { get; set; }

    /// <summary>Σ log loss of the shadow variant over labeled pairs.</summary>
    public double VariantLogLoss { get; set; }

    /// <summary>Shadow examples whose served example never came within the pairing timeout.</summary>
    public long Unpaired { get; set; }
}

/// <summary>Interleaving impressions by the team their clicks preferred.</summary>
internal sealed class InterleavingCounts
{
    public long AWins { get; set; }

    public long BWins { get; set; }

    public long Ties { get; set; }

    [JsonIgnore]
    public long Impressions => AWins + BWins + Ties;
}

/// <summary>One unit of an experiment (or of one window of it).</summary>
/// <param name="Arms">
/// The variants it counts in, in the order it joined them: for an AbTest only the first (intention
/// to treat), for a Canary or Bandit each that served it.
/// </param>
/// <param name="MultipleExposures">Served by more than one variant.</param>
internal sealed record UnitState(IReadOnlyList<UnitArm> Arms, bool MultipleExposures);

/// <summary>A unit's value in one variant it counts in.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Sum">Σ of the outcomes counted there.</param>
internal sealed record UnitArm(string Variant, double Sum);

/// <summary>The labeled examples of one prediction of a shadow experiment, until they are paired or time out.</summary>
/// <param name="Served">The served example, once it came.</param>
/// <param name="Waiting">Shadow examples that came before it.</param>
/// <param name="Paired">Shadow variants already paired (a second one is a duplicate).</param>
/// <param name="EventTimeMs">Prediction time, for the timeout.</param>
internal sealed record ShadowPending(ShadowObservation? Served, IReadOnlyList<ShadowObservation> Waiting, IReadOnlyList<string> Paired, long EventTimeMs);
