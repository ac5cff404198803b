using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors.Experiments;

/// <summary>One online experiment the application analyses: an item of "Processors:Experiments:Experiments".</summary>
public sealed class ExperimentDefinition
{
    /// <summary>The experiment_id that predictions and labeled examples carry.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>AbTest, Canary, Shadow, Interleaving or Bandit.</summary>
    public ExperimentKind Kind { get; set; } = ExperimentKind.AbTest;

    /// <summary>
    /// The variant the others are compared with: a member of <see cref="Variants"/>; for Shadow the
    /// served variant; for Interleaving the team of the control ranker, A or B.
    /// </summary>
    public string Control { get; set; } = string.Empty;

    /// <summary>Every variant (arm) including the control; AbTest, Canary and Bandit only.</summary>
    public List<string> Variants { get; set; } = [];

    /// <summary>
    /// Expected traffic share of each variant, in <see cref="Variants"/> order, for the sample ratio
    /// mismatch check. AbTest without weights expects an equal split; Canary is checked only with
    /// weights (a ramp changes them); Bandit is never checked (its policy changes them).
    /// </summary>
    public List<double>? Weights { get; set; }

    /// <summary>The primary metric.</summary>
    public MetricDefinition Metric { get; set; } = new();

    /// <summary>Significance level of the tests and verdicts (default 0.05).</summary>
    public double Alpha { get; set; } = 0.05;

    /// <summary>
    /// When set, the always-valid sequential test is reported and verdicts are taken from it, so
    /// they stay valid although they are re-evaluated at every emission. A Canary (or a Shadow
    /// with a guardrail) without it gets the default one (N* = 5000): its verdicts are acted on at
    /// every emission. An AbTest without it uses the fixed-horizon test, valid only when read once,
    /// at the planned sample size.
    /// </summary>
    public SequentialDefinition? Sequential { get; set; }

    /// <summary>
    /// The guardrail of a Canary (required), or of a Shadow (optional; error rate only: a shadow
    /// serves nothing, so only its decisions can be judged). Refused for the other kinds.
    /// </summary>
    public GuardrailDefinition? Guardrail { get; set; }

    /// <summary>The allocation policy of a Bandit (required for Bandit, refused otherwise).</summary>
    public BanditDefinition? Bandit { get; set; }

    /// <summary>Salt of the unit_id hash written into the bandit's traffic allocations (default: the experiment id).</summary>
    public string? Salt { get; set; }

    /// <summary>
    /// The sequential test the verdicts come from: <see cref="Sequential"/>, or the default one for
    /// an experiment with a guardrail (its verdicts are acted on at every emission); null for the
    /// fixed-horizon test.
    /// </summary>
    internal SequentialDefinition? EffectiveSequential => Sequential ?? (Guardrail is not null ? new SequentialDefinition() : null);
}

/// <summary>How an outcome becomes the per-unit metric.</summary>
public sealed class MetricDefinition
{
    /// <summary>Proportion (default): a unit converts when one of its outcomes is positive. Mean: a unit's value is the sum of its outcomes.</summary>
    public MetricType Type { get; set; } = MetricType.Proportion;

    /// <summary>The outcome read from a labeled example: its label (default) or its reward.</summary>
    public OutcomeSource Source { get; set; } = OutcomeSource.Label;

    /// <summary>Whether a larger value is better (default true): sets what a win, a loss and the chance to beat control mean.</summary>
    public bool HigherIsBetter { get; set; } = true;
}

/// <summary>Kind of per-unit metric.</summary>
public enum MetricType
{
    /// <summary>0/1 per unit: converted at least once (label 1, reward &gt; 0).</summary>
    Proportion,

    /// <summary>The sum of the unit's outcomes.</summary>
    Mean,
}

/// <summary>Field of a labeled example that holds the outcome.</summary>
public enum OutcomeSource
{
    /// <summary>The label.</summary>
    Label,

    /// <summary>The reward.</summary>
    Reward,
}

/// <summary>Tuning of the always-valid sequential test.</summary>
public sealed class SequentialDefinition
{
    /// <summary>Total units N* around which the confidence sequence is tightest (default 5000, as GrowthBook).</summary>
    public double TuningParameter { get; set; } = 5000;
}

/// <summary>What a canary must not make worse.</summary>
public sealed class GuardrailDefinition
{
    /// <summary>ErrorRate (default): the share of labeled predictions whose decision was wrong. Primary: the primary metric.</summary>
    public GuardrailMetric Metric { get; set; } = GuardrailMetric.ErrorRate;

