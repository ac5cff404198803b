using System.Numerics;
using System.Runtime.CompilerServices;

namespace StreamingCL.Statistics;

/// <summary>
/// Seedable xoshiro256** generator (Blackman and Vigna, 2018) with the samplers Thompson sampling
/// needs: standard normal by the ziggurat method (Marsaglia and Tsang, 2000; 128 layers) and gamma
/// by Marsaglia and Tsang's (2000) squeeze method, and bounded integers for KSWIN's subsampling.
/// A class rather than System.Random because a seeded System.Random uses its slow legacy algorithm,
/// cannot be inlined into the sampler, and cannot be reseeded without allocating a new instance.
/// </summary>
internal sealed class RandomSource
{
    private const int Layers = 128;

    // Ziggurat constants for 128 layers: the start of the tail and the common layer area.
    private const double TailStart = 3.442619855899;
    private const double LayerArea = 9.91256303526217e-3;

    // X[i] is the right edge of layer i (X[0] the base layer's virtual width), F[i] = exp(-X[i]^2 / 2).
    private static readonly double[] X = BuildEdges();
    private static readonly double[] F = [.. X.Select(x => Math.Exp(-0.5 * x * x))];

    private ulong _s0, _s1, _s2, _s3;

    internal RandomSource(ulong seed) => Reseed(seed);

    /// <summary>Restarts the sequence as <c>new RandomSource(seed)</c> would, without allocating.</summary>
    internal void Reseed(ulong seed)
    {
        // SplitMix64 spreads any seed (even 0) over the 256-bit state, as the xoshiro authors advise.
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double NextNormal()
    {
        while (true)
        {
            var bits = NextUInt64();
            var layer = (int)(bits & (Layers - 1));
            // The top 53 bits, read as a signed integer, give a uniform in [-1, 1) that shares no
            // bit with the layer index (the correlation Doornik (2005) found in the original).
            var u = ((long)bits >> 11) * (1.0 / (1L << 52));
            var x = u * X[layer];
            if (Math.Abs(x) < X[layer + 1])
            {
                return x;
            }

            if (layer == 0)
            {
                return NormalTail(u < 0);
            }

            // Between the layer's rectangle and the curve: accept under exp(-x^2 / 2).
            if (F[layer] + NextDouble() * (F[layer + 1] - F[layer]) < Math.Exp(-0.5 * x * x))
            {
                return x;
            }
        }
    }

    /// <summary>A Gamma(shape, 1) variate for shape &gt;= 1, from precomputed d = shape - 1/3 and c = 1 / sqrt(9 d).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double NextGamma(double d, double c)
    {
        while (true)
        {
            var x = NextNormal();
            var v = 1.0 + c * x;
            if (v <= 0)
            {
                continue;
            }

            v = v * v * v;
            var u = NextDouble();
            var x2 = x * x;
            // The squeeze accepts ~98% of draws without a logarithm.
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }

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
