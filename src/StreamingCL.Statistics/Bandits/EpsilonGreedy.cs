using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Statistics.Bandits;

/// <summary>
/// Epsilon-greedy: a share ε of the traffic is spread evenly over all arms, the rest goes to the
/// arm(s) with the highest mean; the minimum weight is then applied on top. Deterministic and
/// allocation-free for up to 64 arms.
/// </summary>
public sealed class EpsilonGreedy : IBanditPolicy
{
    private const int MaxStackArms = 64;
    private readonly double _epsilon;
    private readonly double _minimumWeight;

    /// <summary>Creates the policy with exploration share ε (default 0.1) and a minimum weight per arm (default 0.01).</summary>
    public EpsilonGreedy(double epsilon = 0.1, double minimumWeight = BanditWeights.DefaultMinimumWeight)
    {
        Guard.Probability(epsilon);
        BanditWeights.ValidateMinimumWeight(minimumWeight);
        _epsilon = epsilon;
        _minimumWeight = minimumWeight;
    }

    /// <inheritdoc/>
    public void ComputeWeights(ReadOnlySpan<VariantStatistics> arms, Span<double> weights)
    {
        BanditWeights.Validate(arms, weights, _minimumWeight);
        var means = arms.Length <= MaxStackArms ? stackalloc double[arms.Length] : new double[arms.Length];
        for (var i = 0; i < arms.Length; i++)
        {
            means[i] = arms[i].Mean;
        }

        BanditWeights.SplitAmongBest(means, weights);
        foreach (ref var w in weights)
        {
            w = _epsilon / arms.Length + (1 - _epsilon) * w;
        }

        BanditWeights.ApplyFloor(weights, _minimumWeight);
    }
}
