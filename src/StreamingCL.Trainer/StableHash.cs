using System.Text;

namespace StreamingCL.Trainer;

/// <summary>
/// FNV-1a (64-bit) over UTF-8 bytes, finalised with MurmurHash3's fmix64 so that the low bits
/// used by the modulo depend on every input byte. Stable across processes, runtimes and
/// platforms (unlike <see cref="string.GetHashCode()"/>, which is randomised per process).
/// </summary>
internal static class StableHash
{
    public const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;
    private const int StackLimit = 256;

    /// <summary>FNV-1a state after <paramref name="bytes"/>, continuing from <paramref name="state"/>.</summary>
    public static ulong Fnv1a(ReadOnlySpan<byte> bytes, ulong state = OffsetBasis)
    {
        foreach (var b in bytes)
        {
            state = (state ^ b) * Prime;
        }

        return state;
    }

    /// <summary>FNV-1a state after the UTF-8 bytes of <paramref name="text"/>, without allocating for short text.</summary>
    public static ulong Fnv1a(string text, ulong state)
    {
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (length <= StackLimit)
        {
            Span<byte> buffer = stackalloc byte[StackLimit];
            var written = Encoding.UTF8.GetBytes(text, buffer);
            return Fnv1a(buffer[..written], state);
        }

        return Fnv1a(Encoding.UTF8.GetBytes(text), state);
    }

    /// <summary>MurmurHash3's 64-bit finaliser (full avalanche).</summary>
    public static ulong Mix(ulong k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53UL;
        k ^= k >> 33;
        return k;
    }
}
