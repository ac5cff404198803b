using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Statistics.Bandits;

/// <summary>
/// UCB1 (Auer, Cesa-Bianchi and Fischer, 2002): all traffic but the floor goes to the arm with the
/// highest mean + sqrt(2 ln N / n_i), arms never played first; ties share it. The bound assumes
/// rewards in [0, 1]. Deterministic and allocation-free for up to 64 arms.
/// </summary>
public sealed class Ucb1 : IBanditPolicy
{
    private const int MaxStackArms = 64;
    private readonly double _minimumWeight;

    /// <summary>Creates the policy with a minimum weight per arm (default 0.01).</summary>
    public Ucb1(double minimumWeight = BanditWeights.DefaultMinimumWeight)
    {
        BanditWeights.ValidateMinimumWeight(minimumWeight);
        _minimumWeight = minimumWeight;
    }

    /// <inheritdoc/>
    public void ComputeWeights(ReadOnlySpan<VariantStatistics> arms, Span<double> weights)
    {
        BanditWeights.Validate(arms, weights, _minimumWeight);
        long total = 0;
        foreach (var arm in arms)
        {
            total += arm.Count;
        }

        var scores = arms.Length <= MaxStackArms ? stackalloc double[arms.Length] : new double[arms.Length];
        var logTotal = Math.Log(Math.Max(total, 1));
        for (var i = 0; i < arms.Length; i++)
        {
            scores[i] = arms[i].Count == 0 ? double.PositiveInfinity : arms[i].Mean + Math.Sqrt(2 * logTotal / arms[i].Count);
        }

        BanditWeights.SplitAmongBest(scores, weights);
        BanditWeights.ApplyFloor(weights, _minimumWeight);
    }
}
