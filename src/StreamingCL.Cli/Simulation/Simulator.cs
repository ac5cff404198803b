using StreamingCL.Client;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Simulation;

/// <summary>
/// A serving app and its users: requests at a steady rate, each scored through the
/// <see cref="ModelRouter"/> (or, before the model's first version, by popularity: the cold
/// start), logged with the <see cref="PredictionLogger"/>; the users click per
/// <see cref="ClickConcept"/>, and their feedback comes back after a delay, or never, through the
/// <see cref="FeedbackReporter"/>. Every draw comes from one seeded generator in one loop.
/// </summary>
internal sealed class Simulator(SimulationOptions options, ModelRouter router, PredictionLogger predictions, FeedbackReporter feedback, TimeProvider time)
{
    private const string ColdStartVariant = "cold-start";

    private readonly PriorityQueue<Feedback, DateTimeOffset> _pending = new();

    public SimulationCounters Counters { get; } = new();

    /// <summary>
    /// Serves RequestsPerSecond × <paramref name="duration"/> requests at that pace, then delivers
    /// the feedback still due: when it returns, every prediction and every feedback is queued to its
    /// logger. The trend a request follows depends on its place in the schedule, not on how late it
    /// is served, so a seed gives the same traffic however busy the machine.
    /// </summary>
    public async Task RunAsync(TimeSpan duration, CancellationToken cancellation)
    {
        options.Validate();
        var random = new Random(options.Seed);
        var total = (long)(duration.TotalSeconds * options.RequestsPerSecond);
        var started = time.GetTimestamp();
        long served = 0;
        while (served < total)
        {
            var elapsed = time.GetElapsedTime(started);
            Counters.Elapsed = elapsed;
            for (var due = Math.Min(total, (long)(elapsed.TotalSeconds * options.RequestsPerSecond)); served < due; served++)
            {
                var scheduled = TimeSpan.FromSeconds(served / options.RequestsPerSecond);
                await ServeAsync($"req-{options.Seed}-{served}", random, options.DriftShare(scheduled), cancellation);
            }

            await DeliverFeedbackAsync(time.GetUtcNow(), cancellation);
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellation);
        }

        while (_pending.TryPeek(out _, out var dueAt))
        {
            await Task.Delay(dueAt - time.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero, time, cancellation);
            await DeliverFeedbackAsync(time.GetUtcNow(), cancellation);
        }
    }

    private async Task ServeAsync(string id, Random random, double driftShare, CancellationToken cancellation)
    {
        var request = ClickConcept.Sample(random, driftShare);
        var unit = $"user-{random.Next(options.Units)}";
        var prediction = Predict(id, unit, request);
        await predictions.LogAsync(prediction, cancellationToken: cancellation);
        Counters.Served(prediction.ModelVersion, prediction.Shadows.Count);

        var clicked = random.NextDouble() < request.ClickProbability;
        var lost = random.NextDouble() < options.FeedbackLoss;
        var delay = options.MinFeedbackDelay + ((options.MaxFeedbackDelay - options.MinFeedbackDelay) * random.NextDouble());
        if (lost)
        {
            Counters.FeedbackLost();
            return;
        }

        var at = prediction.Timestamp + delay;
        _pending.Enqueue(new Feedback { PredictionId = id, Timestamp = at, Label = clicked ? 1 : 0, Kind = FeedbackKind.Implicit }, at);
    }

    private RoutedPrediction Predict(string id, string unit, Request request)
    {
        try
        {
            return router.Predict(ClickConcept.Model, unit, request.Numeric, request.Categorical) with { PredictionId = id };
        }
        catch (UnknownModelException)
        {
            var score = ClickConcept.ColdStartScore(request);
            return new RoutedPrediction
            {
                PredictionId = id,
                ModelName = ClickConcept.Model,
                ModelVersion = 0,
                UnitId = unit,
                Variant = ColdStartVariant,
                Score = score,
                PredictedLabel = score >= 0.5 ? 1 : 0,
                Timestamp = time.GetUtcNow(),
                NumericFeatures = request.Numeric,
                CategoricalFeatures = request.Categorical,
            };
        }
    }

    private async Task DeliverFeedbackAsync(DateTimeOffset now, CancellationToken cancellation)
    {
        while (_pending.TryPeek(out var next, out var dueAt) && dueAt <= now)
        {
            _pending.Dequeue();
            await feedback.ReportAsync(next, cancellation);
            Counters.FeedbackSent();
        }
    }
}

/// <summary>What the simulator has done so far; read by the demo's view while it runs.</summary>
internal sealed class SimulationCounters
{
    private long _predictions;
    private long _coldStart;
    private long _shadow;
    private long _feedback;
    private long _lost;
    private long _elapsedTicks;

    public long Predictions => Interlocked.Read(ref _predictions);

    public long ColdStartPredictions => Interlocked.Read(ref _coldStart);

    public long ShadowPredictions => Interlocked.Read(ref _shadow);

    public long Feedback => Interlocked.Read(ref _feedback);

    public long LostFeedback => Interlocked.Read(ref _lost);

    public TimeSpan Elapsed
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks));
        set => Interlocked.Exchange(ref _elapsedTicks, value.Ticks);
    }

    public void Served(int version, int shadows)
    {
        Interlocked.Increment(ref _predictions);
        Interlocked.Add(ref _shadow, shadows);
        if (version == 0)
        {
            Interlocked.Increment(ref _coldStart);
        }
    }

    public void FeedbackSent() => Interlocked.Increment(ref _feedback);

    public void FeedbackLost() => Interlocked.Increment(ref _lost);
}
