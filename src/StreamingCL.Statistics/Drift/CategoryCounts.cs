using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Statistics.Drift;

/// <summary>Pearson chi-square test result.</summary>
/// <param name="Statistic">Σ (observed - expected)² / expected.</param>
/// <param name="DegreesOfFreedom">Degrees of freedom.</param>
/// <param name="PValue">P(χ² &gt;= statistic).</param>
public readonly record struct ChiSquareTestResult(double Statistic, int DegreesOfFreedom, double PValue)
{
    /// <summary>
    /// One column of a 2 x K test of homogeneity: Σ over its two rows of (O - E)² / E, which for
    /// counts r of the reference's m and o of the current n is (r n - o m)² / (m n (r + o)).
    /// </summary>
    internal static double HomogeneityTerm(double reference, double referenceTotal, double current, double currentTotal) =>
        Square((reference * currentTotal) - (current * referenceTotal)) / (referenceTotal * currentTotal * (reference + current));

    /// <summary>One bin of a goodness-of-fit test: (O - E)² / E.</summary>
    internal static double GoodnessOfFitTerm(double observed, double expected) => Square(observed - expected) / expected;

    /// <summary>
    /// The result of a statistic summed over <paramref name="columns"/> non-empty columns (degrees of
    /// freedom: columns - 1). A single column carries no information (p = 1); an infinite statistic
    /// (values where the expectation is none) has p = 0.
    /// </summary>
    internal static ChiSquareTestResult Of(double statistic, int columns) =>
        new(statistic, columns - 1, double.IsPositiveInfinity(statistic) ? 0.0 : columns <= 1 ? 1.0 : ChiSquare.Survival(statistic, columns - 1));

    private static double Square(double x) => x * x;
}

/// <summary>Every drift statistic for one categorical feature, with verdicts.</summary>
/// <param name="PopulationStabilityIndex">PSI on the category shares.</param>
/// <param name="JensenShannonDistance">Jensen-Shannon distance (base 2) on the category shares.</param>
/// <param name="ChiSquare">Chi-square test of homogeneity of the 2 x K table.</param>
/// <param name="PsiVerdict">Verdict for the PSI.</param>
/// <param name="JensenShannonVerdict">Verdict for the Jensen-Shannon distance.</param>
/// <param name="ChiSquareVerdict">Verdict for the chi-square p-value.</param>
public sealed record CategoricalDriftReport(
    double PopulationStabilityIndex,
    double JensenShannonDistance,
    ChiSquareTestResult ChiSquare,
    DriftVerdict PsiVerdict,
    DriftVerdict JensenShannonVerdict,
    DriftVerdict ChiSquareVerdict)
{
    /// <summary>The most severe of the per-statistic verdicts.</summary>
    public DriftVerdict Overall => (DriftVerdict)Math.Max((int)PsiVerdict, Math.Max((int)JensenShannonVerdict, (int)ChiSquareVerdict));
}

/// <summary>
/// Streaming counts of a categorical feature compared with a <see cref="CategoricalReferenceProfile"/>.
/// Bins are the reference categories plus one bin per category unseen in the reference; PSI
/// floors zero shares at 1e-4 and Jensen-Shannon uses the raw shares, as for numeric bins.
/// Not thread-safe.
/// </summary>
public sealed class CategoryCounts
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    internal CategoryCounts(CategoricalReferenceProfile profile) => Profile = profile;

    internal CategoryCounts(CategoricalReferenceProfile profile, IEnumerable<KeyValuePair<string, long>> counts)
        : this(profile)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var (category, count) in counts)
        {
            ArgumentNullException.ThrowIfNull(category, nameof(counts));
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(counts));
            if (!_counts.TryAdd(category, count))
            {
                throw new ArgumentException($"Category '{category}' appears twice.", nameof(counts));
            }

            Count += count;
        }
    }

    /// <summary>The reference compared against.</summary>
    public CategoricalReferenceProfile Profile { get; }

    /// <summary>Number of values added since creation or the last <see cref="Clear"/>.</summary>
    public long Count { get; private set; }

    /// <summary>Count of each category seen.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>Counts one value (null is rejected).</summary>
    public void Add(string category)
    {
        CategoricalReferenceProfile.Increment(_counts, category);
        Count++;
    }

    /// <summary>Empties the counter.</summary>
    public void Clear()
    {
        _counts.Clear();
        Count = 0;
    }

    /// <summary>PSI of the current shares against the reference shares.</summary>
    public double PopulationStabilityIndex()
    {
        var (reference, current) = ContingencyTable();
        return ShareDivergence.PopulationStabilityIndex(Shares(reference, Profile.Total), Shares(current, Count));
    }

    /// <summary>Jensen-Shannon distance (base 2) of the current shares against the reference shares.</summary>
    public double JensenShannonDistance()
    {
        var (reference, current) = ContingencyTable();
        return ShareDivergence.JensenShannonDistance(Shares(reference, Profile.Total), Shares(current, Count));
    }

    /// <summary>
    /// Pearson chi-square test of homogeneity on the 2 x K table of reference and current counts,
    /// without continuity correction (scipy.stats.chi2_contingency(correction=False)); degrees of
    /// freedom K - 1. Categories absent from both samples carry no information and are left out
    /// (scipy would reject the table for its zero expected frequency).
    /// </summary>
    public ChiSquareTestResult ChiSquareTest()
    {
        var (reference, current) = ContingencyTable();
        var statistic = 0.0;
        var columns = 0;
        for (var k = 0; k < reference.Length; k++)
        {
            if (reference[k] + current[k] > 0)
            {
                columns++;
                statistic += ChiSquareTestResult.HomogeneityTerm(reference[k], Profile.Total, current[k], Count);
            }
        }

        return ChiSquareTestResult.Of(statistic, columns);
    }

    /// <summary>All statistics with verdicts.</summary>
    public CategoricalDriftReport Compare(DriftThresholds? thresholds = null)
    {
        thresholds ??= DriftThresholds.Default;
        thresholds.Validate();
        var psi = PopulationStabilityIndex();
        var jensenShannon = JensenShannonDistance();
        var chiSquare = ChiSquareTest();
        return new CategoricalDriftReport(
            psi,
            jensenShannon,
            chiSquare,
            thresholds.ForPsi(psi),
            thresholds.ForJensenShannon(jensenShannon),
            thresholds.ForChiSquare(chiSquare.PValue));
    }

    // Reference categories first (ordinal order), then unseen ones (ordinal order).
    private (long[] Reference, long[] Current) ContingencyTable()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No values have been added: drift against the profile is undefined.");
        }

        var unseen = _counts.Keys.Where(category => !Profile.Counts.ContainsKey(category)).Order(StringComparer.Ordinal).ToList();
        var bins = Profile.Categories.Count + unseen.Count;
        var reference = new long[bins];
        var current = new long[bins];
        for (var k = 0; k < Profile.Categories.Count; k++)
        {
            var category = Profile.Categories[k];
            reference[k] = Profile.Counts[category];
            current[k] = _counts.GetValueOrDefault(category);
        }

        for (var k = 0; k < unseen.Count; k++)
        {
            current[Profile.Categories.Count + k] = _counts[unseen[k]];
        }

        return (reference, current);
    }

    private static double[] Shares(long[] counts, long total) => [.. counts.Select(count => (double)count / total)];
}
