using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace StreamingCL.Processors.Join;

/// <summary>A prediction or a feedback, merged into one stream keyed by prediction_id.</summary>
/// <param name="Prediction">The prediction, or null.</param>
/// <param name="Feedback">The feedback, or null.</param>
internal sealed record JoinInput(Prediction? Prediction, Feedback? Feedback);

/// <summary>
/// Joins each prediction with its feedback, once. The rules, in event time (the events' own
/// timestamps) and deterministic for a given input order:
/// <list type="bullet">
/// <item>Feedback joins every prediction of its prediction_id: the served one and the shadow ones
/// (computed on the same request by versions in shadow), each giving one labeled example.</item>
/// <item>It joins when it comes at most <see cref="JoinOptions.FeedbackWindow"/> after the
/// prediction; a negative delay (clock skew between services) counts as 0. Later feedback is
/// dead-lettered as UNMATCHED.</item>
/// <item>Feedback arriving before any prediction waits <see cref="JoinOptions.UnmatchedGrace"/> of
/// stream time, then is dead-lettered as UNMATCHED.</item>
/// <item>A second served prediction, a second shadow prediction of the same model version, or a
/// second feedback for an id is dead-lettered as DUPLICATE: never a second labeled example.</item>
/// <item>A prediction without feedback within the window expires silently: unlabeled traffic is
/// normal, not an error.</item>
/// </list>
/// State is one entry per prediction_id in a logged store, purged by a stream-time punctuation
/// once the window has passed, so it is bounded by the window's traffic. An in-memory queue of
/// expiry times (rebuilt from the store when a task starts) makes each purge cost what expires,
/// not a scan of the store.
/// </summary>
internal sealed class JoinTransformer(JoinOptions options, ProcessorEnvironment environment) : ITransformer<string, JoinInput, string, Routed<LabeledExample>>
{
    public const string StoreName = "join-state";

    private readonly AvroEventSerde<Feedback> _feedbackSerde = environment.Serdes.For<Feedback>();
    private readonly AvroEventSerde<Prediction> _predictionSerde = environment.Serdes.For<Prediction>();
    private readonly PriorityQueue<string, long> _expiries = new();
    private ProcessorContext<string, Routed<LabeledExample>>? _context;
    private IKeyValueStore<string, JoinState>? _store;

    private IKeyValueStore<string, JoinState> Store => _store!;

    private ProcessorContext<string, Routed<LabeledExample>> Context => _context!;

    public void Init(ProcessorContext<string, Routed<LabeledExample>> context)
    {
        _context = context;
        _store = (IKeyValueStore<string, JoinState>)context.GetStateStore(StoreName);
        foreach (var (id, state) in _store.All())
        {
            _expiries.Enqueue(id, ExpiresAt(state));
        }

        context.Schedule(options.PurgeInterval, PunctuationType.STREAM_TIME, Purge);
    }

    /// <summary>Results are forwarded (one input can complete several joins); nothing is returned.</summary>
    public Record<string, Routed<LabeledExample>> Process(Record<string, JoinInput> record)
    {
        var origin = RecordOrigin.Of(record.TopicPartitionOffset, record.Timestamp);
        var state = Store.Get(record.Key);
        var next = record.Value.Prediction is { } prediction
            ? OnPrediction(record.Key, prediction, state, origin)
            : OnFeedback(record.Key, record.Value.Feedback!, state, origin);
        if (next is not null)
        {
            Store.Put(record.Key, next);
            if (state is null || ExpiresAt(state) != ExpiresAt(next))
            {
                _expiries.Enqueue(record.Key, ExpiresAt(next));
            }
        }

        return null!;
    }

    public void Close()
    {
    }

    private JoinState? OnPrediction(string id, Prediction prediction, JoinState? state, RecordOrigin origin)
    {
        var timestamp = prediction.Timestamp.ToUnixTimeMilliseconds();
        if (state is null)
        {
            return new JoinState([prediction], [], null, null, timestamp);
        }

        if (state.Knows(prediction))
        {
            Reject(id, origin, _predictionSerde.Serialize(prediction, origin.Topic), DeadLetterKind.Duplicate, $"A {JoinState.Identity(prediction)} prediction with this prediction_id was already received.");
            return null;
        }

        var firstPrediction = state.FeedbackOnly ? timestamp : state.TimestampMs;
        if (state.Feedback is { } feedback)
        {
            Join(id, prediction, feedback, state.FeedbackOrigin!);
            return state with { Joined = [.. state.Joined, JoinState.Identity(prediction)], TimestampMs = firstPrediction };
        }

        return state with { Waiting = [.. state.Waiting, prediction] };
    }

