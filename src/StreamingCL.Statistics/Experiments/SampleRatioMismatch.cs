using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Statistics.Experiments;

/// <summary>Result of a sample ratio mismatch check.</summary>
/// <param name="ChiSquare">Pearson's statistic of observed against expected unit counts.</param>
/// <param name="DegreesOfFreedom">Number of variations minus one.</param>
/// <param name="PValue">P(χ² &gt;= statistic); 1 when no units were observed.</param>
/// <param name="HasEnoughUnits">Whether every variation with positive weight has the minimum number of units.</param>
/// <param name="IsMismatch">P-value below the threshold and enough units: the split is broken.</param>
public sealed record SampleRatioMismatchResult(double ChiSquare, int DegreesOfFreedom, double PValue, bool HasEnoughUnits, bool IsMismatch);

/// <summary>
/// Sample ratio mismatch: a chi-square goodness-of-fit test of the observed units per variation
/// against the configured traffic weights, as gbstats' check_srm.
/// </summary>
/// <remarks>
/// As in gbstats, variations with weight 0 add nothing to the statistic but still count in the
/// degrees of freedom (variations - 1), and no units at all gives p = 1. gbstats' check_srm
/// itself has no minimum sample rule; GrowthBook only reports a mismatch once every variation
/// has a few units (8 by default here), which <see cref="SampleRatioMismatchResult.HasEnoughUnits"/>
/// reflects: the p-value is always computed, the flag waits for the minimum.
/// </remarks>
public static class SampleRatioMismatch
{
    /// <summary>The default p-value below which the split is flagged (0.001).</summary>
    public const double DefaultThreshold = 0.001;

    /// <summary>The default minimum number of units per variation before flagging (8).</summary>
    public const int DefaultMinimumUnitsPerVariation = 8;

    /// <summary>Checks observed units against expected weights (any positive scale; they are normalised).</summary>
    public static SampleRatioMismatchResult Check(
        ReadOnlySpan<long> units,
        ReadOnlySpan<double> weights,
        double threshold = DefaultThreshold,
        int minimumUnitsPerVariation = DefaultMinimumUnitsPerVariation)
    {
        Validate(units, weights, threshold, minimumUnitsPerVariation);
        long total = 0;
        var totalWeight = 0.0;
        var enoughUnits = true;
        for (var i = 0; i < units.Length; i++)
        {
            total += units[i];
            totalWeight += weights[i];
            enoughUnits &= weights[i] == 0 || units[i] >= minimumUnitsPerVariation;
        }

        var degreesOfFreedom = units.Length - 1;
        if (total == 0)
        {
            return new SampleRatioMismatchResult(0.0, degreesOfFreedom, 1.0, enoughUnits, false);
        }

        var statistic = 0.0;
        for (var i = 0; i < units.Length; i++)
        {
            if (weights[i] > 0)
            {
                var expected = weights[i] / totalWeight * total;
                statistic += (units[i] - expected) * (units[i] - expected) / expected;
            }
        }

        var pValue = ChiSquare.Survival(statistic, degreesOfFreedom);
        return new SampleRatioMismatchResult(statistic, degreesOfFreedom, pValue, enoughUnits, enoughUnits && pValue < threshold);
    }

    private static void Validate(ReadOnlySpan<long> units, ReadOnlySpan<double> weights, double threshold, int minimumUnitsPerVariation)
    {
        if (units.Length != weights.Length)
        {
            throw new ArgumentException($"Got {units.Length} unit counts but {weights.Length} weights.", nameof(weights));
        }

        if (units.Length < 2)
        {
            throw new ArgumentException("A split needs at least two variations.", nameof(units));
        }

        var totalWeight = 0.0;
        for (var i = 0; i < units.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(units[i], nameof(units));
            if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
            {
                throw new ArgumentException($"Weight {i} must be finite and non-negative, got {weights[i]}.", nameof(weights));
            }

            totalWeight += weights[i];
        }

        if (totalWeight == 0)
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
        }

        Guard.OpenProbability(threshold);
        ArgumentOutOfRangeException.ThrowIfNegative(minimumUnitsPerVariation);
    }
}
