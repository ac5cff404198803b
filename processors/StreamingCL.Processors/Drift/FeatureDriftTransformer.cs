using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Statistics.Drift;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace StreamingCL.Processors.Drift;

/// <summary>The stream time of a task, stored so that a restart does not reopen windows it closed.</summary>
/// <param name="Milliseconds">Largest prediction timestamp seen.</param>
internal sealed record StreamTime(long Milliseconds);

/// <summary>
/// Data and prediction drift: per model version and feature (the score as <c>__score__</c>),
/// windows of predictions compared with the version's reference. The rules, in event time (the
/// predictions' own timestamps) and deterministic for a given input order:
/// <list type="bullet">
/// <item>Windows are tumbling or hopping (<see cref="DriftOptions.WindowSize"/>,
/// <see cref="DriftOptions.WindowAdvance"/>), aligned to the epoch; each holds the predictions of
/// one model version (shadow ones included, under their own version). Stream time is the largest
/// prediction timestamp seen by the task. A window closes on the first prediction that brings
/// stream time to its end + <see cref="DriftOptions.WindowGrace"/> or beyond: then each of its
/// features gets one DriftMetric (psi, js_distance, chi2_statistic, chi2_p_value: a test of
/// homogeneity with the reference's counts, see <see cref="BinnedCounts.ChiSquareTest"/>)
/// whose severity is PSI's, confirmed by the chi-square test
/// (<see cref="DriftThresholds.ForSignificantPsi"/>): with thousands of values per window the test
/// alone flags trivial shifts, with a few hundred PSI alone flags noise. Jensen-Shannon is
/// published for information: its usual threshold, 0.1, matches a PSI of about 0.055, below PSI's
/// own warning level.</item>
/// <item>A prediction later than that for some of its windows is still counted in its open ones
/// but never reopens a closed one: it is counted as skipped (reason late).</item>
/// <item>The reference of a feature is the one the version's ModelVersion published; a published
/// profile replaces a first-window reference. Without one, and with
/// <see cref="DriftOptions.FirstWindowAsReference"/>, the first window of the version to close
/// with enough values becomes the feature's reference (and gets no metric of its own). With that
/// option off, a prediction of a version that published no profile is dead-lettered as
/// UNKNOWN_MODEL, and a feature the profile lacks is skipped (no_reference).</item>
/// <item>A feature with fewer than <see cref="DriftOptions.MinSampleSize"/> values in a window is
/// skipped (small_window). A window binned against a first-window reference that a published
/// profile replaced before it closed cannot be compared with either, and is skipped
/// (reference_replaced).</item>
/// </list>
/// State, all in logged stores: one entry per open window (deleted when it closes, so at most
/// size/advance + grace/advance + 1 windows per version and task), holding bin counts, category counts
/// (at most <see cref="DriftOptions.MaxCategories"/> per feature) and, for a feature without a
/// reference yet, a reservoir sample of at most <see cref="DriftOptions.ReferenceSampleSize"/>
/// values; the references (one entry per model version); and the stream time. A window whose
/// values were sampled because its version had no reference when it opened is compared through its
/// sample: exactly while it has no more values than the reservoir holds.
/// <para>Duplicates are not removed: a set of prediction ids per window would cost as much state
/// as the window's traffic. Under exactly-once processing a replay after a crash adds none; under
/// at-least-once it can count a prediction twice, which moves a share by 1/n.</para>
/// </summary>
internal sealed class FeatureDriftTransformer(DriftOptions options, ProcessorEnvironment environment) : ITransformer<string, DriftInput, string, Routed<DriftMetric>>
{
    public const string WindowStoreName = "drift-windows";
    public const string ReferenceStoreName = "drift-references";
    public const string SampleStoreName = "drift-samples";
    public const string StreamTimeStoreName = "drift-stream-time";

    /// <summary>Bucket of the categories beyond <see cref="DriftOptions.MaxCategories"/>.</summary>
    public const string OverflowCategory = "__overflow__";

    private const string StreamTimeKey = "stream-time";

