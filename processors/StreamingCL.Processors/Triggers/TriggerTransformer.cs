using StreamingCL.Kafka.Events;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace StreamingCL.Processors.Triggers;

/// <summary>
/// Applies <see cref="TriggerRules"/> to each model's evidence as it arrives, and the schedule at a
/// PROCESSING_TIME (wall-clock) punctuation every <see cref="ScheduleTriggerOptions.CheckInterval"/>
/// over every model the task has seen. Evidence older than
/// <see cref="TriggerOptions.MaxEvidenceAge"/> by the environment's clock is skipped first (counted,
/// reason stale). State: one entry per model (a logged store), which the rules keep bounded; models
/// are never forgotten, so the schedule keeps retraining a model that no longer sends evidence.
/// </summary>
internal sealed class TriggerTransformer(TriggerOptions options, ProcessorEnvironment environment)
    : ITransformer<string, TriggerInput, string, RetrainTrigger>
{
    public const string StoreName = "triggers-models";

    private readonly TriggerRules _rules = new(options, environment.Metrics);
    private ProcessorContext<string, RetrainTrigger>? _context;
    private IKeyValueStore<string, ModelTriggerState>? _store;

    private IKeyValueStore<string, ModelTriggerState> Store => _store!;

    public void Init(ProcessorContext<string, RetrainTrigger> context)
    {
        _context = context;
        _store = (IKeyValueStore<string, ModelTriggerState>)context.GetStateStore(StoreName);
        if (options.Schedule.Enabled)
        {
            context.Schedule(options.Schedule.CheckInterval, PunctuationType.PROCESSING_TIME, _ => CheckSchedule());
        }
    }

    /// <summary>Triggers are forwarded; nothing is returned.</summary>
    public Record<string, RetrainTrigger> Process(Record<string, TriggerInput> record)
    {
        var now = environment.Clock.GetUtcNow();
        if (_rules.IsStale(record.Value, now))
        {
            environment.Metrics.Skipped(options.ApplicationId, "stale");
            return null!;
        }

        var state = Store.Get(record.Key) ?? new ModelTriggerState { ScheduleBucketMs = _rules.ScheduleBucket(now) };
        var (next, trigger) = _rules.On(record.Key, state, record.Value, now);
        Store.Put(record.Key, next);
        Emit(record.Key, trigger);
        return null!;
    }

    public void Close()
    {
    }

    /// <summary>
    /// The wall-clock time comes from the environment's clock rather than the punctuation's
    /// argument, so that the schedule's ids and timestamps are those of the host's clock (and a
    /// test's fake one).
    /// </summary>
    private void CheckSchedule()
    {
        var now = environment.Clock.GetUtcNow();
        // Materialised before writing: the store must not change while it is enumerated.
        foreach (var (model, state) in Store.All().OrderBy(entry => entry.Key, StringComparer.Ordinal).ToList())
        {
            var (next, trigger) = _rules.OnSchedule(model, state, now);
            if (!ReferenceEquals(next, state))
            {
                Store.Put(model, next);
            }

            Emit(model, trigger);
        }
    }

    private void Emit(string model, RetrainTrigger? trigger)
    {
        if (trigger is not null)
        {
            _context!.Forward(model, trigger);
        }
    }
}
