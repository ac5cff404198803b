using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Experiments;
using StreamingCL.Statistics.Interleaving;

namespace StreamingCL.Processors.Experiments;

/// <summary>The period an <see cref="ExperimentMetric"/> covers.</summary>
/// <param name="Scope">One window or the experiment so far.</param>
/// <param name="StartMs">Start (inclusive).</param>
/// <param name="EndMs">End (exclusive).</param>
internal readonly record struct Period(MetricScope Scope, long StartMs, long EndMs);

/// <summary>
/// Turns the tallies of one scope into ExperimentMetric records, with the statistics library.
/// <list type="bullet">
/// <item>AbTest, Canary, Bandit: one record per variant, the control included (with its own moments
/// and the SRM p-value). Its units are those the transformer counts in it: assigned to it (AbTest,
/// intention to treat) or served by it (Canary, Bandit; a unit served by two variants counts in
/// both). Against the control, on the per-unit metric: the absolute lift and CI with the Welch
/// test's p_value; the relative lift and CI (delta method); with a sequential test, the
/// always-valid sequential_p_value and CI (absolute); for proportions chance_to_beat_control
/// (Beta-Binomial; "beat" follows the metric's direction), when both variants have units. A
/// statistic that is undefined (no variance yet, a zero control mean for the relative lift) is left
/// out rather than published as NaN.</item>
/// <item>Verdicts use the sequential test when there is one (configured, or a Canary's default),
/// otherwise the fixed-horizon one (which then peeks at every emission: configure Sequential for
/// decisions). Canary: ROLLBACK when the guardrail is significantly worse (p &lt; alpha in the worse
/// direction); PROMOTE when the confidence bound on the worse side lies within the non-inferiority
/// margin; else CONTINUE. AbTest: PROMOTE on a significant win of the primary metric, else CONTINUE.
/// Bandit: CONTINUE (its policy acts through the allocations).</item>
/// <item>Decisions come from the CUMULATIVE scope only: WINDOW records carry the statistics and
/// CONTINUE (a verdict per window would be one more look at the data per window).</item>
/// <item>SRM, when the split is broken (p &lt; 0.001 with at least 8 units per variant, as GrowthBook):
/// every record of the experiment, in both scopes, says SRM instead of its verdict, except a
/// ROLLBACK, which stands: a crashing canary breaks its own split and must still be rolled back, while
/// no promotion can be trusted. The split compares the variants' units as above; a Canary is checked
/// only against configured weights (a ramp changes its split), a Bandit never.</item>
/// <item>Shadow: one record per shadow variant against the served one: agreement_rate of the
/// decisions on paired predictions and, over labeled pairs, accuracy and log loss of both and their
/// deltas (shadow minus served). Units are pairs; metric_sum counts agreements. With a guardrail
/// (a rollout's shadow), the verdict judges the difference of the error rates on the labeled pairs
/// as a canary's (ROLLBACK when the shadow is significantly worse, PROMOTE when non-inferior), by
/// a paired test: only the pairs where exactly one decided right carry information, and the
/// shared ones cancel out, so it needs far fewer pairs than comparing two independent rates.</item>
/// <item>Interleaving: one record for the challenger team against the control team: wins, losses,
/// ties and the sign test's p_value. Units are impressions; metric_sum counts wins.</item>
/// </list>
/// </summary>
internal static class ExperimentAnalysis
{
    public static IEnumerable<ExperimentMetric> Metrics(ExperimentDefinition experiment, Tallies tallies, Period period) => experiment.Kind switch
    {
        ExperimentKind.Shadow => Shadow(experiment, tallies, period),
        ExperimentKind.Interleaving => Interleaving(experiment, tallies, period),
        _ => Variants(experiment, tallies, period),
    };

    private static IEnumerable<ExperimentMetric> Variants(ExperimentDefinition experiment, Tallies tallies, Period period)
    {
        var type = experiment.Metric.Type;
        var variants = experiment.Variants.Select(variant => tallies.Variants.GetValueOrDefault(variant) ?? new VariantTally()).ToList();
        var controlIndex = experiment.Variants.IndexOf(experiment.Control);
        var control = variants[controlIndex];
        var srm = SampleRatio(experiment, variants);
        for (var i = 0; i < variants.Count; i++)
        {
            var variant = variants[i];
            var statistics = new Dictionary<string, double> { ["multiple_exposure_units"] = variant.MultipleExposureUnits };
            if (variant.Units > 0)
            {
                statistics["mean"] = variant.Statistics(type).Mean;
            }

            if (experiment.Guardrail?.Metric == GuardrailMetric.ErrorRate && variant.GuardrailTrials > 0)
            {
                statistics["guardrail_mean"] = variant.ErrorRate().Mean;
            }

            if (srm is not null)
            {
                statistics["srm_p_value"] = srm.PValue;
            }

            var verdict = i == controlIndex ? ExperimentVerdict.Continue : Compare(experiment, control, variant, statistics);
            yield return Metric(
                experiment,
                experiment.Variants[i],
                period,
                variant.Units,
                variant.Sum,
                variant.SumSquares,
                statistics,
                Published(period.Scope, verdict, srm?.IsMismatch == true));
        }
    }

