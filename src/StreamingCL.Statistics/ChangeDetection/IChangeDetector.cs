namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// A streaming change detector fed one value at a time, with the semantics of River's drift
/// detectors (online-ml/river, <c>river.drift</c>): the flags describe the last update, and a
/// detector that reported a drift starts afresh on its next update.
/// </summary>
/// <remarks>
/// Binary detectors (DDM, EDDM, HDDM-A, HDDM-W) take 1 for an error and 0 for a correct prediction.
/// Updates run in amortised constant time and allocate nothing. Instances are not thread-safe.
/// </remarks>
public interface IChangeDetector
{
    /// <summary>Whether the last update detected a change.</summary>
    bool DriftDetected { get; }

    /// <summary>Whether the last update left the detector in its warning zone (always false for detectors without one).</summary>
    bool WarningDetected { get; }

    /// <summary>Feeds one value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="x"/> is not finite, or is neither 0 nor 1 for a binary detector.
    /// </exception>
    void Update(double x);

    /// <summary>Returns the detector to the state it had when it was created.</summary>
    void Reset();
}