    private readonly DriftWindows _windows = DriftWindows.Of(options);
    private readonly AvroEventSerde<Prediction> _predictionSerde = environment.Serdes.For<Prediction>();
    private readonly Dictionary<string, LoadedReferences> _references = new(StringComparer.Ordinal);
    private ProcessorContext<string, Routed<DriftMetric>>? _context;
    private IKeyValueStore<string, WindowState>? _windowStore;
    private IKeyValueStore<string, VersionReferences>? _referenceStore;
    private IKeyValueStore<string, double>? _sampleStore;
    private IKeyValueStore<string, StreamTime>? _streamTimeStore;
    private long? _streamTime;

    // Earliest close time of the open windows; null until the store has been scanned (after a restart).
    private long? _nextClose;

    private ProcessorContext<string, Routed<DriftMetric>> Context => _context!;

    public void Init(ProcessorContext<string, Routed<DriftMetric>> context)
    {
        _context = context;
        _windowStore = (IKeyValueStore<string, WindowState>)context.GetStateStore(WindowStoreName);
        _referenceStore = (IKeyValueStore<string, VersionReferences>)context.GetStateStore(ReferenceStoreName);
        _sampleStore = (IKeyValueStore<string, double>)context.GetStateStore(SampleStoreName);
        _streamTimeStore = (IKeyValueStore<string, StreamTime>)context.GetStateStore(StreamTimeStoreName);
    }

    /// <summary>Metrics and dead letters are forwarded (one prediction can close several windows); nothing is returned.</summary>
    public Record<string, Routed<DriftMetric>> Process(Record<string, DriftInput> record)
    {
        if (record.Value.Published is { } published)
        {
            var key = VersionKey(published.ModelName, published.Version);
            Save(key, Load(key)?.Stored.Replacing(published.References) ?? published.References);
        }
        else
        {
            OnPrediction(record.Value.Prediction!, record.Value.Origin);
        }

        return null!;
    }

    public void Close()
    {
    }

    private static string VersionKey(string model, int version) => $"{model.Length}:{model}|{version}";

    private static string WindowKey(string model, int version, long startMs) => $"{VersionKey(model, version)}|{startMs}";

    private static string SampleKey(string windowKey, string feature, long slot) => $"{windowKey}|{feature.Length}:{feature}|{slot}";

    private static DriftSeverity Severity(DriftVerdict verdict) => verdict switch
    {
        DriftVerdict.Drift => DriftSeverity.Drift,
        DriftVerdict.Warning => DriftSeverity.Warning,
        _ => DriftSeverity.None,
    };

    private void OnPrediction(Prediction prediction, RecordOrigin origin)
    {
        var timestamp = prediction.Timestamp.ToUnixTimeMilliseconds();
        var streamTime = AdvanceStreamTime(timestamp);
        CloseWindows(streamTime);
        var references = Load(VersionKey(prediction.ModelName, prediction.ModelVersion));
        if (!options.FirstWindowAsReference && references?.HasPublished != true)
        {
            Context.Forward(prediction.PredictionId, Routed.Reject<DriftMetric>(DeadLetterRouting.Rejection(
                origin,
                prediction.PredictionId,
                _predictionSerde.Serialize(prediction, origin.Topic),
                new EventProblem(DeadLetterKind.UnknownModel, $"Model {prediction.ModelName} version {prediction.ModelVersion} published no reference profile, and first-window references are off."),
                options.ApplicationId,
                environment.Clock)));
            return;
        }

        var late = false;
        foreach (var start in _windows.StartsOf(timestamp))
        {
            if (_windows.CloseTime(start) <= streamTime)
            {
                late = true;
            }
            else
            {
                Add(prediction, start, references);
            }
        }

        if (late)
        {
            environment.Metrics.Skipped(options.ApplicationId, "late");
        }
    }

    private long AdvanceStreamTime(long timestampMs)
    {
        _streamTime ??= _streamTimeStore!.Get(StreamTimeKey)?.Milliseconds ?? long.MinValue;
        if (timestampMs > _streamTime)
        {
            _streamTime = timestampMs;
            _streamTimeStore!.Put(StreamTimeKey, new StreamTime(timestampMs));
        }

        return _streamTime.Value;
    }