    private JoinState? OnFeedback(string id, Feedback feedback, JoinState? state, RecordOrigin origin)
    {
        if (state is null)
        {
            return new JoinState([], [], feedback, origin, feedback.Timestamp.ToUnixTimeMilliseconds());
        }

        if (state.Feedback is not null)
        {
            Reject(id, origin, _feedbackSerde.Serialize(feedback, origin.Topic), DeadLetterKind.Duplicate, "Feedback for this prediction_id was already received.");
            return null;
        }

        foreach (var prediction in state.Waiting)
        {
            Join(id, prediction, feedback, origin);
        }

        return state with { Waiting = [], Joined = [.. state.Joined, .. state.Waiting.Select(JoinState.Identity)], Feedback = feedback, FeedbackOrigin = origin };
    }

    private void Join(string id, Prediction prediction, Feedback feedback, RecordOrigin feedbackOrigin)
    {
        var delay = feedback.Timestamp - prediction.Timestamp;
        if (delay > options.FeedbackWindow)
        {
            Reject(
                id,
                feedbackOrigin,
                _feedbackSerde.Serialize(feedback, feedbackOrigin.Topic),
                DeadLetterKind.Unmatched,
                $"Feedback came {delay} after its {JoinState.Identity(prediction)} prediction, later than the feedback window ({options.FeedbackWindow}).");
            return;
        }

        Context.Forward(id, Routed.Accept(new LabeledExample
        {
            PredictionId = prediction.PredictionId,
            ModelName = prediction.ModelName,
            ModelVersion = prediction.ModelVersion,
            UnitId = prediction.UnitId,
            PredictionTimestamp = prediction.Timestamp,
            FeedbackDelay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay,
            NumericFeatures = prediction.NumericFeatures,
            CategoricalFeatures = prediction.CategoricalFeatures,
            Score = prediction.Score,
            Label = feedback.Label,
            Reward = feedback.Reward,
            ExperimentId = prediction.ExperimentId,
            Variant = prediction.Variant,
            Shadow = prediction.Shadow,
            Ranking = prediction.Ranking,
            ClickedItems = feedback.ClickedItems,
        }));
    }

    /// <summary>Drops what has expired; feedback that never found a prediction becomes a dead letter.</summary>
    private void Purge(long streamTime)
    {
        while (_expiries.TryPeek(out var id, out var expiresAt) && expiresAt < streamTime)
        {
            _expiries.Dequeue();
            var state = Store.Get(id);
            // A queue entry is stale when the id expired already or its expiry moved (feedback, then its prediction).
            if (state is null || ExpiresAt(state) != expiresAt)
            {
                continue;
            }

            Store.Delete(id);
            if (state.FeedbackOnly)
            {
                Reject(
                    id,
                    state.FeedbackOrigin!,
                    _feedbackSerde.Serialize(state.Feedback!, state.FeedbackOrigin!.Topic),
                    DeadLetterKind.Unmatched,
                    $"No prediction with this prediction_id arrived within {options.UnmatchedGrace} of the feedback.");
            }
        }
    }

    /// <summary>Feedback alone waits for the grace; anything with a prediction lasts the feedback window.</summary>
    private long ExpiresAt(JoinState state) =>
        state.TimestampMs + (long)(state.FeedbackOnly ? options.UnmatchedGrace : options.FeedbackWindow).TotalMilliseconds;

    private void Reject(string id, RecordOrigin origin, byte[] payload, DeadLetterKind kind, string reason) =>
        Context.Forward(id, Routed.Reject<LabeledExample>(
            DeadLetterRouting.Rejection(origin, id, payload, new EventProblem(kind, reason), options.ApplicationId, environment.Clock)));
}
