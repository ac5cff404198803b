using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Interleaving;
using StreamingCL.Statistics.Performance;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace StreamingCL.Processors.Experiments;

/// <summary>A record for the output topics: an experiment metric or a traffic allocation.</summary>
/// <param name="Metric">The metric, or null.</param>
/// <param name="Allocation">The allocation, or null.</param>
internal sealed record ExperimentOutput(ExperimentMetric? Metric, TrafficAllocation? Allocation);

/// <summary>
/// Analyses the experiments this task owns (the input is partitioned by experiment_id). The rules,
/// in event time and deterministic for a given input order:
/// <list type="bullet">
/// <item>Units, AbTest: a unit counts once per scope, in the variant it was first seen in
/// (intention to treat: the assignment is what was randomised), and its outcomes count there
/// whatever variant served them.</item>
/// <item>Units, Canary and Bandit: a ramp or a reallocation moves units between variants all the
/// time, so each variant is measured on what it served: a unit counts once per scope in every
/// variant that served it (so in two variants if both did), with the outcomes of the predictions
/// each served; the guardrail counts each labeled prediction in the variant that served it.</item>
/// <item>A unit served by more than one variant is counted in the multiple_exposure_units of each
/// variant it counts in. Its value in a variant is the sum of its outcomes there (for a proportion:
/// 1 once one outcome converted), and the variant's n, Σx, Σx² follow each change of a unit's value
/// (Σx += new - old, Σx² += new² - old²), so no statistic ever rescans the units.</item>
/// <item>Outcomes are counted as they come: the join emits one labeled example per prediction and the
/// application runs exactly-once, so a labeled example is not counted twice (under at-least-once, a
/// replay after a crash can count one twice, as in any Kafka Streams aggregation).</item>
/// <item>Windows: tumbling windows of the prediction time, <see cref="ExperimentOptions.WindowSize"/>,
/// emitted once (WINDOW scope) when stream time passes their end plus
/// <see cref="ExperimentOptions.WindowGrace"/>. A record for a window that stream time has already
/// passed that far is late: it counts in the CUMULATIVE scope only.</item>
/// <item>Every <see cref="ExperimentOptions.EmitInterval"/> of stream time: closed windows are emitted,
/// then the CUMULATIVE scope of every experiment that received records since its last emission
/// (window_start = the earliest prediction time, window_end = the stream time).</item>
/// <item>Shadow: the served and the shadow labeled examples of one prediction_id are paired; one that
/// waits longer than <see cref="ExperimentOptions.ShadowPairingTimeout"/> is dropped from the
/// pending store, and a shadow one that never met its served example counts as unpaired. A second
/// served example, or a second one of the same shadow variant, is dead-lettered as DUPLICATE.</item>
/// <item>Bandits: every reallocation interval of wall-clock time, the task that owns the experiment
/// publishes a traffic allocation computed from the arms' cumulative statistics.</item>
/// <item>A record whose experiment was removed from, or no longer fits, the options while it was in
/// the repartition topic is dead-lettered (UNKNOWN_MODEL, INVALID_VALUE) with its original
/// coordinates; it carries no payload, as the repartition topic holds a projection of the event.</item>
/// </list>
/// State: per experiment one small entry (its tallies and open windows), in memory and cached so the
/// changelog gets one record per experiment and commit rather than per input record; per unit one
/// entry for the cumulative scope and one per open window, in RocksDB (units grow with the
/// experiment's reach); per waiting shadow example one entry, in memory, until its timeout. Window
/// units are deleted when their window closes; an experiment idle for
/// <see cref="ExperimentOptions.IdleRetention"/> of stream time is over, and all of its state is
/// deleted, as is the state of an experiment whose kind or metric changed in the options (its tallies
/// measured something else). Every store is logged to a compacted changelog.
/// </summary>
internal sealed class ExperimentTransformer : ITransformer<string, Observation, string, Routed<ExperimentOutput>>
{
    public const string StateStoreName = "experiment-state";
    public const string UnitStoreName = "experiment-units";
    public const string WindowUnitStoreName = "experiment-window-units";
    public const string ShadowStoreName = "experiment-shadow-pairs";

