using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Statistics.Tests.Bandits;

/// <summary>
/// Goodness of fit of the samplers behind Thompson sampling. Seeds are fixed, so each test is
/// deterministic; a biased sampler drives the chi-square p-value to ~0 and fails it.
/// </summary>
public sealed class SamplerTests
{
    private const int Draws = 400_000;

    [Fact]
    public void Ziggurat_normal_fits_the_normal_distribution_including_the_tails()
    {
        var random = new RandomSource(seed: 1);
        double[] edges = [-3.8, -3.442619855899, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 3.442619855899, 3.8];
        var expected = BinProbabilities(edges, Normal.Cdf);
        var observed = Histogram(edges, () => random.NextNormal());
        AssertFits(observed, expected);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(40.0)]
    public void Marsaglia_tsang_gamma_fits_the_gamma_distribution(double shape)
    {
        var random = new RandomSource(seed: 7);
        var (d, c) = RandomSource.GammaParameters(shape);
        // Edges at mean + k sd, so every bin expects a healthy count.
        double[] edges = [.. new[] { -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 4.5 }.Select(k => shape + k * Math.Sqrt(shape)).Where(x => x > 0.05)];
        var expected = BinProbabilities(edges, x => ChiSquare.Cdf(2 * x, 2 * shape));
        var observed = Histogram(edges, () => random.NextGamma(d, c));
        AssertFits(observed, expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(70)]
    public void Bounded_integers_are_uniform(int bound)
    {
        var random = new RandomSource(seed: 3);
        var observed = new long[bound];
        for (var i = 0; i < Draws; i++)
        {
            observed[random.NextBelow(bound)]++;
        }

        Assert.Equal(Draws, observed.Sum());
        if (bound > 1)
        {
            AssertFits(observed, [.. Enumerable.Repeat(1.0 / bound, bound)]);
        }
    }

    [Fact]
    public void Reseeding_restarts_the_sequence_of_a_new_generator()
    {
        var fresh = new RandomSource(seed: 11);
        var reused = new RandomSource(seed: 99);
        reused.NextUInt64();
        reused.NextNormal();

        reused.Reseed(11);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(fresh.NextUInt64(), reused.NextUInt64());
        }
    }

    // Probabilities of (-inf, e0], (e0, e1], ..., (e_last, inf).
    private static double[] BinProbabilities(double[] edges, Func<double, double> cdf)
    {
        var probabilities = new double[edges.Length + 1];
        var previous = 0.0;
        for (var i = 0; i < edges.Length; i++)
        {
            var current = cdf(edges[i]);
            probabilities[i] = current - previous;
            previous = current;
        }

        probabilities[^1] = 1 - previous;
        return probabilities;
    }

    private static long[] Histogram(double[] edges, Func<double> next)
    {
        var counts = new long[edges.Length + 1];
        for (var i = 0; i < Draws; i++)
        {
            var x = next();
            var bin = Array.BinarySearch(edges, x);
            counts[bin >= 0 ? bin : ~bin]++;
        }

        return counts;
    }

    private static void AssertFits(long[] observed, double[] expected)
    {
        var statistic = 0.0;
        for (var i = 0; i < observed.Length; i++)
        {
            var e = expected[i] * Draws;
            statistic += (observed[i] - e) * (observed[i] - e) / e;
        }

        var pValue = ChiSquare.Survival(statistic, observed.Length - 1);
        Assert.True(pValue > 1e-4, $"χ² = {statistic:F1} on {observed.Length - 1} dof, p = {pValue:E2}: the sampler does not fit.");
    }
}
