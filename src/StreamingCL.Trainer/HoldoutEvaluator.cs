using StreamingCL.Statistics.Performance;

namespace StreamingCL.Trainer;

/// <summary>
/// Metrics of a model on holdout examples, named as the performance processor names them.
/// Binary: auc (exact, Mann-Whitney with ties counting 1/2), log_loss (natural log, scikit-learn's
/// clipping), accuracy (p &gt;= 0.5), brier, ece (10 equal-width bins, top-label), from
/// <see cref="ClassificationMetrics"/> except the exact AUC. Regression: mae, rmse. Every map
/// also holds count; a metric that is undefined (AUC with one class) is left out.
/// </summary>
internal static class HoldoutEvaluator
{
    public const string Count = "count";
    public const string Auc = "auc";
    public const string LogLoss = "log_loss";
    public const string Accuracy = "accuracy";
    public const string Brier = "brier";
    public const string Ece = "ece";
    public const string Mae = "mae";
    public const string Rmse = "rmse";

    /// <summary>Scores each example with <paramref name="scorer"/> (its own featurisation) against the labels of the current spec.</summary>
    public static Dictionary<string, double> Evaluate(ModelScorer scorer, IReadOnlyList<BufferedExample> holdout, bool binary)
    {
        var scores = new double[holdout.Count];
        var labels = new float[holdout.Count];
        for (var i = 0; i < holdout.Count; i++)
        {
            scores[i] = scorer.Score(holdout[i].Source);
            labels[i] = holdout[i].Label;
        }

        return binary ? Binary(scores, labels) : Regression(scores, labels);
    }

    public static Dictionary<string, double> Binary(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels)
    {
        var metrics = new ClassificationMetrics();
        for (var i = 0; i < probabilities.Length; i++)
        {
            metrics.Add(probabilities[i], labels[i] > 0);
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [Count] = probabilities.Length,
            [LogLoss] = metrics.LogLoss,
            [Accuracy] = metrics.Accuracy,
            [Brier] = metrics.BrierScore,
            [Ece] = metrics.ExpectedCalibrationError,
            [Auc] = ExactAuc(probabilities, labels),
        };
        foreach (var key in result.Where(p => double.IsNaN(p.Value)).Select(p => p.Key).ToList())
        {
            result.Remove(key);
        }

        return result;
    }

    public static Dictionary<string, double> Regression(ReadOnlySpan<double> predictions, ReadOnlySpan<float> labels)
    {
        var metrics = new RegressionMetrics();
        for (var i = 0; i < predictions.Length; i++)
        {
            metrics.Add(labels[i], predictions[i]);
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal) { [Count] = predictions.Length };
        if (predictions.Length > 0)
        {
            result[Mae] = metrics.MeanAbsoluteError;
            result[Rmse] = metrics.RootMeanSquaredError;
        }

        return result;
    }

    /// <summary>ROC AUC as the Mann-Whitney U over average ranks; NaN without both classes.</summary>
    public static double ExactAuc(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        var order = new int[scores.Length];
        var keys = scores.ToArray();
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < keys.Length;)
        {
            var end = start;
            while (end + 1 < keys.Length && keys[end + 1] == keys[start])
            {
                end++;
            }

            // Ranks start+1 .. end+1 share their average.
            var averageRank = (start + end + 2) / 2.0;
            for (var k = start; k <= end; k++)
            {
                if (labels[order[k]] > 0)
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = scores.Length - positives;
        return positives == 0 || negatives == 0
            ? double.NaN
            : (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