    private readonly ExperimentOptions _options;
    private readonly ProcessorEnvironment _environment;
    private readonly Dictionary<string, BanditAllocator> _bandits;
    private readonly long _windowMs;
    private readonly long _graceMs;
    private long _streamTimeMs = long.MinValue;
    private ProcessorContext<string, Routed<ExperimentOutput>>? _context;
    private IKeyValueStore<string, ExperimentState>? _states;
    private IKeyValueStore<string, UnitState>? _units;
    private IKeyValueStore<string, UnitState>? _windowUnits;
    private IKeyValueStore<string, ShadowPending>? _pending;

    public ExperimentTransformer(ExperimentOptions options, ProcessorEnvironment environment)
    {
        _options = options;
        _environment = environment;
        _bandits = options.Experiments.Where(experiment => experiment.Kind == ExperimentKind.Bandit)
            .ToDictionary(experiment => experiment.Id, experiment => new BanditAllocator(experiment), StringComparer.Ordinal);
        _windowMs = (long)options.WindowSize.TotalMilliseconds;
        _graceMs = (long)options.WindowGrace.TotalMilliseconds;
    }

    private ProcessorContext<string, Routed<ExperimentOutput>> Context => _context!;

    private IKeyValueStore<string, ExperimentState> States => _states!;

    public void Init(ProcessorContext<string, Routed<ExperimentOutput>> context)
    {
        _context = context;
        _states = (IKeyValueStore<string, ExperimentState>)context.GetStateStore(StateStoreName);
        _units = (IKeyValueStore<string, UnitState>)context.GetStateStore(UnitStoreName);
        _windowUnits = (IKeyValueStore<string, UnitState>)context.GetStateStore(WindowUnitStoreName);
        _pending = (IKeyValueStore<string, ShadowPending>)context.GetStateStore(ShadowStoreName);
        context.Schedule(_options.EmitInterval, PunctuationType.STREAM_TIME, Emit);
        foreach (var (id, allocator) in _bandits)
        {
            context.Schedule(_options.Find(id)!.Bandit!.ReallocationInterval, PunctuationType.PROCESSING_TIME, now => Reallocate(id, allocator, now));
        }
    }

    /// <summary>Results are forwarded (by the punctuations); nothing is returned.</summary>
    public Record<string, Routed<ExperimentOutput>> Process(Record<string, Observation> record)
    {
        _streamTimeMs = Math.Max(_streamTimeMs, record.Timestamp.UnixTimestampMs);
        var observation = record.Value;
        var experiment = _options.Find(observation.ExperimentId);
        if (Misfit(experiment, observation) is { } problem)
        {
            Reject(observation, problem);
            return null!;
        }

        var state = Current(experiment!) ?? ExperimentState.Start(observation.EventTimeMs, ExperimentState.BasisOf(experiment!));
        var window = OpenWindow(state, observation.EventTimeMs);
        switch (observation)
        {
            case UnitObservation unit:
                var assigned = Count(state.Cumulative, _units!, Key(unit.ExperimentId, unit.UnitId), null, unit, experiment!);
                if (window is { } open)
                {
                    Count(open.Tallies, _windowUnits!, Key(unit.ExperimentId, $"{open.Start}\0{unit.UnitId}"), assigned.Arms[0].Variant, unit, experiment!);
                }

                break;
            case ShadowObservation shadow:
                if (!Pair(state.Cumulative, window?.Tallies, shadow))
                {
                    return null!; // a duplicate, dead-lettered: the state stays as it was
                }

                break;
            case ImpressionObservation impression:
                Credit(state.Cumulative.Interleaving, impression.Credit);
                if (window is not null)
                {
                    Credit(window.Value.Tallies.Interleaving, impression.Credit);
                }

                break;
        }

        state.StartMs = Math.Min(state.StartMs, observation.EventTimeMs);
        state.LastEventMs = Math.Max(state.LastEventMs, observation.EventTimeMs);
        state.Changed = true;
        States.Put(observation.ExperimentId, state);
        return null!;
    }

