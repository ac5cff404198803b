using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StreamingCL.Statistics;

/// <summary>
/// Four xoshiro256** streams side by side, one per lane of a <see cref="Vector256{T}"/>, with the
/// samplers of <see cref="RandomSource"/> evaluated four lanes at a time. Thompson sampling draws
/// every arm's posterior many times, and the scalar ziggurat plus Marsaglia-Tsang gamma costs
/// ~5 ns per gamma, mostly in instructions rather than latency.
/// <para>
/// Each sampler reads one or two words per lane and runs the first attempt of
/// <see cref="RandomSource.NormalFrom"/> or <see cref="RandomSource.GammaFrom"/> on them, in the same
/// floating-point operations. Lanes whose attempt is not accepted straight away (~1.2% of normals,
/// fewer than 1 / (36 d) more for gammas) are reported as missed. They are finished by those scalar
/// functions from the same words, so the numbers do not depend on the vector hardware: without
/// 256-bit vectors the JIT's software fallback gives the same ones, only more slowly.
/// </para>
/// <para>
/// Lane j starts j + 1 jumps (2^128 steps each) into the stream of <c>new RandomSource(seed)</c>,
/// and that stream itself supplies the extra draws of the missed lanes, so the five never overlap.
/// </para>
/// </summary>
internal sealed class LaneRandom
{
    private const int Lanes = 4;
    private const uint AllLanes = (1u << Lanes) - 1;

    private readonly RandomSource _fallback;
    private Vector256<ulong> _s0, _s1, _s2, _s3;

    internal LaneRandom(ulong seed)
    {
        _fallback = new RandomSource(seed);
        var lane = new RandomSource(seed);
        Span<ulong> state = stackalloc ulong[4 * Lanes];
        for (var j = 0; j < Lanes; j++)
        {
            lane.Jump();
            (state[j], state[Lanes + j], state[2 * Lanes + j], state[3 * Lanes + j]) = lane.State;
        }

        _s0 = Vector256.Create<ulong>(state[..Lanes]);
        _s1 = Vector256.Create<ulong>(state[Lanes..(2 * Lanes)]);
        _s2 = Vector256.Create<ulong>(state[(2 * Lanes)..(3 * Lanes)]);
        _s3 = Vector256.Create<ulong>(state[(3 * Lanes)..]);
    }

    /// <summary>
    /// Fills <paramref name="words"/> with the next word of every lane, one vector per step. Words
    /// are drawn in bulk so that the state stays in registers; the samplers' loops hold no calls.
    /// </summary>
    internal void Fill(Span<Vector256<ulong>> words)
    {
        var (s0, s1, s2, s3) = (_s0, _s1, _s2, _s3);
        for (var i = 0; i < words.Length; i++)
        {
            // rotl(s1 * 5, 7) * 9 with the products as shifts and adds: AVX2 has no 64-bit multiply.
            var product = s1 + (s1 << 2);
            product = (product << 7) | (product >> 57);
            words[i] = product + (product << 3);
            var t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = (s3 << 45) | (s3 >> 19);
        }

        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>
    /// The first ziggurat attempt of <see cref="RandomSource.NormalFrom"/> in every lane; the lanes
    /// it does not settle are set in <paramref name="missed"/> and hold no variate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Normal(Vector256<ulong> bits, out uint missed)
    {
        var layer = bits & Vector256.Create((ulong)(RandomSource.Layers - 1));
        ref var edges = ref MemoryMarshal.GetArrayDataReference(RandomSource.X);
        var (l0, l1, l2, l3) = ((nint)layer.GetElement(0), (nint)layer.GetElement(1), (nint)layer.GetElement(2), (nint)layer.GetElement(3));
        var edge = Vector256.Create(Unsafe.Add(ref edges, l0), Unsafe.Add(ref edges, l1), Unsafe.Add(ref edges, l2), Unsafe.Add(ref edges, l3));
        var innerEdge = Vector256.Create(Unsafe.Add(ref edges, l0 + 1), Unsafe.Add(ref edges, l1 + 1), Unsafe.Add(ref edges, l2 + 1), Unsafe.Add(ref edges, l3 + 1));
        var x = (UnitInterval(bits) * 2.0 - Vector256.Create(3.0)) * edge;
        missed = ~Vector256.LessThan(Vector256.Abs(x), innerEdge).ExtractMostSignificantBits() & AllLanes;
        return x;
    }

    /// <summary>
    /// The first Marsaglia-Tsang attempt of <see cref="RandomSource.GammaFrom"/> in every lane (shape
    /// &gt;= 1, d and c as there); the lanes it does not settle are set in <paramref name="missed"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Gamma(Vector256<ulong> normalBits, Vector256<ulong> uniformBits, double d, double c, out uint missed)
    {
        var x = Normal(normalBits, out missed);
        var cs = Vector256.Create(c);
        var t = Vector256<double>.One + cs * x;
        var oneMinusU = UnitInterval(uniformBits) - Vector256<double>.One;
        var x2 = x * x;
        // RandomSource.GammaSqueeze, with t > 0.
        var squeezed = Vector256.GreaterThan(oneMinusU * Vector256.MinNative(Vector256<double>.One, t), cs * cs * (1.0 / 12.0) * (x2 * x2))
            & Vector256.GreaterThan(t, Vector256<double>.Zero);
        missed |= ~squeezed.ExtractMostSignificantBits() & AllLanes;
        return Vector256.Create(d) * (t * t * t);
    }

    /// <summary>Four standard normals, lane j as <see cref="RandomSource.NormalFrom"/> gives it from word j.</summary>
    internal Vector256<double> Normal(Vector256<ulong> bits)
    {
        var x = Normal(bits, out var missed);
        if (missed == 0)
        {
            return x;
        }

        Span<double> lanes = stackalloc double[Lanes];
        x.CopyTo(lanes);
        for (; missed != 0; missed &= missed - 1)
        {
            var j = BitOperations.TrailingZeroCount(missed);
            lanes[j] = _fallback.NormalFrom(bits.GetElement(j));
        }

        return Vector256.Create<double>(lanes);
    }

    /// <summary>Four Gamma(shape) variates, lane j as <see cref="RandomSource.GammaFrom"/> gives it from word j of each.</summary>
    internal Vector256<double> Gamma(Vector256<ulong> normalBits, Vector256<ulong> uniformBits, double d, double c)
    {
        var gamma = Gamma(normalBits, uniformBits, d, c, out var missed);
        if (missed == 0)
        {
            return gamma;
        }

        Span<double> lanes = stackalloc double[Lanes];
        gamma.CopyTo(lanes);
        for (; missed != 0; missed &= missed - 1)
        {
            var j = BitOperations.TrailingZeroCount(missed);
            lanes[j] = _fallback.GammaFrom(normalBits.GetElement(j), uniformBits.GetElement(j), d, c);
        }

        return Vector256.Create<double>(lanes);
    }

    // RandomSource.UnitInterval in every lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> UnitInterval(Vector256<ulong> bits) =>
        ((bits >> 12) | Vector256.Create(RandomSource.OneBits)).AsDouble();
}
