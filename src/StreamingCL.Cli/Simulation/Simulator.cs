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
internal sealed class Simulator(SimulationOptions options, ModelRouter router, PredictionLogger predictions, FeedbackReporter feedback, double decisionThreshold, TimeProvider time)
{
    private const string ColdStartVariant = "cold-start";

    private readonly PriorityQueue<Feedback, DateTimeOffset> _pending = new();

    // Ids must not repeat across runs of the same seed inside the join's window; the draws do.
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>What was sent; complete once <see cref="RunAsync"/> has returned.</summary>
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
            for (var due = Math.Min(total, (long)(elapsed.TotalSeconds * options.RequestsPerSecond)); served < due; served++)
            {
                var driftShare = options.DriftShare(TimeSpan.FromSeconds(served / options.RequestsPerSecond));
                if (driftShare > 0)
                {
                    Counters.DriftStartedAt ??= time.GetUtcNow();
                }

                await ServeAsync($"req-{_run}-{served}", random, driftShare, cancellation);
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
        Counters.Predictions++;
        Counters.ShadowPredictions += prediction.Shadows.Count;
        Counters.ColdStartPredictions += prediction.ModelVersion == 0 ? 1 : 0;

        var clicked = random.NextDouble() < request.ClickProbability;
        var lost = random.NextDouble() < options.FeedbackLoss;
        var delay = options.MinFeedbackDelay + ((options.MaxFeedbackDelay - options.MinFeedbackDelay) * random.NextDouble());
        if (lost)
        {
            Counters.LostFeedback++;
            return;
        }

        var at = prediction.Timestamp + delay;
        _pending.Enqueue(new Feedback { PredictionId = id, Timestamp = at, Label = clicked ? 1 : 0, Kind = FeedbackKind.Implicit }, at);
    }

    private RoutedPrediction Predict(string id, string unit, Request request)
    {
        // The router's models are checked first: an exception per cold-start request would cost more than the request.
        if (router.Models.Contains(ClickConcept.Model))
        {
            try
            {
                return router.Predict(ClickConcept.Model, unit, request.Numeric, request.Categorical) with { PredictionId = id };
            }
            catch (UnknownModelException)
            {
                // The model's last servable version went away between the check and the call.
            }
        }

        var score = ClickConcept.ColdStartScore(request);
        return new RoutedPrediction
        {
            PredictionId = id,
            ModelName = ClickConcept.Model,
            ModelVersion = 0,
            UnitId = unit,
            Variant = ColdStartVariant,
            Score = score,
            PredictedLabel = score >= decisionThreshold ? 1 : 0,
            Timestamp = time.GetUtcNow(),
            NumericFeatures = request.Numeric,
            CategoricalFeatures = request.Categorical,
        };
    }

    private async Task DeliverFeedbackAsync(DateTimeOffset now, CancellationToken cancellation)
    {
        while (_pending.TryPeek(out var next, out var dueAt) && dueAt <= now)
        {
            _pending.Dequeue();
            await feedback.ReportAsync(next, cancellation);
            Counters.Feedback++;
        }
    }
}

/// <summary>What the simulator sent (cold-start predictions were served by popularity, before the model's first version).</summary>
internal sealed class SimulationCounters
{
    public long Predictions { get; set; }

    public long ColdStartPredictions { get; set; }

    public long ShadowPredictions { get; set; }

    public long Feedback { get; set; }

    public long LostFeedback { get; set; }

    /// <summary>When the first request after the change of trend was served (the schedule's DriftAt, as late as the app served it).</summary>
    public DateTimeOffset? DriftStartedAt { get; set; }
}