    public void Close()
    {
    }

    // The window of the prediction time, unless stream time has passed its end plus the grace (or it
    // was already emitted: stream time restarts from the records after a restart).
    private (long Start, Tallies Tallies)? OpenWindow(ExperimentState state, long eventTimeMs)
    {
        var start = eventTimeMs - (((eventTimeMs % _windowMs) + _windowMs) % _windowMs);
        var end = start + _windowMs;
        if (end <= state.WindowsClosedUntilMs || end + _graceMs <= _streamTimeMs)
        {
            return null;
        }

        if (!state.Windows.TryGetValue(start, out var tallies))
        {
            state.Windows[start] = tallies = new Tallies();
        }

        return (start, tallies);
    }

    // Counts the observation in one scope and returns the unit's state there. An AbTest's unit
    // counts in its first variant (in a window: the assigned one, its first in the whole
    // experiment); a Canary's or Bandit's in the variant that served it.
    private static UnitState Count(Tallies tallies, IKeyValueStore<string, UnitState> store, string key, string? assignedVariant, UnitObservation observation, ExperimentDefinition experiment)
    {
        var known = store.Get(key);
        var unit = known ?? new UnitState([], false);
        var name = experiment.Kind == ExperimentKind.AbTest
            ? assignedVariant ?? (unit.Arms.Count > 0 ? unit.Arms[0].Variant : observation.Variant)
            : observation.Variant;
        var variant = tallies.Variant(name);
        var arm = unit.Arms.FirstOrDefault(candidate => candidate.Variant == name);
        if (arm is null)
        {
            arm = new UnitArm(name, 0.0);
            unit = unit with { Arms = [.. unit.Arms, arm] };
            variant.Units++;
            variant.MultipleExposureUnits += unit.MultipleExposures ? 1 : 0;
        }

        if (!unit.MultipleExposures && unit.Arms.Any(other => other.Variant != observation.Variant))
        {
            unit = unit with { MultipleExposures = true };
            foreach (var other in unit.Arms)
            {
                tallies.Variant(other.Variant).MultipleExposureUnits++;
            }
        }

        if (observation.Outcome is { } outcome)
        {
            var type = experiment.Metric.Type;
            var updated = arm with { Sum = arm.Sum + outcome };
            variant.Replace(Value(arm.Sum, type), Value(updated.Sum, type));
            unit = unit with { Arms = [.. unit.Arms.Select(other => other.Variant == name ? updated : other)] };
        }

        if (observation.Error is { } error)
        {
            // Only a Canary has a guardrail: the variant that served the prediction is the one counted.
            variant.GuardrailTrials++;
            variant.GuardrailErrors += error ? 1 : 0;
        }

        if (unit != known)
        {
            store.Put(key, unit);
        }

        return unit;
    }

    private static double Value(double sum, MetricType type) => type == MetricType.Proportion ? (sum > 0 ? 1.0 : 0.0) : sum;

    /// <summary>Pairs a shadow experiment's example with its counterparts; false when it is a duplicate.</summary>
    private bool Pair(Tallies cumulative, Tallies? window, ShadowObservation observation)
    {
        var key = Key(observation.ExperimentId, observation.PredictionId);
        var pending = _pending!.Get(key) ?? new ShadowPending(null, [], [], observation.EventTimeMs);
        if (observation.Shadow)
        {
            if (pending.Paired.Contains(observation.Variant) || pending.Waiting.Any(waiting => waiting.Variant == observation.Variant))
            {
                Reject(observation, new EventProblem(DeadLetterKind.Duplicate, $"A shadow labeled example of variant '{observation.Variant}' for this prediction_id was already received."));
                return false;
            }

            pending = pending.Served is { } served
                ? pending with { Paired = [.. pending.Paired, Compare(cumulative, window, served, observation)] }
                : pending with { Waiting = [.. pending.Waiting, observation] };
        }
        else
        {
            if (pending.Served is not null)
            {
                Reject(observation, new EventProblem(DeadLetterKind.Duplicate, "A served labeled example for this prediction_id was already received."));
                return false;
            }

            pending = new ShadowPending(observation, [], [.. pending.Paired, .. pending.Waiting.Select(waiting => Compare(cumulative, window, observation, waiting))], pending.EventTimeMs);
        }

        _pending.Put(key, pending);
        return true;
    }

