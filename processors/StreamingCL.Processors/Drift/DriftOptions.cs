using StreamingCL.Kafka;
using StreamingCL.Statistics.ChangeDetection;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Processors.Drift;

/// <summary>Drift monitoring of features, scores and errors. Section "Processors:Drift".</summary>
public sealed class DriftOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Processors:Drift";

    /// <summary>application.id of the stream application (prefix of its internal topics and consumer group).</summary>
    public string ApplicationId { get; set; } = "streamingcl-drift";

    /// <summary>Length of a window.</summary>
    public TimeSpan WindowSize { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Distance between the starts of consecutive windows, for hopping windows (each value then
    /// counts in size/advance windows); null, the default, for tumbling windows (advance = size).
    /// </summary>
    public TimeSpan? WindowAdvance { get; set; }

    /// <summary>Most overlapping hopping windows a prediction may update (WindowSize / WindowAdvance).</summary>
    public const int MaxWindowsPerRecord = 100;

    /// <summary>
    /// How long after its end (in stream time) a window still takes late predictions before it
    /// closes and is compared. Explicit, unlike Streamiz's default of about a day, which would keep
    /// every window of a day in memory.
    /// </summary>
    public TimeSpan WindowGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether a model version without a published reference profile takes its first window as
    /// the reference. When false, its predictions are dead-lettered as UNKNOWN_MODEL.
    /// </summary>
    public bool FirstWindowAsReference { get; set; } = true;

    /// <summary>Quantile bins of a numeric reference built from a first window.</summary>
    public int BinCount { get; set; } = ReferenceProfile.DefaultBinCount;

    /// <summary>
    /// Fewest values of a feature in a window for a comparison (or for the window to become a
    /// reference); smaller windows are skipped and counted, since PSI of a handful of values is noise.
    /// </summary>
    public int MinSampleSize { get; set; } = 30;

    /// <summary>
    /// Raw values kept per numeric feature and window while its version has no reference yet
    /// (a uniform reservoir sample): the first window's quantile edges are computed from it. Bounds
    /// that state; a window with more values is compared through its sample.
    /// </summary>
    public int ReferenceSampleSize { get; set; } = 5000;

    /// <summary>
    /// Distinct categories kept per categorical feature and window, an <c>__overflow__</c> bucket
    /// included: categories beyond are counted together in that bucket (so a cardinality explosion
    /// shows as drift), which bounds the state.
    /// </summary>
    public int MaxCategories { get; set; } = 200;

    /// <summary>
    /// Thresholds from statistics to severity: PsiWarning and PsiDrift, applied when the chi-square
    /// p-value is below ChiSquarePValue (see <see cref="DriftThresholds.ForSignificantPsi"/>).
    /// </summary>
    public DriftThresholds Thresholds { get; set; } = new();

    /// <summary>Change detector over the error stream (concept drift), by River name.</summary>
    public string Detector { get; set; } = "adwin";

    /// <summary>The detector's River parameters (e.g. delta = 0.002); omitted ones take River's defaults.</summary>
    public Dictionary<string, string> DetectorParameters { get; set; } = [];

    /// <summary>
    /// A model version's detector is dropped after this much stream time without labeled examples,
    /// which bounds the detectors to the versions still being labeled.
    /// </summary>
    public TimeSpan DetectorIdleTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The per-example error fed to the detector.</summary>
    public DriftErrorMeasure Error { get; set; } = DriftErrorMeasure.Misclassification;

    /// <summary>The error measure of particular models (e.g. regression ones), overriding <see cref="Error"/>.</summary>
    public Dictionary<string, DriftErrorMeasure> ErrorByModel { get; set; } = [];

    /// <summary>A score at or above this predicts the positive class, for <see cref="DriftErrorMeasure.Misclassification"/>.</summary>
    public double DecisionThreshold { get; set; } = 0.5;

    /// <summary>The error measure of a model.</summary>
    public DriftErrorMeasure ErrorOf(string model) => ErrorByModel.GetValueOrDefault(model, Error);

    /// <summary>A new detector as configured.</summary>
    public IChangeDetector CreateDetector() => ChangeDetectorFactory.Create(Detector, DetectorParameters);

    /// <summary>Fails naming the key when a value cannot work.</summary>
    public void Validate()
    {
        InvalidConfigurationException.ThrowUnless(!string.IsNullOrWhiteSpace(ApplicationId), Key(nameof(ApplicationId)), "is required.");
        InvalidConfigurationException.ThrowUnless(
            WindowSize >= TimeSpan.FromMilliseconds(1) && WindowSize.Ticks % TimeSpan.TicksPerMillisecond == 0,
            Key(nameof(WindowSize)),
            $"must be a positive whole number of milliseconds, was {WindowSize}.");
        InvalidConfigurationException.ThrowUnless(
            WindowAdvance is not { } advance || (advance >= TimeSpan.FromMilliseconds(1) && advance <= WindowSize && advance.Ticks % TimeSpan.TicksPerMillisecond == 0),
            Key(nameof(WindowAdvance)),
            $"must be a positive whole number of milliseconds no larger than {nameof(WindowSize)} ({WindowSize}), was {WindowAdvance}.");
        // Each prediction updates every window it falls in: size / advance of them.
        InvalidConfigurationException.ThrowUnless(
            WindowAdvance is not { } hop || WindowSize.Ticks / hop.Ticks <= MaxWindowsPerRecord,
            Key(nameof(WindowAdvance)),
            $"puts each prediction in {WindowSize.Ticks / Math.Max(1, WindowAdvance?.Ticks ?? 1)} windows; at most {MaxWindowsPerRecord} are allowed (a larger advance, or a smaller size).");
        InvalidConfigurationException.ThrowUnless(
            WindowGrace >= TimeSpan.Zero && WindowGrace.Ticks % TimeSpan.TicksPerMillisecond == 0,
            Key(nameof(WindowGrace)),
            $"must be a non-negative whole number of milliseconds, was {WindowGrace}.");
        InvalidConfigurationException.ThrowUnless(BinCount >= 2, Key(nameof(BinCount)), $"must be at least 2, was {BinCount}.");
        InvalidConfigurationException.ThrowUnless(MinSampleSize >= 2, Key(nameof(MinSampleSize)), $"must be at least 2 (a reference needs two values), was {MinSampleSize}.");
        InvalidConfigurationException.ThrowUnless(
            ReferenceSampleSize >= MinSampleSize,
            Key(nameof(ReferenceSampleSize)),
            $"must be at least {nameof(MinSampleSize)} ({MinSampleSize}), was {ReferenceSampleSize}.");
        InvalidConfigurationException.ThrowUnless(MaxCategories >= 2, Key(nameof(MaxCategories)), $"must be at least 2, was {MaxCategories}.");
        InvalidConfigurationException.ThrowUnless(
            DecisionThreshold > 0 && DecisionThreshold < 1,
            Key(nameof(DecisionThreshold)),
            $"must lie strictly between 0 and 1, was {DecisionThreshold}.");
        InvalidConfigurationException.ThrowUnless(
            DetectorIdleTimeout >= TimeSpan.FromMilliseconds(10),
            Key(nameof(DetectorIdleTimeout)),
            $"must be at least 10 ms (Streamiz's smallest punctuation interval), was {DetectorIdleTimeout}.");
        ValidateThresholds();
        ValidateDetector();
    }

    private static string Key(string name) => $"{SectionName}:{name}";

    private void ValidateThresholds()
    {
        try
        {
            Thresholds.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidConfigurationException(e.ParamName is null ? Key(nameof(Thresholds)) : $"{Key(nameof(Thresholds))}:{e.ParamName}", e.Message);
        }
    }

    private void ValidateDetector()
    {
        IChangeDetector detector;
        try
        {
            detector = CreateDetector();
        }
        catch (ArgumentException e)
        {
            var known = ChangeDetectorFactory.DetectorNames.Contains(Detector, StringComparer.OrdinalIgnoreCase);
            throw new InvalidConfigurationException(Key(known ? nameof(DetectorParameters) : nameof(Detector)), e.Message);
        }

        if (Error != DriftErrorMeasure.AbsoluteError && !ErrorByModel.ContainsValue(DriftErrorMeasure.AbsoluteError))
        {
            return;
        }

        // Binary detectors (DDM, EDDM, HDDM) refuse anything but 0 and 1: absolute errors need another.
        try
        {
            detector.Update(0.5);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new InvalidConfigurationException(
                Key(nameof(Detector)),
                $"'{Detector}' takes only 0/1 errors, but {nameof(DriftErrorMeasure.AbsoluteError)} is configured ({Key(nameof(Error))} or {Key(nameof(ErrorByModel))}).");
        }
    }
}

/// <summary>The per-example error of a labeled example, which the concept drift detector watches.</summary>
public enum DriftErrorMeasure
{
    /// <summary>1 when the predicted class (score at or above the decision threshold) differs from the 0/1 label, else 0.</summary>
    Misclassification,

    /// <summary>|score - label|, for regression.</summary>
    AbsoluteError,
}
