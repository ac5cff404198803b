using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Bandits;

namespace StreamingCL.Processors.Experiments;

/// <summary>
/// The traffic allocations of one bandit experiment: its policy (from the statistics library, with
/// the minimum weight per arm) applied to the arms' cumulative per-unit statistics, each arm's over
/// the units it served and their outcomes there (see <see cref="ExperimentTransformer"/>).
/// </summary>
internal sealed class BanditAllocator(ExperimentDefinition experiment)
{
    private readonly IBanditPolicy _policy = Policy(experiment);

    /// <summary>The configured policy; throws <see cref="ArgumentException"/> for invalid parameters.</summary>
    public static IBanditPolicy Policy(ExperimentDefinition experiment)
    {
        var bandit = experiment.Bandit ?? throw new ArgumentException($"Experiment '{experiment.Id}' has no bandit policy.", nameof(experiment));
        return bandit.Policy switch
        {
            BanditPolicyKind.Thompson => new ThompsonSampling(new ThompsonSamplingOptions
            {
                Reward = experiment.Metric.Type == MetricType.Proportion ? ThompsonReward.Bernoulli : ThompsonReward.Gaussian,
                Draws = bandit.Draws,
                MinimumWeight = bandit.MinimumWeight,
                MinimumObservationsPerArm = bandit.MinimumUnitsPerArm,
                Seed = bandit.Seed,
            }),
            BanditPolicyKind.Ucb1 => new Ucb1(bandit.MinimumWeight),
            BanditPolicyKind.EpsilonGreedy => new EpsilonGreedy(bandit.Epsilon, bandit.MinimumWeight),
            _ => throw new ArgumentException($"Unknown bandit policy {bandit.Policy}.", nameof(experiment)),
        };
    }

    /// <summary>
    /// The next allocation. Its sequence is the decision's wall-clock time in ms (or the previous
    /// sequence + 1 if the clock did not move on), so it keeps increasing even when the experiment's
    /// state was dropped and rebuilt, and serving apps never mistake a new allocation for an old one.
    /// </summary>
    public TrafficAllocation Allocate(ExperimentState state, long nowMs)
    {
        var arms = experiment.Variants.Select(variant => state.Cumulative.Variants.GetValueOrDefault(variant) ?? new VariantTally()).ToList();
        var weights = new double[arms.Count];
        _policy.ComputeWeights(arms.Select(arm => arm.Statistics(experiment.Metric.Type)).ToArray(), weights);
        state.AllocationSequence = Math.Max(nowMs, state.AllocationSequence + 1);
        return new TrafficAllocation
        {
            Target = experiment.Id,
            Kind = AllocationKind.Bandit,
            Salt = experiment.Salt ?? experiment.Id,
            Sequence = state.AllocationSequence,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(nowMs),
            Arms = experiment.Variants.Select((variant, i) => new ArmWeight(variant, weights[i])).ToList(),
            Reason = $"{experiment.Bandit!.Policy} reallocation from the units each arm served ({string.Join(", ", experiment.Variants.Select((variant, i) => $"{variant}: {arms[i].Units}"))}).",
        };
    }
}