    private void Add(Prediction prediction, long start, LoadedReferences? references)
    {
        var key = WindowKey(prediction.ModelName, prediction.ModelVersion, start);
        var window = _windowStore!.Get(key);
        if (window is null)
        {
            window = new WindowState { Model = prediction.ModelName, Version = prediction.ModelVersion, StartMs = start };
            _nextClose = _nextClose is { } next ? Math.Min(next, _windows.CloseTime(start)) : null;
        }

        AddNumeric(window, key, DriftMetric.ScoreFeature, prediction.Score, references);
        foreach (var (feature, value) in prediction.NumericFeatures)
        {
            AddNumeric(window, key, feature, value, references);
        }

        foreach (var (feature, category) in prediction.CategoricalFeatures)
        {
            var counts = window.Categorical.TryGetValue(feature, out var known) ? known : window.Categorical[feature] = new(StringComparer.Ordinal);
            var counted = counts.ContainsKey(category) || counts.Count < options.MaxCategories - 1 ? category : OverflowCategory;
            counts[counted] = counts.GetValueOrDefault(counted) + 1;
        }

        _windowStore.Put(key, window);
    }

    private void AddNumeric(WindowState window, string windowKey, string feature, double value, LoadedReferences? references)
    {
        var reference = references?.Numeric(feature);
        if (!window.Numeric.TryGetValue(feature, out var numeric))
        {
            numeric = window.Numeric[feature] = reference is { } known
                ? new NumericWindow { Reference = known.Origin, Bins = new long[known.Profile.BinCount] }
                : new NumericWindow();
        }

        numeric.Count++;
        if (numeric.Reference is null)
        {
            Sample(windowKey, feature, numeric.Count, value);
        }
        else if (reference?.Origin == numeric.Reference)
        {
            numeric.Bins![reference.Value.Profile.BinOf(value)]++;
        }
    }

    /// <summary>
    /// Reservoir sampling (Vitter's algorithm R): the n-th value takes a free slot, or replaces a
    /// random one with probability size/n. The draw is a hash of the window, feature and n, so a
    /// replay keeps the same sample.
    /// </summary>
    private void Sample(string windowKey, string feature, long n, double value)
    {
        var slot = n <= options.ReferenceSampleSize ? n - 1 : ReservoirDraw.Below(windowKey, feature, n);
        if (slot < options.ReferenceSampleSize)
        {
            _sampleStore!.Put(SampleKey(windowKey, feature, slot), value);
        }
    }

    private double[] TakeSample(string windowKey, string feature, long count)
    {
        var sample = new double[Math.Min(count, options.ReferenceSampleSize)];
        for (var slot = 0; slot < sample.Length; slot++)
        {
            var key = SampleKey(windowKey, feature, slot);
            sample[slot] = _sampleStore!.Get(key);
            _sampleStore.Delete(key);
        }

        return sample;
    }

    private void CloseWindows(long streamTime)
    {
        if (_nextClose > streamTime)
        {
            return;
        }

        // Materialised before deleting: the store must not change while it is enumerated.
        var open = _windowStore!.All().ToList();
        var closing = open.Where(entry => _windows.CloseTime(entry.Value.StartMs) <= streamTime)
            .OrderBy(entry => entry.Value.StartMs)
            .ThenBy(entry => entry.Value.Model, StringComparer.Ordinal)
            .ThenBy(entry => entry.Value.Version);
        foreach (var (key, window) in closing)
        {
            CloseWindow(key, window);
        }

        _nextClose = open.Select(entry => _windows.CloseTime(entry.Value.StartMs)).Where(close => close > streamTime).DefaultIfEmpty(long.MaxValue).Min();
    }

