using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Statistics.Bandits;

/// <summary>
/// A multi-armed bandit policy: turns the statistics of each arm (variant, model version, policy
/// setting) into traffic weights.
/// </summary>
public interface IBanditPolicy
{
    /// <summary>
    /// Writes one weight per arm into <paramref name="weights"/> (same length as
    /// <paramref name="arms"/>): each at least the policy's minimum weight, summing to 1.
    /// </summary>
    void ComputeWeights(ReadOnlySpan<VariantStatistics> arms, Span<double> weights);
}

/// <summary>Checks and the minimum-weight floor shared by the policies.</summary>
internal static class BanditWeights
{
    /// <summary>GrowthBook's default: every arm keeps 1% of the traffic.</summary>
    internal const double DefaultMinimumWeight = 0.01;

    internal static void Validate(ReadOnlySpan<VariantStatistics> arms, Span<double> weights, double minimumWeight)
    {
        if (arms.IsEmpty)
        {
            throw new ArgumentException("A bandit needs at least one arm.", nameof(arms));
        }

        if (weights.Length != arms.Length)
        {
            throw new ArgumentException($"Got {arms.Length} arms but room for {weights.Length} weights.", nameof(weights));
        }

        if (minimumWeight * arms.Length > 1)
        {
            throw new ArgumentException($"A minimum weight of {minimumWeight} cannot be given to {arms.Length} arms.", nameof(arms));
        }
    }

    internal static void ValidateMinimumWeight(double minimumWeight)
    {
        if (!(minimumWeight >= 0 && minimumWeight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumWeight), minimumWeight, "The minimum weight must lie in [0, 1).");
        }
    }

    /// <summary>
    /// Turns policy probabilities p (summing to 1) into weights m + (1 - K m) p. Unlike gbstats'
    /// clip-then-renormalise, which can push a clipped arm back under the minimum, this keeps every
    /// weight at or above m and the total at exactly 1 while preserving the policy's ordering.
    /// </summary>
    internal static void ApplyFloor(Span<double> probabilities, double minimumWeight)
    {
        var share = 1.0 - probabilities.Length * minimumWeight;
        foreach (ref var p in probabilities)
        {
            p = minimumWeight + share * p;
        }
    }

    /// <summary>Spreads probability 1 evenly over the arms that maximise <paramref name="score"/>.</summary>
    internal static void SplitAmongBest(ReadOnlySpan<double> score, Span<double> probabilities)
    {
        var best = double.NegativeInfinity;
        foreach (var s in score)
        {
            best = Math.Max(best, s);
        }

        var ties = 0;
        foreach (var s in score)
        {
            ties += s == best ? 1 : 0;
        }

        for (var i = 0; i < score.Length; i++)
        {
            probabilities[i] = score[i] == best ? 1.0 / ties : 0.0;
        }
    }
}
