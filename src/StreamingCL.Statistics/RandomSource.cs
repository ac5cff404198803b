using System.Numerics;
using System.Runtime.CompilerServices;

namespace StreamingCL.Statistics;

/// <summary>
/// Seedable xoshiro256** generator (Blackman and Vigna, 2018) with the samplers Thompson sampling
/// needs: standard normal by the ziggurat method (Marsaglia and Tsang, 2000; 128 layers) and gamma
/// by Marsaglia and Tsang's (2000) squeeze method, and bounded integers for KSWIN's subsampling.
/// The samplers also run from given words (<see cref="NormalFrom"/>, <see cref="GammaFrom"/>), which
/// is how <see cref="LaneRandom"/> finishes the lanes its vectorised fast paths leave.
/// A class rather than System.Random because a seeded System.Random uses its slow legacy algorithm,
/// cannot be inlined into the sampler, and cannot be reseeded without allocating a new instance.
/// </summary>
internal sealed class RandomSource
{
    internal const int Layers = 128;

    // Ziggurat constants for 128 layers: the start of the tail and the common layer area.
    private const double TailStart = 3.442619855899;
    private const double LayerArea = 9.91256303526217e-3;

    // The bits of 1.0: or-ed with 52 random mantissa bits, they make a double uniform on [1, 2).
    internal const ulong OneBits = 0x3FF0000000000000UL;

    // X[i] is the right edge of layer i (X[0] the base layer's virtual width), F[i] = exp(-X[i]^2 / 2).
    internal static readonly double[] X = BuildEdges();
    private static readonly double[] F = [.. X.Select(x => Math.Exp(-0.5 * x * x))];

    private ulong _s0, _s1, _s2, _s3;

    internal RandomSource(ulong seed) => Reseed(seed);

    /// <summary>A generator in the given state (not all zero), to check against published vectors.</summary>
    internal RandomSource(ulong s0, ulong s1, ulong s2, ulong s3) => (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);

    /// <summary>Restarts the sequence as <c>new RandomSource(seed)</c> would, without allocating.</summary>
    internal void Reseed(ulong seed)
    {
        // SplitMix64 spreads any seed (even 0) over the 256-bit state, as the xoshiro authors advise.
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>
    /// Advances the state by 2^128 steps (Blackman and Vigna's jump polynomial): the sequences that
    /// start at successive jumps do not overlap for 2^128 draws, which makes them parallel streams.
    /// </summary>
    internal void Jump()
    {
        ReadOnlySpan<ulong> polynomial = [0x180EC6D33CFD0ABAUL, 0xD5A61266F0C9392CUL, 0xA9582618E03FC9AAUL, 0x39ABDC4529B1661CUL];
        ulong s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        foreach (var word in polynomial)
        {
            for (var bit = 0; bit < 64; bit++)
            {
                if ((word & (1UL << bit)) != 0)
                {
                    s0 ^= _s0;
                    s1 ^= _s1;
                    s2 ^= _s2;
                    s3 ^= _s3;
                }

                NextUInt64();
            }
        }

        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>The 256-bit state, to start the lanes of <see cref="LaneRandom"/> from.</summary>
    internal (ulong S0, ulong S1, ulong S2, ulong S3) State => (_s0, _s1, _s2, _s3);

    internal ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on {0, ..., bound - 1}, without modulo bias (Lemire 2019, multiply and reject).</summary>
    internal int NextBelow(int bound)
    {
        System.Diagnostics.Debug.Assert(bound > 0, "The bound must be positive.");
        var high = Math.BigMul(NextUInt64(), (ulong)bound, out var low);
        if (low < (ulong)bound)
        {
            // The 2^64 mod bound lowest products would make some results more likely: redraw them.
            var threshold = (0UL - (ulong)bound) % (ulong)bound;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), (ulong)bound, out low);
            }
        }

