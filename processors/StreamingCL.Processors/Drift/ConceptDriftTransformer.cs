using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.ChangeDetection;
using Streamiz.Kafka.Net.Processors.Public;

namespace StreamingCL.Processors.Drift;

/// <summary>
/// Concept drift: a change detector (<see cref="DriftOptions.Detector"/>, ADWIN by default) per
/// model version (shadow versions included) over the per-example error of its labeled examples, in
/// the order they arrive; examples without a label were counted and left out before.
/// Per version rather than per model: a canary and the production version serve at the same time,
/// and a new version's different error level is a deployment, not a drift. The rules:
/// <list type="bullet">
/// <item>When the detector signals a change, one DriftMetric of kind CONCEPT, feature
/// <c>__error__</c>, severity DRIFT: the window runs from the first example the detector watched
/// to the one that signalled (feedback times), sample_size counts them, and the statistics hold
/// their mean_error plus what the detector exposes (ADWIN: estimate, the mean error of the window
/// it kept after the cut, and width; KSWIN: ks_statistic, ks_p_value). Like River's detectors, it
/// then starts afresh.</item>
/// <item>A detector with a warning zone (DDM, EDDM, HDDM) also gives one WARNING metric each time
/// it enters that zone.</item>
/// </list>
/// State: the detectors live in memory, one per version labeled within
/// <see cref="DriftOptions.DetectorIdleTimeout"/> of stream time (older ones are dropped by a
/// stream-time punctuation). They are not persisted, since detectors expose no state to store:
/// after a restart or a rebalance a version's detector starts afresh, as River's after a reset,
/// and needs its warm-up again before it can signal.
/// </summary>
internal sealed class ConceptDriftTransformer(DriftOptions options) : ITransformer<string, DriftInput, string, Routed<DriftMetric>>
{
    private readonly Dictionary<(string Model, int Version), Watch> _watches = [];
    private readonly string _detector = ChangeDetectorFactory.DetectorNames.First(name => string.Equals(name, options.Detector, StringComparison.OrdinalIgnoreCase));
    private ProcessorContext<string, Routed<DriftMetric>>? _context;

    public void Init(ProcessorContext<string, Routed<DriftMetric>> context)
    {
        _context = context;
        context.Schedule(options.DetectorIdleTimeout, PunctuationType.STREAM_TIME, EvictIdle);
    }

    public Record<string, Routed<DriftMetric>> Process(Record<string, DriftInput> record)
    {
        var error = record.Value.Error!;
        var key = (error.ModelName, error.ModelVersion);
        if (!_watches.TryGetValue(key, out var watch))
        {
            watch = _watches[key] = new Watch(options.CreateDetector());
        }

        watch.Observe(error, record.Timestamp.UnixTimestampMs);
        if (watch.Detector.DriftDetected)
        {
            Emit(error, watch, DriftSeverity.Drift);
            watch.Restart();
        }
        else if (watch.EnteredWarning)
        {
            Emit(error, watch, DriftSeverity.Warning);
        }

        return null!;
    }

    public void Close()
    {
    }

    private void EvictIdle(long streamTime)
    {
        var idleSince = streamTime - (long)options.DetectorIdleTimeout.TotalMilliseconds;
        foreach (var key in _watches.Where(pair => pair.Value.LastSeenMs < idleSince).Select(pair => pair.Key).ToList())
        {
            _watches.Remove(key);
        }
    }

    private void Emit(LabeledError error, Watch watch, DriftSeverity severity)
    {
        var statistics = new Dictionary<string, double> { ["mean_error"] = watch.ErrorSum / watch.Examples };
        switch (watch.Detector)
        {
            case Adwin adwin:
                statistics["estimate"] = adwin.Mean;
                statistics["width"] = adwin.Width;
                break;
            case Kswin kswin:
                statistics["ks_statistic"] = kswin.Statistic;
                statistics["ks_p_value"] = kswin.PValue;
                break;
        }

        _context!.Forward($"{error.ModelName}/{DriftMetric.ErrorFeature}", Routed.Accept(new DriftMetric
        {
            ModelName = error.ModelName,
            ModelVersion = error.ModelVersion,
            Feature = DriftMetric.ErrorFeature,
            Kind = DriftKind.Concept,
            WindowStart = DateTimeOffset.FromUnixTimeMilliseconds(watch.FirstMs),
            WindowEnd = DateTimeOffset.FromUnixTimeMilliseconds(error.TimestampMs),
            SampleSize = watch.Examples,
            Statistics = statistics,
            Detector = _detector,
            Severity = severity,
        }));
    }

    /// <summary>A version's detector and the stretch of examples it has watched since it (re)started.</summary>
    private sealed class Watch(IChangeDetector detector)
    {
        private bool _warning;

        public IChangeDetector Detector { get; } = detector;

        public long FirstMs { get; private set; }

        public long Examples { get; private set; }

        public double ErrorSum { get; private set; }

        /// <summary>Record time of the last example, for eviction by the stream-time punctuation.</summary>
        public long LastSeenMs { get; private set; }

        /// <summary>Whether the last example moved the detector into its warning zone.</summary>
        public bool EnteredWarning { get; private set; }

        public void Observe(LabeledError error, long recordTimestampMs)
        {
            if (Examples == 0)
            {
                FirstMs = error.TimestampMs;
            }

            Examples++;
            ErrorSum += error.Value;
            LastSeenMs = recordTimestampMs;
            Detector.Update(error.Value);
            EnteredWarning = Detector.WarningDetected && !_warning;
            _warning = Detector.WarningDetected;
        }

        /// <summary>The detector restarts by itself on its next update (River's semantics); the stretch restarts now.</summary>
        public void Restart()
        {
            Examples = 0;
            ErrorSum = 0;
            _warning = false;
        }
    }
}