    private void CloseWindow(string windowKey, WindowState window)
    {
        _windowStore!.Delete(windowKey);
        var versionKey = VersionKey(window.Model, window.Version);
        var references = Load(versionKey);
        var firstWindows = new VersionReferences(new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        foreach (var (feature, numeric) in window.Numeric.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            CloseNumeric(window, windowKey, feature, numeric, references, firstWindows);
        }

        foreach (var (feature, categories) in window.Categorical.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            CloseCategorical(window, feature, categories, references, firstWindows);
        }

        if (firstWindows.Numeric.Count + firstWindows.Categorical.Count > 0)
        {
            Save(versionKey, references is null ? firstWindows : references.Stored.Replacing(firstWindows));
        }
    }

    private void CloseNumeric(WindowState window, string windowKey, string feature, NumericWindow numeric, LoadedReferences? references, VersionReferences firstWindows)
    {
        // The sample leaves the store whatever becomes of the window.
        var sample = numeric.Reference is null ? TakeSample(windowKey, feature, numeric.Count) : null;
        var reference = references?.Numeric(feature);
        if (!Comparable(numeric.Count, reference is not null))
        {
            return;
        }

        if (reference is not { } known)
        {
            // Only a sampled window can lack a reference: references are never removed.
            var profile = ReferenceProfile.FromSample(sample!, options.BinCount);
            firstWindows.Numeric[feature] = new NumericReference(VersionReferences.WindowOrigin(window.StartMs), [.. profile.Edges], [.. profile.Shares], profile.Count);
            return;
        }

        BinnedCounts counts;
        if (sample is not null)
        {
            counts = known.Profile.CreateCounts();
            counts.AddRange(sample);
        }
        else if (numeric.Reference == known.Origin)
        {
            counts = known.Profile.CreateCounts(numeric.Bins!);
        }
        else
        {
            environment.Metrics.Skipped(options.ApplicationId, "reference_replaced");
            return;
        }

        var psi = counts.PopulationStabilityIndex();
        var chiSquare = counts.ChiSquareTest();
        Emit(window, feature, numeric.Count, new()
        {
            ["psi"] = psi,
            ["js_distance"] = counts.JensenShannonDistance(),
            ["chi2_statistic"] = chiSquare.Statistic,
            ["chi2_p_value"] = chiSquare.PValue,
        }, options.Thresholds.ForSignificantPsi(psi, chiSquare.PValue));
    }

    private void CloseCategorical(WindowState window, string feature, Dictionary<string, long> categories, LoadedReferences? references, VersionReferences firstWindows)
    {
        var count = categories.Values.Sum();
        var reference = references?.Categorical(feature);
        if (!Comparable(count, reference is not null))
        {
            return;
        }

        if (reference is null)
        {
            firstWindows.Categorical[feature] = new CategoricalReference(VersionReferences.WindowOrigin(window.StartMs), categories);
            return;
        }

        var report = reference.CreateCounts(categories).Compare(options.Thresholds);
        Emit(window, feature, count, new()
        {
            ["psi"] = report.PopulationStabilityIndex,
            ["js_distance"] = report.JensenShannonDistance,
            ["chi2_statistic"] = report.ChiSquare.Statistic,
            ["chi2_p_value"] = report.ChiSquare.PValue,
        }, options.Thresholds.ForSignificantPsi(report.PopulationStabilityIndex, report.ChiSquare.PValue));
    }

    /// <summary>Whether a feature's window can be compared, or become its reference; counts why not.</summary>
    private bool Comparable(long count, bool hasReference)
    {
        var skip = count < options.MinSampleSize ? "small_window" : !hasReference && !options.FirstWindowAsReference ? "no_reference" : null;
        if (skip is not null)
        {
            environment.Metrics.Skipped(options.ApplicationId, skip);
        }

        return skip is null;
    }

    private void Emit(WindowState window, string feature, long sampleSize, Dictionary<string, double> statistics, DriftVerdict verdict) =>
        Context.Forward($"{window.Model}/{feature}", Routed.Accept(new DriftMetric
        {
            ModelName = window.Model,
            ModelVersion = window.Version,
            Feature = feature,
            Kind = feature == DriftMetric.ScoreFeature ? DriftKind.Prediction : DriftKind.Data,
            WindowStart = DateTimeOffset.FromUnixTimeMilliseconds(window.StartMs),
            WindowEnd = DateTimeOffset.FromUnixTimeMilliseconds(window.StartMs + _windows.SizeMs),
            SampleSize = sampleSize,
            Statistics = statistics,
            Severity = Severity(verdict),
        }));

    private LoadedReferences? Load(string versionKey)
    {
        if (_references.TryGetValue(versionKey, out var loaded))
        {
            return loaded;
        }

        // Only known versions are cached: predictions of unknown models must not grow the cache.
        return _referenceStore!.Get(versionKey) is { } stored ? _references[versionKey] = new LoadedReferences(stored) : null;
    }

    private void Save(string versionKey, VersionReferences references)
    {
        _referenceStore!.Put(versionKey, references);
        _references[versionKey] = new LoadedReferences(references);
    }
}
