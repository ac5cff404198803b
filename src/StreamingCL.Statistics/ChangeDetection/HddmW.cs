namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// HDDM-W (Frías-Blanco et al. 2015): compares exponentially weighted error rates before and after a
/// cut point chosen by McDiarmid's bound, on a stream of errors (1) and correct predictions (0). Port
/// of River's <c>drift.binary.HDDM_W</c> (itself after MOA).
/// </summary>
public sealed class HddmW : IChangeDetector
{
    private readonly double _lambda;
    private readonly bool _twoSidedTest;
    private readonly double _logInverseDriftConfidence;
    private readonly double _logInverseWarningConfidence;

    private WeightedSample _total;
    private WeightedSample _beforeIncrease;
    private WeightedSample _afterIncrease;
    private WeightedSample _beforeDecrease;
    private WeightedSample _afterDecrease;
    private double _increaseCutPoint;
    private double _decreaseCutPoint;

    /// <summary>Creates an HDDM-W detector; parameters and defaults are River's.</summary>
    /// <param name="driftConfidence">Confidence of the change test, in (0, 1).</param>
    /// <param name="warningConfidence">Confidence of the warning test, in (0, 1).</param>
    /// <param name="lambdaVal">Weight of the newest value in the moving averages, in (0, 1].</param>
    /// <param name="twoSidedTest">Also report decreases of the error rate.</param>
    public HddmW(double driftConfidence = 0.001, double warningConfidence = 0.005, double lambdaVal = 0.05, bool twoSidedTest = false)
    {
        ParameterGuard.Probability(driftConfidence, nameof(driftConfidence));
        ParameterGuard.Probability(warningConfidence, nameof(warningConfidence));
        ParameterGuard.InUnitInterval(lambdaVal, nameof(lambdaVal), includeZero: false);

        _lambda = lambdaVal;
        _twoSidedTest = twoSidedTest;
        _logInverseDriftConfidence = Math.Log(1 / driftConfidence);
        _logInverseWarningConfidence = Math.Log(1 / warningConfidence);
        Reset();
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

        var bound = McDiarmidBound(_total.IndependentBoundCondition, _logInverseDriftConfidence);
        if (_total.Mean + bound < _increaseCutPoint)
        {
            _increaseCutPoint = _total.Mean + bound;
            _beforeIncrease = _total;
            _afterIncrease = new WeightedSample(_lambda);
        }
        else
        {
            _afterIncrease.Update(x);
        }

        DriftDetected = IsSignificantlyHigher(_afterIncrease, _beforeIncrease, _logInverseDriftConfidence);
        WarningDetected = !DriftDetected && IsSignificantlyHigher(_afterIncrease, _beforeIncrease, _logInverseWarningConfidence);

        // River also tracks decreases for a one-sided test, but never reads them then.
        if (!_twoSidedTest)
        {
            return;
        }

        if (_total.Mean - bound > _decreaseCutPoint)
        {
            _decreaseCutPoint = _total.Mean - bound;
            _beforeDecrease = _total;
            _afterDecrease = new WeightedSample(_lambda);
        }
        else
        {
            _afterDecrease.Update(x);
        }

        if (IsSignificantlyHigher(_beforeDecrease, _afterDecrease, _logInverseDriftConfidence))
        {
            DriftDetected = true;
        }
        else if (IsSignificantlyHigher(_beforeDecrease, _afterDecrease, _logInverseWarningConfidence))
        {
            WarningDetected = true;
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        _total = new WeightedSample(_lambda);
        _beforeIncrease = new WeightedSample(_lambda);
        _afterIncrease = new WeightedSample(_lambda);
        _beforeDecrease = new WeightedSample(_lambda);
        _afterDecrease = new WeightedSample(_lambda);
        _increaseCutPoint = double.PositiveInfinity;
        _decreaseCutPoint = double.NegativeInfinity;
        DriftDetected = false;
        WarningDetected = false;
    }

    private static double McDiarmidBound(double independentBoundCondition, double logInverseConfidence) =>
        Math.Sqrt(independentBoundCondition * logInverseConfidence / 2);

    /// <summary>Whether the mean of <paramref name="higher"/> exceeds that of <paramref name="lower"/> by more than McDiarmid's bound.</summary>
    private static bool IsSignificantlyHigher(in WeightedSample higher, in WeightedSample lower, double logInverseConfidence) =>
        lower.IsInitialized
        && higher.IsInitialized
        && higher.Mean - lower.Mean > McDiarmidBound(lower.IndependentBoundCondition + higher.IndependentBoundCondition, logInverseConfidence);

    /// <summary>River's <c>SampleInfo</c>: a weighted mean and the bound condition of its weights.</summary>
    private struct WeightedSample(double lambda)
    {
        private readonly double _lambdaSquared = lambda * lambda;
        // River writes (1 - lambda) ** 2, i.e. libm pow; kept so the sums agree to the bit.
        private readonly double _complementSquared = Math.Pow(1 - lambda, 2);
        private ExponentialMean _mean = new(lambda);

        public bool IsInitialized { get; private set; }

        public double IndependentBoundCondition { get; private set; } = 1.0;

        public readonly double Mean => _mean.Value;

        public void Update(double x)
        {
            _mean.Update(x);
            IsInitialized = true;
            IndependentBoundCondition = _lambdaSquared + _complementSquared * IndependentBoundCondition;
        }
    }
}
