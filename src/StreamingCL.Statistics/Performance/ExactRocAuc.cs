namespace StreamingCL.Statistics.Performance;

/// <summary>
/// Exact ROC AUC as the Mann-Whitney statistic: the share of (positive, negative) pairs ranked
/// correctly, ties counting 1/2. This is what scikit-learn's <c>roc_auc_score</c> computes from the
/// ROC curve, and what average ranks give.
/// </summary>
internal static class ExactRocAuc
{
    /// <summary>Sorts both spans in place and returns the AUC, or NaN when either is empty.</summary>
    public static double Compute(Span<double> positiveScores, Span<double> negativeScores)
    {
        if (positiveScores.IsEmpty || negativeScores.IsEmpty)
        {
            return double.NaN;
        }

        positiveScores.Sort();
        negativeScores.Sort();

        // Twice the U statistic, in integers: 2 per negative below a positive, 1 per tie.
        long twiceU = 0;
        var below = 0;
        for (var i = 0; i < positiveScores.Length;)
        {
            var score = positiveScores[i];
            var sameScore = 0;
            while (i < positiveScores.Length && positiveScores[i] == score)
            {
                sameScore++;
                i++;
            }

            while (below < negativeScores.Length && negativeScores[below] < score)
            {
                below++;
            }

            var belowOrTied = below;
            while (belowOrTied < negativeScores.Length && negativeScores[belowOrTied] == score)
            {
                belowOrTied++;
            }

            twiceU += (long)sameScore * (below + belowOrTied);
        }

        return twiceU / (2.0 * positiveScores.Length * negativeScores.Length);
    }
}