    private static ExperimentVerdict Published(MetricScope scope, ExperimentVerdict verdict, bool splitBroken)
    {
        var decision = scope == MetricScope.Cumulative ? verdict : ExperimentVerdict.Continue;
        return splitBroken && decision != ExperimentVerdict.Rollback ? ExperimentVerdict.Srm : decision;
    }

    private static ExperimentVerdict Compare(ExperimentDefinition experiment, VariantTally control, VariantTally treatment, Dictionary<string, double> statistics)
    {
        var type = experiment.Metric.Type;
        var options = Options(experiment);
        VariantStatistics a = control.Statistics(type), b = treatment.Statistics(type);
        var absolute = FrequentistTest.TwoSided(a, b, options);
        Add(statistics, "absolute_lift", "absolute_ci_low", "absolute_ci_high", "p_value", absolute);
        var relative = FrequentistTest.TwoSided(a, b, options with { DifferenceType = DifferenceType.Relative });
        Add(statistics, "relative_lift", "relative_ci_low", "relative_ci_high", "relative_p_value", relative);
        var decision = absolute;
        if (experiment.EffectiveSequential is not null)
        {
            decision = FrequentistTest.Sequential(a, b, options);
            Add(statistics, null, "sequential_ci_low", "sequential_ci_high", "sequential_p_value", decision);
        }

        if (type == MetricType.Proportion && control.Units > 0 && treatment.Units > 0)
        {
            var chance = BayesianProportionTest.Compare(a, b).ChanceToBeatControl;
            statistics["chance_to_beat_control"] = experiment.Metric.HigherIsBetter ? chance : 1 - chance;
        }

        return experiment.Kind switch
        {
            ExperimentKind.Canary => Guardrail(experiment, control, treatment, options, statistics),
            ExperimentKind.AbTest when Significant(decision, experiment.Alpha) && (decision.Estimate > 0) == experiment.Metric.HigherIsBetter => ExperimentVerdict.Promote,
            _ => ExperimentVerdict.Continue,
        };
    }

    private static FrequentistOptions Options(ExperimentDefinition experiment) => new()
    {
        Alpha = experiment.Alpha,
        DifferenceType = DifferenceType.Absolute,
        SequentialTuningParameter = experiment.EffectiveSequential?.TuningParameter ?? FrequentistOptions.Default.SequentialTuningParameter,
    };

    /// <summary>
    /// The shadow's error minus the served one's, per labeled pair: +1 where only the served
    /// decision was right, -1 where only the shadow's was, 0 elsewhere. Half a pair is added to
    /// each cell of the 2 x 2 table (Agresti and Min, 2005), so the interval stays defined, and
    /// conservative, when the two never disagree.
    /// </summary>
    private static ExperimentVerdict ShadowGuardrail(ExperimentDefinition experiment, ShadowTally tally, Dictionary<string, double> statistics)
    {
        var differences = VariantStatistics.FromMoments(tally.LabeledPairs + 2, tally.ControlCorrect - tally.VariantCorrect, tally.LabeledDisagreements + 1);
        var options = Options(experiment);
        var test = experiment.EffectiveSequential is null ? FrequentistTest.PairedTwoSided(differences, options) : FrequentistTest.PairedSequential(differences, options);
        return Judge(experiment, test, higherIsBetter: false, statistics);
    }

    private static ExperimentVerdict Guardrail(ExperimentDefinition experiment, VariantTally control, VariantTally canary, FrequentistOptions options, Dictionary<string, double> statistics)
    {
        var guardrail = experiment.Guardrail!;
        var (a, b, higherIsBetter) = guardrail.Metric == GuardrailMetric.ErrorRate
            ? (AgrestiCaffo(control.ErrorRate()), AgrestiCaffo(canary.ErrorRate()), false)
            : (control.Statistics(experiment.Metric.Type), canary.Statistics(experiment.Metric.Type), experiment.Metric.HigherIsBetter);
        var test = experiment.EffectiveSequential is null ? FrequentistTest.TwoSided(a, b, options) : FrequentistTest.Sequential(a, b, options);
        return Judge(experiment, test, higherIsBetter, statistics);
    }

    // ROLLBACK when the guarded side is significantly worse, PROMOTE when the bound on its worse side is within the margin.
    private static ExperimentVerdict Judge(ExperimentDefinition experiment, EffectEstimate test, bool higherIsBetter, Dictionary<string, double> statistics)
    {
        var guardrail = experiment.Guardrail!;
        Add(statistics, "guardrail_lift", "guardrail_ci_low", "guardrail_ci_high", "guardrail_p_value", test);
        if (!test.IsDefined)
        {
            return ExperimentVerdict.Continue;
        }

        var worse = higherIsBetter ? test.Estimate < 0 : test.Estimate > 0;
        if (worse && Significant(test, experiment.Alpha))
        {
            return ExperimentVerdict.Rollback;
        }

        var nonInferior = higherIsBetter ? test.LowerBound > -guardrail.NonInferiorityMargin : test.UpperBound < guardrail.NonInferiorityMargin;
        return nonInferior ? ExperimentVerdict.Promote : ExperimentVerdict.Continue;
    }