        return (int)high;
    }

    /// <summary>Uniform in (0, 1]: never 0, so its logarithm is finite.</summary>
    internal double NextDouble() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>A standard normal variate.</summary>
    internal double NextNormal() => NormalFrom(NextUInt64());

    /// <summary>A Gamma(shape, 1) variate for shape &gt;= 1, from precomputed d = shape - 1/3 and c = 1 / sqrt(9 d).</summary>
    internal double NextGamma(double d, double c) => GammaFrom(NextUInt64(), NextUInt64(), d, c);

    /// <summary>
    /// The standard normal whose ziggurat draw starts from the word <paramref name="bits"/>; the
    /// rare draws that need more randomness take it from this generator.
    /// </summary>
    internal double NormalFrom(ulong bits)
    {
        var x = ZigguratCandidate(bits);
        return Math.Abs(x) < X[ZigguratLayer(bits) + 1] ? x : CompleteNormal(bits, x);
    }

    /// <summary>
    /// The Gamma(shape, 1) variate (d and c as in <see cref="NextGamma"/>) whose first
    /// Marsaglia-Tsang attempt reads its normal from <paramref name="normalBits"/> and its
    /// uniform from <paramref name="uniformBits"/>, as <see cref="LaneRandom"/> does four at a
    /// time; anything more comes from this generator.
    /// </summary>
    internal double GammaFrom(ulong normalBits, ulong uniformBits, double d, double c)
    {
        while (true)
        {
            var x = NormalFrom(normalBits);
            var t = 1.0 + c * x;
            if (t > 0)
            {
                var v = t * t * t;
                var oneMinusU = UnitInterval(uniformBits) - 1.0;
                if (GammaSqueeze(x, t, oneMinusU, c) || GammaAccepts(x, v, 1.0 - oneMinusU, d))
                {
                    return d * v;
                }
            }

            normalBits = NextUInt64();
            uniformBits = NextUInt64();
        }
    }

    /// <summary>
    /// Finishes a ziggurat draw whose candidate <paramref name="x"/> (from <paramref name="bits"/>)
    /// fell outside its layer's inner rectangle: the tail or wedge test, drawing what they need from
    /// this generator, and a fresh draw if the candidate is rejected. Candidates from any stream
    /// (the lanes of <see cref="LaneRandom"/> included) can be finished here: the tests only need
    /// randomness independent of the candidate.
    /// </summary>
    internal double CompleteNormal(ulong bits, double x)
    {
        while (true)
        {
            var layer = ZigguratLayer(bits);
            if (layer == 0)
            {
                return NormalTail(x < 0);
            }

            // Between the layer's rectangle and the curve: accept under exp(-x^2 / 2).
            if (F[layer] + NextDouble() * (F[layer + 1] - F[layer]) < Math.Exp(-0.5 * x * x))
            {
                return x;
            }

            bits = NextUInt64();
            x = ZigguratCandidate(bits);
            if (Math.Abs(x) < X[ZigguratLayer(bits) + 1])
            {
                return x;
            }
        }
    }

    /// <summary>The layer a 64-bit word selects: its 7 low bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ZigguratLayer(ulong bits) => (int)(bits & (Layers - 1));

    /// <summary>
    /// The candidate u * X[layer] with u uniform in [-1, 1) from the word's 52 high bits, which
    /// share none with the layer index (the correlation Doornik (2005) found in the original).
    /// u = 2 y - 3 with y in [1, 2) built from the bits directly, which vectorises without a
    /// 64-bit integer conversion; both steps are exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double ZigguratCandidate(ulong bits) => (UnitInterval(bits) * 2.0 - 3.0) * X[ZigguratLayer(bits)];

    /// <summary>A double uniform on [1, 2) from the word's 52 high bits: 1 - u for u uniform on (0, 1] is this minus 1, exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double UnitInterval(ulong bits) => BitConverter.UInt64BitsToDouble((bits >> 12) | OneBits);

    /// <summary>
    /// A sufficient condition for Marsaglia and Tsang's acceptance of x (with t = 1 + c x &gt; 0),
    /// free of logarithms. Their test, log u &lt; x^2 / 2 + d (1 - v + log v) with v = t^3, reduces
    /// (c^2 = 1 / (9 d)) to log u &lt; 3 d R(c x), where R(s) = log(1 + s) - s + s^2 / 2 - s^3 / 3
    /// = -∫_0^s r^3 / (1 + r) dr &gt;= -s^4 / (4 min(1, 1 + s)). With log u &lt;= u - 1, it is enough
    /// that (1 - u) min(1, t) &gt; (c^2 / 12) x^4. The squeeze Marsaglia and Tsang publish,
    /// u &lt; 1 - 0.0331 x^4, leaves ~8% of draws to the logarithms whatever the shape; this one
    /// leaves ~1 / (30 d): 6% at shape 1, 7.5e-5 for a posterior with 450 conversions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool GammaSqueeze(double x, double t, double oneMinusU, double c)
    {
        var x2 = x * x;
        return oneMinusU * Math.Min(1.0, t) > c * c * (1.0 / 12.0) * (x2 * x2);
    }

    /// <summary>Marsaglia and Tsang's exact acceptance test for x, v = (1 + c x)^3 &gt; 0 and u in (0, 1].</summary>
    internal static bool GammaAccepts(double x, double v, double u, double d) =>
        Math.Log(u) < 0.5 * x * x + d * (1.0 - v + Math.Log(v));

    internal static (double D, double C) GammaParameters(double shape)
    {
        System.Diagnostics.Debug.Assert(shape >= 1, "The squeeze method needs shape >= 1.");
        var d = shape - 1.0 / 3.0;
        return (d, 1.0 / Math.Sqrt(9.0 * d));
    }

    // Marsaglia's tail method: beyond r the normal tail is sampled as r + x with x ~ Exp(r) thinned.
    private double NormalTail(bool negative)
    {
        double x, y;
        do
        {
            x = -Math.Log(NextDouble()) / TailStart;
            y = -Math.Log(NextDouble());
        }
        while (y + y < x * x);

        return negative ? -(TailStart + x) : TailStart + x;
    }

    private static double[] BuildEdges()
    {
        var edges = new double[Layers + 1];
        var f = Math.Exp(-0.5 * TailStart * TailStart);
        edges[0] = LayerArea / f;
        edges[1] = TailStart;
        for (var i = 2; i < Layers; i++)
        {
            // Each layer has area LayerArea: its top is at f(x_{i-1}) + LayerArea / x_{i-1}.
            f += LayerArea / edges[i - 1];
            edges[i] = Math.Sqrt(-2.0 * Math.Log(f));
        }

        edges[Layers] = 0.0;
        return edges;
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
