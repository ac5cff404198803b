using CsCheck;
using StreamingCL.Statistics.Bandits;
using StreamingCL.Statistics.Distributions;
using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Statistics.Tests.Bandits;

/// <summary>Traffic weights of the bandit policies: laws, closed forms and worked examples.</summary>
public sealed class BanditPolicyTests
{
    private static readonly Gen<VariantStatistics[]> ConversionArms =
        Gen.Select(Gen.Int[0, 5000], Gen.Double[0, 1]).Select((n, rate) => VariantStatistics.FromConversions(n, (long)Math.Floor(n * rate))).Array[1, 12];

    [Fact]
    public void Every_policy_gives_weights_that_sum_to_one_and_respect_the_minimum() =>
        Gen.Select(ConversionArms, Gen.Double[0, 0.99], Gen.Int[0, 3], Gen.ULong).Sample((arms, floorFraction, policyIndex, seed) =>
        {
            var minimum = floorFraction / arms.Length;
            IBanditPolicy policy = policyIndex switch
            {
                0 => new ThompsonSampling(new ThompsonSamplingOptions { MinimumWeight = minimum, Seed = seed, MinimumObservationsPerArm = 10 }),
                1 => new ThompsonSampling(new ThompsonSamplingOptions { MinimumWeight = minimum, Seed = seed, Reward = ThompsonReward.Gaussian, TopTwo = false }),
                2 => new Ucb1(minimum),
                _ => new EpsilonGreedy(0.2, minimum),
            };
            var weights = new double[arms.Length];
            policy.ComputeWeights(arms, weights);

            Close.To(1.0, weights.Sum(), 0, 1e-12, "sum of weights");
            Assert.All(weights, w => Assert.True(w >= minimum - 1e-15, $"weight {w} below the minimum {minimum}"));
        }, iter: 300);

    [Fact]
    public void Bernoulli_thompson_weights_converge_to_the_exact_chance_of_being_best()
    {
        var a = VariantStatistics.FromConversions(400, 40);
        var b = VariantStatistics.FromConversions(380, 45);
        const int draws = 200_000;
        var policy = new ThompsonSampling(new ThompsonSamplingOptions { Draws = draws, TopTwo = false, MinimumWeight = 0, Seed = 3 });
        var weights = new double[2];
        policy.ComputeWeights([a, b], weights);

        // P(p_b > p_a) in closed form; the estimate is a binomial proportion over the draws.
        var exact = BayesianProportionTest.ProbabilityGreater(46, 336, 41, 361);
        Close.To(exact, weights[1], 0, 5 * Math.Sqrt(exact * (1 - exact) / draws), "weight of b");
    }

    [Fact]
    public void Gaussian_thompson_weights_converge_to_the_normal_chance_of_being_best()
    {
        var a = VariantStatistics.FromMoments(500, 500 * 2.0, 500 * (4.0 + 9.0) + 9.0);
        var b = VariantStatistics.FromMoments(300, 300 * 2.3, 300 * (2.3 * 2.3 + 16.0) + 16.0);
        const int draws = 200_000;
        var policy = new ThompsonSampling(new ThompsonSamplingOptions { Reward = ThompsonReward.Gaussian, Draws = draws, TopTwo = false, MinimumWeight = 0, Seed = 5 });
        var weights = new double[2];
        policy.ComputeWeights([a, b], weights);

        var exact = Normal.Cdf((b.Mean - a.Mean) / Math.Sqrt(a.Variance / a.Count + b.Variance / b.Count));
        Close.To(exact, weights[1], 0, 5 * Math.Sqrt(exact * (1 - exact) / draws), "weight of b");
    }

    [Fact]
    public void Bernoulli_top_two_weights_of_many_arms_converge_to_the_exact_top_two_chances()
    {
        // 20 close arms: more than one block of generator words, every lane and both Beta gammas.
        VariantStatistics[] arms = [.. Enumerable.Range(0, 20).Select(i => VariantStatistics.FromConversions(5000, 450 + 6 * i))];
        var alpha = arms.Select(arm => 1 + arm.Sum).ToArray();
        var beta = arms.Select(arm => 1 + arm.Count - arm.Sum).ToArray();
        var exact = ExactTopTwo(
            arms.Length,
            (i, p) => SpecialFunctions.BetaPowerTerm(alpha[i], beta[i], p, 1 - p) / (p * (1 - p)),
            (i, p) => IncompleteBeta.Regularized(alpha[i], beta[i], p, 1 - p).Lower,
            0.06,
            0.16);

        AssertTopTwoConverges(new ThompsonSamplingOptions { Draws = 200_001, MinimumWeight = 0, Seed = 17 }, arms, exact);
    }

