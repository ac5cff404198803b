using StreamingCL.Trainer;

namespace StreamingCL.Client;

/// <summary>
/// Where a unit falls in [0, 1) under a salt: FNV-1a (64-bit) of the UTF-8 bytes of
/// "{salt}:{unit_id}", finalised with MurmurHash3's fmix64 (the featuriser's stable hash), top
/// 53 bits over 2^53. The same in every process and runtime, so a unit stays in its arm across
/// calls, instances and restarts while the salt is unchanged; a new salt reshuffles the units.
/// Any client in another language that implements these lines routes units identically.
/// </summary>
internal static class UnitHash
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);

    /// <summary>The hash state after "{salt}:", which every unit's bytes continue.</summary>
    public static ulong Prefix(string salt) => StableHash.Fnv1a(salt + ":", StableHash.OffsetBasis);

    /// <summary>The unit's point in [0, 1) under the salt whose <see cref="Prefix"/> is given.</summary>
    public static double Point(ulong prefix, string unitId) =>
        (StableHash.Mix(StableHash.Fnv1a(unitId, prefix)) >> 11) * TwoToMinus53;
}
