using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Statistics.Bandits;

/// <summary>The reward model of Thompson sampling.</summary>
public enum ThompsonReward
{
    /// <summary>0/1 rewards: Beta(1 + successes, 1 + failures) posteriors (arms from <see cref="VariantStatistics.FromConversions"/>).</summary>
    Bernoulli = 0,

    /// <summary>Continuous rewards: Normal(mean, variance / n) posteriors, gbstats' flat-prior Gaussian model.</summary>
    Gaussian = 1,
}

/// <summary>Settings of <see cref="ThompsonSampling"/>.</summary>
public sealed record ThompsonSamplingOptions
{
    /// <summary>The reward model (default Bernoulli).</summary>
    public ThompsonReward Reward { get; init; } = ThompsonReward.Bernoulli;

    /// <summary>
    /// Monte Carlo draws of every arm's posterior per weight computation (default 64). The weights
    /// are unbiased estimates of the Thompson probabilities with standard error at most
    /// 0.5 / sqrt(draws) (0.06 for 64 draws): enough for weights recomputed as statistics stream
    /// in, and cheap (~1-2 µs for 10 arms). Raise it (GrowthBook uses 10 000) when weights are
    /// computed rarely and must be stable.
    /// </summary>
    public int Draws { get; init; } = 64;

    /// <summary>
    /// Top-two Thompson sampling (default true, as GrowthBook): an arm's probability is the share
    /// of draws where it is the best or the second best, which keeps exploring the runner-up.
    /// </summary>
    public bool TopTwo { get; init; } = true;

    /// <summary>The minimum weight of every arm (default 0.01, as GrowthBook).</summary>
    public double MinimumWeight { get; init; } = BanditWeights.DefaultMinimumWeight;

    /// <summary>Observations every arm needs before reweighting; until then the weights are uniform (default 100).</summary>
    public long MinimumObservationsPerArm { get; init; } = 100;

    /// <summary>Seed of the generator; null seeds from the system's randomness.</summary>
    public ulong? Seed { get; init; }
}

/// <summary>
/// Thompson sampling traffic weights, following GrowthBook's bandits (gbstats/bayesian/bandits.py):
/// Monte Carlo draws from each arm's posterior, top-two counting, a 1% floor and a burn-in.
/// Deviations: the floor is applied as a mixture so weights never fall below it after
/// renormalising; the burn-in asks 100 observations of every arm rather than 100 × arms in total
/// (the same under the uniform initial split, and every posterior is then proper); Beta-Bernoulli
/// posteriors are offered next to gbstats' Gaussian ones. Allocation-free for up to 64 arms.
/// Not thread-safe: the generator's state advances with every call.
/// </summary>
public sealed class ThompsonSampling : IBanditPolicy
{
    private const int MaxStackArms = 64;

    private readonly ThompsonSamplingOptions _options;
    private readonly RandomSource _random;

    /// <summary>Creates the policy, validating its settings.</summary>
    public ThompsonSampling(ThompsonSamplingOptions? options = null)
    {
        _options = options ?? new ThompsonSamplingOptions();
        if (!Enum.IsDefined(_options.Reward))
        {
            throw new ArgumentException($"Unknown reward model {_options.Reward}.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Draws, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MinimumObservationsPerArm, nameof(options));
        BanditWeights.ValidateMinimumWeight(_options.MinimumWeight);
        _random = new RandomSource(_options.Seed ?? (ulong)Random.Shared.NextInt64());
    }

    /// <inheritdoc/>
    public void ComputeWeights(ReadOnlySpan<VariantStatistics> arms, Span<double> weights)
    {
        BanditWeights.Validate(arms, weights, _options.MinimumWeight);
        var burnIn = false;
        foreach (var arm in arms)
        {
            if (_options.Reward == ThompsonReward.Bernoulli && !arm.IsProportion)
            {
                throw new ArgumentException("Bernoulli Thompson sampling needs conversion statistics (VariantStatistics.FromConversions).", nameof(arms));
            }

            burnIn |= arm.Count < _options.MinimumObservationsPerArm;
        }

        if (burnIn || arms.Length == 1)
        {
            weights.Fill(1.0 / arms.Length);
            return;
        }

        // Two parameters per arm: the gamma (d, c) of α and of β, or the posterior mean and sd.
        var parameters = arms.Length <= MaxStackArms ? stackalloc double[4 * arms.Length] : new double[4 * arms.Length];
        Prepare(arms, parameters);
        CountWins(arms.Length, parameters, weights);
        BanditWeights.ApplyFloor(weights, _options.MinimumWeight);
    }

    private void Prepare(ReadOnlySpan<VariantStatistics> arms, Span<double> parameters)
    {
        for (var i = 0; i < arms.Length; i++)
        {
            var arm = arms[i];
            if (_options.Reward == ThompsonReward.Bernoulli)
            {
                (parameters[4 * i], parameters[4 * i + 1]) = RandomSource.GammaParameters(1 + arm.Sum);
                (parameters[4 * i + 2], parameters[4 * i + 3]) = RandomSource.GammaParameters(1 + arm.Count - arm.Sum);
            }
            else
            {
                parameters[4 * i] = arm.Mean;
                parameters[4 * i + 1] = Math.Sqrt(arm.Variance / arm.Count);
            }
        }
    }

    // Counts, per arm, the draws in which it is best (and second best for top-two), then normalises.
    private void CountWins(int armCount, ReadOnlySpan<double> parameters, Span<double> weights)
    {
        weights.Clear();
        var bernoulli = _options.Reward == ThompsonReward.Bernoulli;
        for (var draw = 0; draw < _options.Draws; draw++)
        {
            double best = double.NegativeInfinity, second = double.NegativeInfinity;
            int bestArm = 0, secondArm = 0;
            for (var i = 0; i < armCount; i++)
            {
                var p = parameters.Slice(4 * i, 4);
                double sample;
                if (bernoulli)
                {
                    var x = _random.NextGamma(p[0], p[1]);
                    sample = x / (x + _random.NextGamma(p[2], p[3]));
                }
                else
                {
                    sample = p[0] + p[1] * _random.NextNormal();
                }

                if (sample > best)
                {
                    (second, secondArm) = (best, bestArm);
                    (best, bestArm) = (sample, i);
                }
                else if (sample > second)
                {
                    (second, secondArm) = (sample, i);
                }
            }

            weights[bestArm] += 1;
            if (_options.TopTwo)
            {
                weights[secondArm] += 1;
            }
        }

        var total = _options.Draws * (_options.TopTwo ? 2.0 : 1.0);
        foreach (ref var w in weights)
        {
            w /= total;
        }
    }
}
