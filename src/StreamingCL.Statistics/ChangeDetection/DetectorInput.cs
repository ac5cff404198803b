namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// Input checks shared by the detectors. River accepts anything numeric; a NaN would silently poison
/// a detector for the rest of its life, so here bad input is refused and the caller decides what to
/// do with it (the stream processors dead-letter it).
/// </summary>
internal static class DetectorInput
{
    public static void RequireFinite(double x)
    {
        if (!double.IsFinite(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "A change detector needs finite values.");
        }
    }

    /// <summary>Returns whether <paramref name="x"/> is an error (1), refusing anything but 0 and 1.</summary>
    public static bool RequireBit(double x)
    {
        if (x is not (0.0 or 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "A binary change detector takes 1 for an error and 0 for a correct prediction.");
        }

        return x == 1.0;
    }
}
