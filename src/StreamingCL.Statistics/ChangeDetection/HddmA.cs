namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// HDDM-A (Frías-Blanco et al. 2015): compares the running error rate with the mean up to a cut
/// point chosen by Hoeffding's bound, on a stream of errors (1) and correct predictions (0). Port of
/// River's <c>drift.binary.HDDM_A</c> (itself after MOA).
/// </summary>
public sealed class HddmA : IChangeDetector
{
    private readonly bool _twoSidedTest;
    private readonly double _logInverseDriftConfidence;
    private readonly double _logTwiceInverseDriftConfidence;
    private readonly double _logTwiceInverseWarningConfidence;

    private RunningMean _total;
    private RunningMean _lowCut;
    private RunningMean _highCut;

    /// <summary>Creates an HDDM-A detector; parameters and defaults are River's.</summary>
    /// <param name="driftConfidence">Confidence of the change test, in (0, 1).</param>
    /// <param name="warningConfidence">Confidence of the warning test, in (0, 1).</param>
    /// <param name="twoSidedTest">Also report decreases of the error rate.</param>
    public HddmA(double driftConfidence = 0.001, double warningConfidence = 0.005, bool twoSidedTest = false)
    {
        ParameterGuard.Probability(driftConfidence, nameof(driftConfidence));
        ParameterGuard.Probability(warningConfidence, nameof(warningConfidence));

        _twoSidedTest = twoSidedTest;
        _logInverseDriftConfidence = Math.Log(1.0 / driftConfidence);
        _logTwiceInverseDriftConfidence = Math.Log(2.0 / driftConfidence);
        _logTwiceInverseWarningConfidence = Math.Log(2.0 / warningConfidence);
    }

    /// <inheritdoc />
    public bool DriftDetected { get; private set; }

    /// <inheritdoc />
    public bool WarningDetected { get; private set; }

    /// <inheritdoc />
    public void Update(double x)
    {
        DetectorInput.RequireBit(x);
        if (DriftDetected)
        {
            Reset();
        }

        _total.Update(x);
        if (_lowCut.Count == 0)
        {
            _lowCut = _total;
        }

        if (_highCut.Count == 0)
        {
            _highCut = _total;
        }

        // Cut points, both bounded with the drift confidence as in River and MOA.
        var totalBound = HoeffdingBound(_total.Count);
        if (_lowCut.Value + HoeffdingBound(_lowCut.Count) >= _total.Value + totalBound)
        {
            _lowCut = _total;
        }

        if (_highCut.Value - HoeffdingBound(_highCut.Count) <= _total.Value - totalBound)
        {
            _highCut = _total;
        }

        DriftDetected = HasIncreased(_logTwiceInverseDriftConfidence);
        WarningDetected = !DriftDetected && HasIncreased(_logTwiceInverseWarningConfidence);

        if (_twoSidedTest)
        {
            if (HasDecreased(_logTwiceInverseDriftConfidence))
            {
                DriftDetected = true;
            }
            else if (HasDecreased(_logTwiceInverseWarningConfidence))
            {
                WarningDetected = true;
            }
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        _total = default;
        _lowCut = default;
        _highCut = default;
        DriftDetected = false;
        WarningDetected = false;
    }

    private double HoeffdingBound(double n) => Math.Sqrt(1.0 / (2 * n) * _logInverseDriftConfidence);

    private bool HasIncreased(double logTwiceInverseConfidence) =>
        _lowCut.Count != _total.Count && _total.Value - _lowCut.Value >= Bound(_lowCut.Count, logTwiceInverseConfidence);

    private bool HasDecreased(double logTwiceInverseConfidence) =>
        _highCut.Count != _total.Count && _highCut.Value - _total.Value >= Bound(_highCut.Count, logTwiceInverseConfidence);

    /// <summary>Hoeffding bound on the difference between the mean up to a cut point and the mean after it.</summary>
    private double Bound(double cutCount, double logTwiceInverseConfidence)
    {
        var m = (_total.Count - cutCount) / cutCount * (1.0 / _total.Count);
        return Math.Sqrt(m / 2 * logTwiceInverseConfidence);
    }
}