    [Fact]
    public void Gaussian_top_two_weights_of_many_arms_converge_to_the_exact_top_two_chances()
    {
        VariantStatistics[] arms = [.. Enumerable.Range(0, 10).Select(i => VariantStatistics.FromMoments(5000, 5000 * (1 + 0.01 * i), 5000 * (2 + 0.02 * i)))];
        var sd = arms.Select(arm => Math.Sqrt(arm.Variance / arm.Count)).ToArray();
        var exact = ExactTopTwo(
            arms.Length,
            (i, x) => Normal.Density((x - arms[i].Mean) / sd[i]) / sd[i],
            (i, x) => Normal.Cdf((x - arms[i].Mean) / sd[i]),
            0.9,
            1.2);

        AssertTopTwoConverges(new ThompsonSamplingOptions { Reward = ThompsonReward.Gaussian, Draws = 200_003, MinimumWeight = 0, Seed = 19 }, arms, exact);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(7)]
    public void Every_draw_asked_for_is_counted_once(int draws)
    {
        // Draws go four at a time: a partial last block must count only the draws asked for.
        VariantStatistics[] arms = [VariantStatistics.FromConversions(1000, 100), VariantStatistics.FromConversions(1000, 300), VariantStatistics.FromConversions(1000, 150)];
        var weights = new double[3];
        new ThompsonSampling(new ThompsonSamplingOptions { Draws = draws, MinimumWeight = 0, Seed = 23 }).ComputeWeights(arms, weights);

        // Arm 1 is best in every draw (its posterior is ~14 sd above the others).
        Assert.Equal(0.5, weights[1]);
        Assert.Equal(0.5, weights[0] + weights[2], 1e-15);
        Assert.All(weights, w => Assert.Equal(0, w * 2 * draws % 1, 1e-9));
    }

    [Fact]
    public void Top_two_sampling_keeps_exploring_the_runner_up()
    {
        VariantStatistics[] arms = [VariantStatistics.FromConversions(1000, 100), VariantStatistics.FromConversions(1000, 300), VariantStatistics.FromConversions(1000, 150)];
        var weights = new double[3];
        new ThompsonSampling(new ThompsonSamplingOptions { Seed = 11, MinimumWeight = 0 }).ComputeWeights(arms, weights);

        // Arm 1 is always best and arm 2 almost always second: each gets half the counts.
        Close.To(0.5, weights[1], 0, 1e-12);
        Assert.InRange(weights[2], 0.45, 0.5);
    }

