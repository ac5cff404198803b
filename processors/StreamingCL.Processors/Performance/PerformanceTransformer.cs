using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Performance;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace StreamingCL.Processors.Performance;

/// <summary>
/// Tumbling windows of labeled examples per model version, published as one PerformanceMetric each
/// when they close. The rules, in event time (the record timestamp, which the topology sets to the
/// time the example was labeled):
/// <list type="bullet">
/// <item>An example belongs to the window [start, start + <see cref="PerformanceOptions.WindowSize"/>)
/// holding its timestamp, windows being aligned to the Unix epoch.</item>
/// <item>Stream time is the largest timestamp seen by the task. A window closes, and is published,
/// as soon as stream time reaches its end + <see cref="PerformanceOptions.Grace"/>: on the record
/// that moves stream time there, not at a punctuation. Streamiz schedules STREAM_TIME punctuations
/// from the first record, so one would close windows up to an interval late; stream time moves only
/// with records, so checking on each record is the same clock, exact.</item>
/// <item>An example whose window has reached its close time (end + grace &lt;= stream time) is late:
/// it is counted (streamingcl_skipped_total, reason late) and left out, so a published
/// window never changes. It stays on labeled-examples for the trainer.</item>
/// <item>The metrics are the statistics library's: <see cref="ClassificationMetrics"/> (accuracy at
/// the configured threshold, log_loss, brier, ece, auc as the histogram estimate and its
/// auc_error_bound) or <see cref="RegressionMetrics"/> (mae, rmse). A metric undefined in a window
/// (auc with a single class) is left out of the map rather than published as NaN.</item>
/// </list>
/// State: one entry per model version with open windows (the accumulators' snapshots: fixed size,
/// by the configured bins), deleted when its last window closes, so it is bounded by the versions
/// active within one window + grace; and the task's stream time, so that windows published before
/// a restart are still closed after it.
/// </summary>
internal sealed class PerformanceTransformer(PerformanceOptions options, ProcessorEnvironment environment)
    : ITransformer<string, LabeledExample, string, PerformanceMetric>
{
    public const string StoreName = "performance-windows";
    public const string StreamTimeStoreName = "performance-stream-time";
    private const string StreamTimeKey = "stream-time";

    private readonly long _size = (long)options.WindowSize.TotalMilliseconds;
    private readonly long _grace = (long)options.Grace.TotalMilliseconds;
    private ProcessorContext<string, PerformanceMetric>? _context;
    private IKeyValueStore<string, PerformanceState>? _store;
    private IKeyValueStore<string, StreamTime>? _streamTimeStore;
    private long _streamTime = long.MinValue;

    // Earliest close time of the open windows; null until the stores have been read (they are
    // restored after Init, before the first record).
    private long? _nextClose;

    private IKeyValueStore<string, PerformanceState> Store => _store!;

    public void Init(ProcessorContext<string, PerformanceMetric> context)
    {
        _context = context;
        _store = (IKeyValueStore<string, PerformanceState>)context.GetStateStore(StoreName);
        _streamTimeStore = (IKeyValueStore<string, StreamTime>)context.GetStateStore(StreamTimeStoreName);
    }

    /// <summary>Metrics are forwarded when windows close; nothing is returned.</summary>
    public Record<string, PerformanceMetric> Process(Record<string, LabeledExample> record)
    {
        if (_nextClose is null)
        {
            _streamTime = _streamTimeStore!.Get(StreamTimeKey)?.Ms ?? long.MinValue;
            _nextClose = Store.All().SelectMany(entry => entry.Value.Windows).Select(CloseTime).DefaultIfEmpty(long.MaxValue).Min();
        }

        var timestamp = record.Timestamp.UnixTimestampMs;
        _streamTime = Math.Max(_streamTime, timestamp);
        var start = timestamp - (((timestamp % _size) + _size) % _size);
        if (start + _size + _grace <= _streamTime)
        {
            environment.Metrics.Skipped(options.ApplicationId, "late");
            return null!;
        }

        Accumulate(record.Key, record.Value, start);
        _nextClose = Math.Min(_nextClose.Value, start + _size + _grace);
        if (_streamTime >= _nextClose)
        {
            CloseDueWindows();
        }

        return null!;
    }

    public void Close()
    {
    }

    private long CloseTime(PerformanceWindow window) => window.StartMs + _size + _grace;

    private void Accumulate(string key, LabeledExample example, long start)
    {
        // The topology validated the example for this task: a throw below would be a bug, not data.
        var task = options.TaskOf(example.ModelName)!.Value;
        var label = example.Label!.Value;
        var state = Store.Get(key) ?? new PerformanceState(example.ModelName, example.ModelVersion, []);
        var window = state.Windows.FirstOrDefault(open => open.StartMs == start && open.Task == task);
        PerformanceWindow updated;
        if (task == ModelTask.BinaryClassification)
        {
            var metrics = window?.Classification is { } snapshot
                ? ClassificationMetrics.Restore(snapshot)
                : new ClassificationMetrics(options.CalibrationBins, options.RocAucBins, options.DecisionThreshold);
            metrics.Add(example.Score, label == 1.0);
            updated = new PerformanceWindow(start, metrics.Snapshot(), null);
        }
        else
        {
            var metrics = window?.Regression is { } snapshot ? RegressionMetrics.Restore(snapshot) : new RegressionMetrics();
            metrics.Add(label, example.Score);
            updated = new PerformanceWindow(start, null, metrics.Snapshot());
        }

        Store.Put(key, state with { Windows = [.. state.Windows.Where(open => !ReferenceEquals(open, window)), updated] });
    }

    private void CloseDueWindows()
    {
        var next = long.MaxValue;
        // Materialised before writing: the store must not change while it is enumerated.
        foreach (var (key, state) in Store.All().OrderBy(entry => entry.Key, StringComparer.Ordinal).ToList())
        {
            var due = state.Windows.Where(window => CloseTime(window) <= _streamTime).OrderBy(window => window.StartMs).ToList();
            var open = state.Windows.Where(window => CloseTime(window) > _streamTime).ToList();
            foreach (var window in due)
            {
                _context!.Forward(key, Result(state, window));
            }

            if (open.Count == 0)
            {
                Store.Delete(key);
            }
            else if (due.Count > 0)
            {
                Store.Put(key, state with { Windows = open });
            }

            next = open.Select(CloseTime).Append(next).Min();
        }

        _nextClose = next;
        _streamTimeStore!.Put(StreamTimeKey, new StreamTime(_streamTime));
    }

    private PerformanceMetric Result(PerformanceState state, PerformanceWindow window)
    {
        long count;
        Dictionary<string, double> values;
        if (window.Classification is { } classification)
        {
            var metrics = ClassificationMetrics.Restore(classification);
            count = metrics.Count;
            values = new()
            {
                ["accuracy"] = metrics.Accuracy,
                ["log_loss"] = metrics.LogLoss,
                ["brier"] = metrics.BrierScore,
                ["ece"] = metrics.ExpectedCalibrationError,
                ["auc"] = metrics.RocAucEstimate,
                ["auc_error_bound"] = metrics.RocAucErrorBound,
            };
        }
        else
        {
            var metrics = RegressionMetrics.Restore(window.Regression!);
            count = metrics.Count;
            values = new() { ["mae"] = metrics.MeanAbsoluteError, ["rmse"] = metrics.RootMeanSquaredError };
        }

        return new PerformanceMetric
        {
            ModelName = state.ModelName,
            ModelVersion = state.ModelVersion,
            WindowStart = DateTimeOffset.FromUnixTimeMilliseconds(window.StartMs),
            WindowEnd = DateTimeOffset.FromUnixTimeMilliseconds(window.StartMs + _size),
            ExampleCount = count,
            Task = window.Task,
            Metrics = values.Where(metric => double.IsFinite(metric.Value)).ToDictionary(),
        };
    }
}