    /// <summary>
    /// How much worse than the control the canary may be, in the metric's own units (absolute; 0.01
    /// on an error rate is one percentage point). Promote once the confidence bound on the worse
    /// side lies within it.
    /// </summary>
    public double NonInferiorityMargin { get; set; } = 0.01;
}

/// <summary>How the registry's canary rollouts are analysed (see <see cref="ExperimentOptions.Rollouts"/>).</summary>
public sealed class RolloutTemplate
{
    /// <summary>Prefix of rollout experiment ids; the registry's Registry:ExperimentPrefix must be the same.</summary>
    public string Prefix { get; set; } = "rollout:";

    /// <summary>The canary's guardrail (default: error rate, one percentage point of margin).</summary>
    public GuardrailDefinition Guardrail { get; set; } = new();

    /// <summary>The primary metric reported alongside the guardrail.</summary>
    public MetricDefinition Metric { get; set; } = new();

    /// <summary>Significance level (default 0.05).</summary>
    public double Alpha { get; set; } = 0.05;

    /// <summary>The sequential test the verdicts come from (default N* = 5000).</summary>
    public SequentialDefinition Sequential { get; set; } = new();

    /// <summary>
    /// The experiment of one rollout: for a canary, a Canary of variant "canary" against
    /// "production" with <see cref="Guardrail"/>; for a shadow, a Shadow paired with production
    /// whose guardrail is the error rate (a shadow serves nothing: only its decisions can be
    /// judged), with <see cref="Guardrail"/>'s margin when that is an error rate too, else the
    /// default one (a margin in the primary metric's units would mean nothing here).
    /// </summary>
    public ExperimentDefinition Definition(RolloutExperiment rollout) => new()
    {
        Id = rollout.Id(Prefix),
        Kind = rollout.Shadow ? ExperimentKind.Shadow : ExperimentKind.Canary,
        Control = "production",
        Variants = rollout.Shadow ? [] : ["production", "canary"],
        Metric = Metric,
        Alpha = Alpha,
        Sequential = Sequential,
        Guardrail = rollout.Shadow ? ShadowGuardrail : Guardrail,
    };

    private GuardrailDefinition ShadowGuardrail => Guardrail.Metric == GuardrailMetric.ErrorRate ? Guardrail : new GuardrailDefinition();
}

/// <summary>Guardrail metric of a canary.</summary>
public enum GuardrailMetric
{
    /// <summary>Share of labeled predictions whose decision (score at the decision threshold) differs from the 0/1 label; lower is better.</summary>
    ErrorRate,

    /// <summary>The primary metric, in its own direction.</summary>
    Primary,
}

/// <summary>How a bandit reallocates traffic.</summary>
public sealed class BanditDefinition
{
    /// <summary>Thompson (default), Ucb1 or EpsilonGreedy.</summary>
    public BanditPolicyKind Policy { get; set; } = BanditPolicyKind.Thompson;

    /// <summary>Wall-clock time between two published allocations (default 10 minutes).</summary>
    public TimeSpan ReallocationInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Smallest share any arm keeps (default 0.01, as GrowthBook).</summary>
    public double MinimumWeight { get; set; } = 0.01;

    /// <summary>EpsilonGreedy: share of traffic spread evenly over the arms (default 0.1).</summary>
    public double Epsilon { get; set; } = 0.1;

    /// <summary>Thompson: posterior draws per allocation (default 10 000, as GrowthBook: allocations are rare and should be stable).</summary>
    public int Draws { get; set; } = 10_000;

    /// <summary>Thompson: units every arm needs before reweighting; until then the split is even (default 100).</summary>
    public long MinimumUnitsPerArm { get; set; } = 100;

    /// <summary>Thompson: seed of the draws; unset seeds from the system.</summary>
    public ulong? Seed { get; set; }
}

/// <summary>Bandit policy of the statistics library.</summary>
public enum BanditPolicyKind
{
    /// <summary>Top-two Thompson sampling: Beta-Bernoulli posteriors for proportions, Gaussian for means.</summary>
    Thompson,

    /// <summary>UCB1 (its bound assumes outcomes in [0, 1]).</summary>
    Ucb1,

    /// <summary>Epsilon-greedy.</summary>
    EpsilonGreedy,
}