    [Fact]
    public void Thompson_sampling_is_reproducible_with_a_seed_and_allocation_free()
    {
        VariantStatistics[] arms = [.. Enumerable.Range(0, 10).Select(i => VariantStatistics.FromConversions(1000, 90 + 3 * i))];
        var first = new double[10];
        var second = new double[10];
        var policy = new ThompsonSampling(new ThompsonSamplingOptions { Seed = 42 });
        policy.ComputeWeights(arms, first);
        new ThompsonSampling(new ThompsonSamplingOptions { Seed = 42 }).ComputeWeights(arms, second);
        Assert.Equal(first, second);

        var before = GC.GetAllocatedBytesForCurrentThread();
        policy.ComputeWeights(arms, second);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Weights_stay_uniform_until_every_arm_has_its_burn_in()
    {
        var weights = new double[3];
        new ThompsonSampling(new ThompsonSamplingOptions { Seed = 1 })
            .ComputeWeights([VariantStatistics.FromConversions(1000, 900), VariantStatistics.FromConversions(1000, 10), VariantStatistics.FromConversions(99, 0)], weights);
        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0], weights);
    }

    [Fact]
    public void Ucb1_sends_the_traffic_to_the_highest_upper_bound()
    {
        // N = 210: bounds 0.5 + 0.327, 0.6 + 0.327 and 0.4 + 1.034: the little-played arm wins.
        var weights = new double[3];
        new Ucb1().ComputeWeights([VariantStatistics.FromConversions(100, 50), VariantStatistics.FromConversions(100, 60), VariantStatistics.FromConversions(10, 4)], weights);
        Assert.Equal([0.01, 0.01, 0.98], weights, (x, y) => Math.Abs(x - y) < 1e-15);

        new Ucb1().ComputeWeights([VariantStatistics.FromConversions(100, 90), VariantStatistics.FromConversions(0, 0), VariantStatistics.FromConversions(0, 0)], weights);
        Assert.Equal([0.01, 0.495, 0.495], weights, (x, y) => Math.Abs(x - y) < 1e-15);
    }

    [Fact]
    public void Epsilon_greedy_explores_evenly_and_exploits_the_best_mean()
    {
        // Best: 0.1/4 + 0.9 = 0.925, others 0.025; floored: 0.01 + 0.96 p.
        var weights = new double[4];
        new EpsilonGreedy(0.1).ComputeWeights(
            [VariantStatistics.FromMoments(50, 10, 20), VariantStatistics.FromMoments(50, 30, 40), VariantStatistics.FromMoments(50, 20, 30), VariantStatistics.FromMoments(50, 5, 9)],
            weights);
        Assert.Equal([0.034, 0.898, 0.034, 0.034], weights, (x, y) => Math.Abs(x - y) < 1e-15);
    }

    [Fact]
    public void Invalid_configurations_are_rejected()
    {
        VariantStatistics[] arms = [VariantStatistics.FromConversions(10, 1), VariantStatistics.FromConversions(10, 2)];
        Assert.Throws<ArgumentException>(() => new Ucb1(0.6).ComputeWeights(arms, new double[2]));
        Assert.Throws<ArgumentException>(() => new Ucb1().ComputeWeights(arms, new double[3]));
        Assert.Throws<ArgumentException>(() => new Ucb1().ComputeWeights([], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpsilonGreedy(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThompsonSampling(new ThompsonSamplingOptions { Draws = 0 }));
        Assert.Throws<ArgumentException>(() => new ThompsonSampling().ComputeWeights([VariantStatistics.FromMoments(200, 5, 9), VariantStatistics.FromMoments(200, 5, 9)], new double[2]));
    }

    // Chance of each arm to be the best or the second best of independent draws, halved (what
    // top-two weights estimate), by Simpson's rule over [from, to] where all the mass lies:
    // P(best) = ∫ f_i Π_{j≠i} F_j and P(second) = ∫ f_i Σ_{k≠i} (1 - F_k) Π_{j≠i,k} F_j.
    private static double[] ExactTopTwo(int arms, Func<int, double, double> density, Func<int, double, double> cdf, double from, double to)
    {
        const int intervals = 20_000;
        var step = (to - from) / intervals;
        var chances = new double[arms];
        var f = new double[arms];
        var cdfs = new double[arms];
        for (var n = 0; n <= intervals; n++)
        {
            var x = from + n * step;
            for (var i = 0; i < arms; i++)
            {
                f[i] = density(i, x);
                cdfs[i] = cdf(i, x);
            }

            var simpson = n == 0 || n == intervals ? 1.0 : n % 2 == 1 ? 4.0 : 2.0;
            for (var i = 0; i < arms; i++)
            {
                var best = 1.0;
                var second = 0.0;
                for (var k = 0; k < arms; k++)
                {
                    if (k == i)
                    {
                        continue;
                    }

                    best *= cdfs[k];
                    var secondGivenK = 1.0 - cdfs[k];
                    for (var j = 0; j < arms; j++)
                    {
                        secondGivenK *= j == i || j == k ? 1.0 : cdfs[j];
                    }

                    second += secondGivenK;
                }

                chances[i] += simpson * step / 3 * f[i] * (best + second) / 2;
            }
        }

        return chances;
    }

    private static void AssertTopTwoConverges(ThompsonSamplingOptions options, VariantStatistics[] arms, double[] exact)
    {
        Close.To(1.0, exact.Sum(), 0, 1e-9, "total of the exact chances");
        var weights = new double[arms.Length];
        new ThompsonSampling(options).ComputeWeights(arms, weights);

        // Each draw adds 1/2 to an arm's count with chance 2 w, so a weight's variance is (w / 2 - w^2) / draws.
        for (var i = 0; i < arms.Length; i++)
        {
            Close.To(exact[i], weights[i], 0, 5 * Math.Sqrt((exact[i] / 2 - exact[i] * exact[i]) / options.Draws) + 1e-9, $"weight of arm {i}");
        }
    }
}