    /// <summary>
    /// One error and one success added to an error rate (Agresti and Caffo, 2000): the interval of a
    /// difference of proportions stays defined, and conservative, when an arm's rate is 0 or 1 (no
    /// variance). Without it a canary that fails every request could never be rolled back.
    /// </summary>
    private static VariantStatistics AgrestiCaffo(VariantStatistics rate) => VariantStatistics.FromConversions(rate.Count + 2, (long)rate.Sum + 1);

    // AbTest expects the configured split or an even one; a canary's ramp and a bandit's policy
    // change theirs, so they are checked only against configured weights (and a bandit has none).
    private static SampleRatioMismatchResult? SampleRatio(ExperimentDefinition experiment, List<VariantTally> variants)
    {
        var weights = experiment.Weights?.ToArray()
            ?? (experiment.Kind == ExperimentKind.AbTest ? Enumerable.Repeat(1.0, variants.Count).ToArray() : null);
        return weights is null ? null : SampleRatioMismatch.Check(variants.Select(variant => variant.Units).ToArray(), weights);
    }

    private static IEnumerable<ExperimentMetric> Shadow(ExperimentDefinition experiment, Tallies tallies, Period period)
    {
        foreach (var (variant, tally) in tallies.Shadows.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var statistics = new Dictionary<string, double> { ["unpaired"] = tally.Unpaired };
            if (tally.Pairs > 0)
            {
                statistics["agreement_rate"] = (double)tally.Agreements / tally.Pairs;
            }

            if (tally.LabeledPairs > 0)
            {
                double n = tally.LabeledPairs;
                statistics["labeled_pairs"] = n;
                statistics["accuracy_control"] = tally.ControlCorrect / n;
                statistics["accuracy_variant"] = tally.VariantCorrect / n;
                statistics["accuracy_delta"] = (tally.VariantCorrect - tally.ControlCorrect) / n;
                statistics["log_loss_control"] = tally.ControlLogLoss / n;
                statistics["log_loss_variant"] = tally.VariantLogLoss / n;
                statistics["log_loss_delta"] = (tally.VariantLogLoss - tally.ControlLogLoss) / n;
            }

            var verdict = experiment.Guardrail is not null && tally.LabeledPairs > 0 ? ShadowGuardrail(experiment, tally, statistics) : ExperimentVerdict.Continue;
            yield return Metric(experiment, variant, period, tally.Pairs, tally.Agreements, tally.Agreements, statistics, Published(period.Scope, verdict, splitBroken: false));
        }
    }

    private static IEnumerable<ExperimentMetric> Interleaving(ExperimentDefinition experiment, Tallies tallies, Period period)
    {
        var counts = tallies.Interleaving;
        if (counts.Impressions == 0)
        {
            yield break;
        }

        var controlIsA = experiment.Control == "A";
        var (wins, losses) = controlIsA ? (counts.BWins, counts.AWins) : (counts.AWins, counts.BWins);
        var statistics = new Dictionary<string, double>
        {
            ["wins"] = wins,
            ["losses"] = losses,
            ["ties"] = counts.Ties,
            ["p_value"] = new InterleavingTally(counts.AWins, counts.BWins, counts.Ties).PValue,
        };
        yield return Metric(experiment, controlIsA ? "B" : "A", period, counts.Impressions, wins, wins, statistics, ExperimentVerdict.Continue);
    }

    private static bool Significant(EffectEstimate test, double alpha) => test.IsDefined && test.PValue < alpha;

    private static void Add(Dictionary<string, double> statistics, string? lift, string low, string high, string pValue, EffectEstimate estimate)
    {
        if (!estimate.IsDefined)
        {
            return;
        }

        if (lift is not null)
        {
            statistics[lift] = estimate.Estimate;
        }

        statistics[low] = estimate.LowerBound;
        statistics[high] = estimate.UpperBound;
        statistics[pValue] = estimate.PValue;
    }

    private static ExperimentMetric Metric(
        ExperimentDefinition experiment,
        string variant,
        Period period,
        long units,
        double sum,
        double sumSquares,
        IReadOnlyDictionary<string, double> statistics,
        ExperimentVerdict verdict) => new()
        {
            ExperimentId = experiment.Id,
            Variant = variant,
            ControlVariant = experiment.Control,
            Kind = experiment.Kind,
            Scope = period.Scope,
            WindowStart = DateTimeOffset.FromUnixTimeMilliseconds(period.StartMs),
            WindowEnd = DateTimeOffset.FromUnixTimeMilliseconds(period.EndMs),
            Units = units,
            MetricSum = sum,
            MetricSumSquares = sumSquares,
            Statistics = statistics,
            Verdict = verdict,
        };
}