    // Tallies one served/shadow pair in both scopes; returns the shadow variant.
    private string Compare(Tallies cumulative, Tallies? window, ShadowObservation served, ShadowObservation shadow)
    {
        bool servedDecision = served.Score >= _options.DecisionThreshold, shadowDecision = shadow.Score >= _options.DecisionThreshold;
        var positive = served.Positive ?? shadow.Positive;
        foreach (var tally in new[] { cumulative, window }.OfType<Tallies>().Select(tallies => tallies.Shadow(shadow.Variant)))
        {
            tally.Pairs++;
            tally.Agreements += servedDecision == shadowDecision ? 1 : 0;
            if (positive is { } label)
            {
                tally.LabeledPairs++;
                tally.ControlCorrect += servedDecision == label ? 1 : 0;
                tally.VariantCorrect += shadowDecision == label ? 1 : 0;
                tally.LabeledDisagreements += servedDecision != shadowDecision ? 1 : 0;
                tally.ControlLogLoss += ClassificationMetrics.ExampleLogLoss(served.Score, label);
                tally.VariantLogLoss += ClassificationMetrics.ExampleLogLoss(shadow.Score, label);
            }
        }

        return shadow.Variant;
    }

    private static void Credit(InterleavingCounts counts, InterleavingOutcome outcome)
    {
        switch (outcome)
        {
            case InterleavingOutcome.AWins:
                counts.AWins++;
                break;
            case InterleavingOutcome.BWins:
                counts.BWins++;
                break;
            default:
                counts.Ties++;
                break;
        }
    }

    private void Emit(long streamTimeMs)
    {
        ExpireShadowPairs(streamTimeMs);
        // Materialised before writing: a store must not change while it is enumerated.
        foreach (var (id, state) in States.All().OrderBy(entry => entry.Key, StringComparer.Ordinal).ToList())
        {
            if (_options.Find(id) is not { } experiment || state.Basis != ExperimentState.BasisOf(experiment))
            {
                Drop(id); // removed from the options, or now measured differently
                continue;
            }

            foreach (var (start, tallies) in state.Windows.Where(window => window.Key + _windowMs + _graceMs <= streamTimeMs).ToList())
            {
                Publish(experiment, tallies, new Period(MetricScope.Window, start, start + _windowMs));
                state.Windows.Remove(start);
                state.WindowsClosedUntilMs = Math.Max(state.WindowsClosedUntilMs, start + _windowMs);
                DeleteRange(_windowUnits!, $"{id}\0{start}");
            }

            if (state.Changed)
            {
                Publish(experiment, state.Cumulative, new Period(MetricScope.Cumulative, state.StartMs, Math.Max(streamTimeMs, state.LastEventMs + 1)));
                state.Changed = false;
            }

            if (state.LastEventMs + (long)_options.IdleRetention.TotalMilliseconds <= streamTimeMs)
            {
                Drop(id);
            }
            else
            {
                States.Put(id, state);
            }
        }
    }

    private void Publish(ExperimentDefinition experiment, Tallies tallies, Period period)
    {
        foreach (var metric in ExperimentAnalysis.Metrics(experiment, tallies, period))
        {
            Context.Forward($"{metric.ExperimentId}/{metric.Variant}", Routed.Accept(new ExperimentOutput(metric, null)));
        }
    }

