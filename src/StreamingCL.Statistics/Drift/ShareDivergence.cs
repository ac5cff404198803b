namespace StreamingCL.Statistics.Drift;

/// <summary>Divergences between two vectors of bin shares (the reference p and the current q).</summary>
internal static class ShareDivergence
{
    /// <summary>Shares of exactly zero are replaced by this before PSI takes logarithms.</summary>
    internal const double PsiZeroShareFloor = 1e-4;

    /// <summary>PSI = Σ (q - p) ln(q / p), each zero share replaced by 1e-4 (no renormalisation).</summary>
    internal static double PopulationStabilityIndex(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        var psi = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i] == 0 ? PsiZeroShareFloor : p[i];
            var qi = q[i] == 0 ? PsiZeroShareFloor : q[i];
            psi += (qi - pi) * Math.Log(qi / pi);
        }

        return psi;
    }

    /// <summary>
    /// Jensen-Shannon distance in base 2 on the raw shares, as
    /// scipy.spatial.distance.jensenshannon(p, q, base=2): both vectors renormalised to sum 1,
    /// 0 ln 0 = 0, so the result lies in [0, 1] and no floor is needed.
    /// </summary>
    internal static double JensenShannonDistance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double pTotal = 0, qTotal = 0;
        for (var i = 0; i < p.Length; i++)
        {
            pTotal += p[i];
            qTotal += q[i];
        }

        var divergence = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            double pi = p[i] / pTotal, qi = q[i] / qTotal, mi = 0.5 * (pi + qi);
            divergence += RelativeEntropyTerm(pi, mi) + RelativeEntropyTerm(qi, mi);
        }

        // Rounding can leave a divergence of -1e-17 for identical shares: clamp before the square root.
        return Math.Sqrt(Math.Max(0.0, divergence / Math.Log(2) / 2));
    }

    private static double RelativeEntropyTerm(double x, double m) => x > 0 ? x * Math.Log(x / m) : 0.0;
}
