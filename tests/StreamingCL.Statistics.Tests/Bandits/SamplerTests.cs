using System.Runtime.Intrinsics;
using CsCheck;
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

    [Fact]
    public void Jump_lands_on_the_state_of_the_reference_implementation()
    {
        // Blackman and Vigna's jump() from state (0, 0, 0, 1); the ++ and ** variants share it.
        var random = new RandomSource(0, 0, 0, 1);
        random.Jump();
        Assert.Equal((0x934D05E8B2076310UL, 0xEABDD0BF76A1BE51UL, 0x75DD6A992ACCB1E8UL, 0xC660C602A7330187UL), random.State);
    }

    [Fact]
    public void Lane_j_draws_the_scalar_stream_of_the_seed_after_j_plus_one_jumps()
    {
        var words = new Vector256<ulong>[1000];
        var lanes = new LaneRandom(seed: 5);
        // Two fills: the state must carry over from one to the next.
        lanes.Fill(words.AsSpan(0, 333));
        lanes.Fill(words.AsSpan(333));

        for (var lane = 0; lane < Vector256<ulong>.Count; lane++)
        {
            var scalar = new RandomSource(seed: 5);
            for (var jump = 0; jump <= lane; jump++)
            {
                scalar.Jump();
            }

            foreach (var word in words)
            {
                Assert.Equal(scalar.NextUInt64(), word.GetElement(lane));
            }
        }
    }

    [Fact]
    public void Lane_normals_fit_the_normal_distribution_including_the_tails()
    {
        var lanes = new LaneRandom(seed: 2);
        double[] edges = [-3.8, -3.442619855899, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 3.442619855899, 3.8];
        var expected = BinProbabilities(edges, Normal.Cdf);
        var observed = Histogram(edges, LaneValues(lanes, 1, words => lanes.Normal(words[0])));
        AssertFits(observed, expected);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(40.0)]
    [InlineData(451.0)]
    public void Lane_gammas_fit_the_gamma_distribution(double shape)
    {
        var lanes = new LaneRandom(seed: 7);
        var (d, c) = RandomSource.GammaParameters(shape);
        double[] edges = [.. new[] { -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 4.5 }.Select(k => shape + k * Math.Sqrt(shape)).Where(x => x > 0.05)];
        var expected = BinProbabilities(edges, x => ChiSquare.Cdf(2 * x, 2 * shape));
        var observed = Histogram(edges, LaneValues(lanes, 2, words => lanes.Gamma(words[0], words[1], d, c)));
        AssertFits(observed, expected);
    }

    [Fact]
    public void Gamma_squeeze_accepts_only_what_the_exact_test_accepts() =>
        // Points within 10% of the squeeze's boundary, on both sides: exact acceptance starts
        // below it by O(c x), so a squeeze looser by 1% accepts points the exact test rejects.
        // That test is evaluated accurately here: as written, d (1 - v + log v) cancels to ~d ε.
        Gen.Select(Gen.Double[0, 7], Gen.Double[-1.0, 1.0], Gen.Double[-0.1, 0.1]).Sample((logShape, normal, margin) =>
        {
            var (d, c) = RandomSource.GammaParameters(Math.Pow(10, logShape));
            var x = 6 * normal;
            var t = 1.0 + c * x;
            if (t <= 0)
            {
                return;
            }

            var x2 = x * x;
            // 1 - u is 0 or at least 2^-53 for the samplers' uniforms.
            var oneMinusU = c * c / 12 * x2 * x2 / Math.Min(1.0, t) * (1 + margin);
            if (oneMinusU < Math.ScaleB(1.0, -53) || oneMinusU >= 1 || !RandomSource.GammaSqueeze(x, t, oneMinusU, c))
            {
                return;
            }

            // Both sides are rounded: a tie within 1e-12 (relative) is no counterexample.
            var logU = SpecialFunctions.Log1P(-oneMinusU);
            var bound = LogAcceptance(d, c * x);
            Assert.True(logU < bound * (1 - 1e-12), $"shape 10^{logShape}, x {x}, 1 - u {oneMinusU}: squeezed in, but log u = {logU} >= {bound}.");
        }, iter: 100_000);

    // Marsaglia and Tsang accept when log u < 3 d R(s), s = c x, R(s) = log(1 + s) - s + s^2/2 - s^3/3:
    // their x^2 / 2 + d (1 - v + log v) with c^2 = 1 / (9 d). The series for small s avoids the cancellation.
    private static double LogAcceptance(double d, double s)
    {
        var r = 0.0;
        if (Math.Abs(s) < 0.01)
        {
            var power = s * s * s;
            for (var n = 4; n <= 30; n++)
            {
                power *= s;
                r += (n % 2 == 0 ? -power : power) / n;
            }
        }
        else
        {
            r = Math.Log(1 + s) - s + s * s / 2 - s * s * s / 3;
        }

        return 3 * d * r;
    }

    // Draws the four lanes of a sampler at once until there are Draws values.
    private static Func<double> LaneValues(LaneRandom lanes, int wordsPerDraw, Func<Vector256<ulong>[], Vector256<double>> sample)
    {
        var words = new Vector256<ulong>[wordsPerDraw];
        var values = Vector256<double>.Zero;
        var next = Vector256<double>.Count;
        return () =>
        {
            if (next == Vector256<double>.Count)
            {
                lanes.Fill(words);
                values = sample(words);
                next = 0;
            }

            return values.GetElement(next++);
        };
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