    private void ExpireShadowPairs(long streamTimeMs)
    {
        var timeoutMs = (long)_options.ShadowPairingTimeout.TotalMilliseconds;
        foreach (var (key, pending) in _pending!.All().Where(entry => entry.Value.EventTimeMs + timeoutMs <= streamTimeMs).ToList())
        {
            _pending.Delete(key);
            if (pending.Waiting.Count > 0 && _options.Find(pending.Waiting[0].ExperimentId) is { } experiment && Current(experiment) is { } state)
            {
                foreach (var waiting in pending.Waiting)
                {
                    state.Cumulative.Shadow(waiting.Variant).Unpaired++;
                    if (OpenWindow(state, waiting.EventTimeMs) is { } window)
                    {
                        window.Tallies.Shadow(waiting.Variant).Unpaired++;
                    }
                }

                state.Changed = true;
                States.Put(pending.Waiting[0].ExperimentId, state);
            }
        }
    }

    private void Reallocate(string id, BanditAllocator allocator, long nowMs)
    {
        // Only the task that owns the experiment (and has seen its traffic) holds its state.
        if (Current(_options.Find(id)!) is not { } state)
        {
            return;
        }

        var allocation = allocator.Allocate(state, nowMs);
        States.Put(id, state);
        Context.Forward(id, Routed.Accept(new ExperimentOutput(null, allocation)));
    }

    /// <summary>
    /// The experiment's state, or null. State kept under another kind or metric of the experiment
    /// (the options changed) measured something else: it is dropped, and the experiment restarts.
    /// </summary>
    private ExperimentState? Current(ExperimentDefinition experiment)
    {
        var state = States.Get(experiment.Id);
        if (state is not null && state.Basis != ExperimentState.BasisOf(experiment))
        {
            Drop(experiment.Id);
            return null;
        }

        return state;
    }

    private void Drop(string id)
    {
        DeleteRange(_units!, id);
        DeleteRange(_windowUnits!, id);
        DeleteRange(_pending!, id);
        States.Delete(id);
    }

    // Keys are prefix\0...: the range [prefix\0, prefix\x01] holds exactly them (ids have no control characters).
    private static void DeleteRange<T>(IKeyValueStore<string, T> store, string prefix)
    {
        // ToList reads the range to the end and closes it: the store must not change while it is enumerated.
        foreach (var key in store.Range(prefix + "\0", prefix + "\u0001").ToList().Select(entry => entry.Key))
        {
            store.Delete(key);
        }
    }

    // experiment\0unit, experiment\0window start\0unit, experiment\0prediction_id: an experiment's entries
    // (and a window's) share a prefix, so they can be deleted together.
    private static string Key(string experimentId, string id) => $"{experimentId}\0{id}";

    private static EventProblem? Misfit(ExperimentDefinition? experiment, Observation observation)
    {
        if (experiment is null)
        {
            return new EventProblem(DeadLetterKind.UnknownModel, $"experiment_id '{observation.ExperimentId}' is no longer defined (the options changed while the record was in the repartition topic).");
        }

        var fits = observation switch
        {
            UnitObservation unit => (experiment.Kind is ExperimentKind.AbTest or ExperimentKind.Canary or ExperimentKind.Bandit) && experiment.Variants.Contains(unit.Variant),
            ShadowObservation => experiment.Kind == ExperimentKind.Shadow,
            _ => experiment.Kind == ExperimentKind.Interleaving,
        };
        return fits ? null : new EventProblem(DeadLetterKind.InvalidValue, $"The record no longer fits experiment '{experiment.Id}' (the options changed while it was in the repartition topic).");
    }

    private void Reject(Observation observation, EventProblem problem) =>
        Context.Forward(observation.PredictionId, Routed.Reject<ExperimentOutput>(
            DeadLetterRouting.Rejection(observation.Origin, observation.PredictionId, null, problem, _options.ApplicationId, _environment.Clock)));
}
