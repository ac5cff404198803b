namespace StreamingCL.Processors.Drift;

/// <summary>
/// The random slot of reservoir sampling, drawn deterministically from the window, the feature and
/// the value's rank: a replay of the same records makes the same sample, which a seeded generator
/// kept in memory would not after a restart.
/// </summary>
internal static class ReservoirDraw
{
    /// <summary>Uniform on {0, ..., n - 1} (the modulo bias, at most n / 2^64, is negligible).</summary>
    public static long Below(string windowKey, string feature, long n) => (long)(Mix(Fnv1a(windowKey, feature) ^ (ulong)n) % (ulong)n);

    // FNV-1a over both strings (string.GetHashCode is randomised per process).
    private static ulong Fnv1a(string first, string second)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in first + "\n" + second)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    // SplitMix64's finaliser: every input bit reaches every output bit.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
