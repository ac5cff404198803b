using System.Diagnostics;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer;

/// <summary>The model trained on one window of past data, evaluated on the most recent period.</summary>
/// <param name="Window">How far back the training data reaches from the start of the evaluation period.</param>
/// <param name="TrainFrom">Start of the training data (inclusive).</param>
/// <param name="TrainTo">End of the training data (exclusive): the start of the evaluation period.</param>
/// <param name="TrainingExamples">Examples in the window.</param>
/// <param name="Metrics">Metrics on the evaluation period (auc, log_loss, ...; mae, rmse), empty when nothing was trained.</param>
/// <param name="FitDuration">Time spent fitting.</param>
/// <param name="Problem">Why nothing was trained (an empty window), if so.</param>
public sealed record FreshnessPoint(
    TimeSpan Window,
    DateTimeOffset TrainFrom,
    DateTimeOffset TrainTo,
    int TrainingExamples,
    IReadOnlyDictionary<string, double> Metrics,
    TimeSpan FitDuration,
    string? Problem);

/// <summary>The value of data freshness: one model per training window, all evaluated on the same recent period.</summary>
/// <param name="EvaluationFrom">Start of the evaluation period (inclusive).</param>
/// <param name="EvaluationTo">End of the evaluation period (inclusive): the latest example.</param>
/// <param name="EvaluationExamples">Examples in the evaluation period.</param>
/// <param name="RejectedExamples">Examples that cannot be trained on (NaN, missing label, ...), left out.</param>
/// <param name="Points">One point per window, in the order asked.</param>
public sealed record FreshnessReport(
    DateTimeOffset EvaluationFrom,
    DateTimeOffset EvaluationTo,
    int EvaluationExamples,
    int RejectedExamples,
    IReadOnlyList<FreshnessPoint> Points);

/// <summary>
/// What <c>streamingcl freshness</c> computes: the examples of the last
/// <c>evaluationPeriod</c> (by prediction time, up to the latest example) are the test set; for
/// each window w, a model is trained from scratch (a stateless retrain under the trainer's
/// options) on the examples of [start - w, start), start being the evaluation period's start,
/// and evaluated on the test set. Longer windows hold more, but older, data.
/// </summary>
public static class FreshnessAnalysis
{
    /// <summary>Runs the analysis on examples of <see cref="TrainerOptions.ModelName"/> (others are ignored).</summary>
    /// <exception cref="ArgumentException">No valid example, or a window or period that is not positive.</exception>
    public static FreshnessReport Run(
        IEnumerable<LabeledExample> examples, TrainerOptions options, IReadOnlyList<TimeSpan> windows, TimeSpan evaluationPeriod)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(windows);
        options.Validate();
        if (evaluationPeriod <= TimeSpan.Zero || windows.Any(w => w <= TimeSpan.Zero))
        {
            throw new ArgumentException("The evaluation period and every window must be positive.");
        }

        var featurizer = new Featurizer(options.Features);
        var valid = new List<BufferedExample>();
        var rejected = 0;
        foreach (var example in examples)
        {
            if (example.ModelName != options.ModelName)
            {
                continue;
            }

            if (featurizer.TryFeaturize(example, out var features, out var label) is not null)
            {
                rejected++;
                continue;
            }

            valid.Add(new BufferedExample(example, new ExamplePosition("", 0, valid.Count), features, label));
        }

        if (valid.Count == 0)
        {
            throw new ArgumentException($"No valid labeled example of {options.ModelName}.", nameof(examples));
        }

        var latest = valid.Max(e => e.Timestamp);
        var evaluationFrom = latest - evaluationPeriod;
        var evaluation = valid.Where(e => e.Timestamp >= evaluationFrom).ToList();
        var trainer = new LinearModelTrainer(options);
        var points = new List<FreshnessPoint>(windows.Count);
        foreach (var window in windows)
        {
            var from = evaluationFrom - window;
            var training = valid.Where(e => e.Timestamp >= from && e.Timestamp < evaluationFrom).ToList();
            if (training.Count == 0)
            {
                points.Add(new FreshnessPoint(window, from, evaluationFrom, 0, new Dictionary<string, double>(), TimeSpan.Zero, "no example in the window"));
                continue;
            }

            var weights = new float[training.Count];
            Array.Fill(weights, 1f);
            var started = Stopwatch.GetTimestamp();
            var model = trainer.Fit(featurizer, new TrainingSet(training, weights, training, "window"), null, options.FullRetrainIterations);
            var fit = Stopwatch.GetElapsedTime(started);
            points.Add(new FreshnessPoint(window, from, evaluationFrom, training.Count, HoldoutEvaluator.Evaluate(model, evaluation, featurizer.IsBinary), fit, null));
        }

        return new FreshnessReport(evaluationFrom, latest, evaluation.Count, rejected, points);
    }
}
