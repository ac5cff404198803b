using System.Text.Json;
using StreamingCL.Statistics.Drift;
using StreamingCL.Statistics.Tests.Reference;

namespace StreamingCL.Statistics.Tests.Drift;

/// <summary>Drift statistics against numpy / scipy 1.10 (Reference/generate_drift.py).</summary>
public sealed class DriftReferenceTests
{
    private const string File = "drift.json";

    // Sums run in a different order than numpy's pairwise summation: a few ulps, far below this.
    private const double Relative = 1e-12;

    public static TheoryData<string> NumericCases() => [.. ReferenceData.Cases(File, "numeric").Select(c => c.GetProperty("name").GetString()!)];

    public static TheoryData<string> CategoricalCases() => [.. ReferenceData.Cases(File, "categorical").Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Reference_profile_reproduces_numpy_quantile_edges_bit_for_bit(string name)
    {
        var c = Case("numeric", name);
        var profile = ReferenceProfile.FromSample(Samples.From(c.GetProperty("reference")));

        Assert.Equal(Doubles(c, "edges"), profile.Edges);
        var shares = Doubles(c, "reference_shares");
        Assert.Equal(shares.Length, profile.BinCount);
        for (var i = 0; i < shares.Length; i++)
        {
            Close.To(shares[i], profile.Shares[i], Relative, context: $"share {i}");
        }
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Numeric_drift_matches_scipy(string name)
    {
        var c = Case("numeric", name);
        var reference = Samples.From(c.GetProperty("reference"));
        var current = Samples.From(c.GetProperty("current"));

        var report = NumericDrift.Compare(reference, current);

        Close.To(c.Number("psi"), report.PopulationStabilityIndex, Relative, 1e-15, "PSI");
        Close.To(c.Number("jensen_shannon"), report.JensenShannonDistance, Relative, 1e-15, "JS");
        Close.To(c.Number("wasserstein"), report.WassersteinDistance, Relative, 1e-15, "W1");
        Close.To(c.Number("normalised_wasserstein"), report.NormalisedWassersteinDistance, Relative, 1e-15, "W1/σ");
        AssertKs(c.GetProperty("ks_auto"), report.KolmogorovSmirnov);
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Kolmogorov_smirnov_matches_scipy_for_each_method(string name)
    {
        var c = Case("numeric", name);
        var reference = Samples.From(c.GetProperty("reference"));
        var current = Samples.From(c.GetProperty("current"));

        AssertKs(c.GetProperty("ks_exact"), KolmogorovSmirnov.TwoSample(reference, current, KolmogorovSmirnovMethod.Exact));
        AssertKs(c.GetProperty("ks_asymp"), KolmogorovSmirnov.TwoSample(reference, current, KolmogorovSmirnovMethod.Asymptotic));
        AssertKs(c.GetProperty("ks_auto"), KolmogorovSmirnov.TwoSample(reference, current));
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Streaming_counts_over_a_stored_profile_give_the_two_sample_psi(string name)
    {
        var c = Case("numeric", name);
        var built = ReferenceProfile.FromSample(Samples.From(c.GetProperty("reference")));
        var restored = ReferenceProfile.FromStored([.. built.Edges], [.. built.Shares]);
        var counts = restored.CreateCounts();
        foreach (var value in Samples.From(c.GetProperty("current")))
        {
            counts.Add(value);
        }

        Close.To(c.Number("psi"), counts.PopulationStabilityIndex(), Relative, 1e-15, "PSI");
        Close.To(c.Number("jensen_shannon"), counts.JensenShannonDistance(), Relative, 1e-15, "JS");
    }

    [Theory]
    [MemberData(nameof(CategoricalCases))]
    public void Categorical_drift_matches_scipy_chi2_contingency(string name)
    {
        var c = Case("categorical", name);
        var profile = CategoricalReferenceProfile.FromCounts(Counts(c, "reference_counts"));
        var counts = profile.CreateCounts();
        foreach (var (category, count) in Counts(c, "current_counts"))
        {
            for (var i = 0; i < count; i++)
            {
                counts.Add(category);
            }
        }

        var report = counts.Compare();

        Close.To(c.Number("psi"), report.PopulationStabilityIndex, Relative, context: "PSI");
        Close.To(c.Number("jensen_shannon"), report.JensenShannonDistance, Relative, context: "JS");
        Close.To(c.Number("chi2"), report.ChiSquare.Statistic, Relative, context: "χ²");
        Assert.Equal(c.Integer("dof"), report.ChiSquare.DegreesOfFreedom);
        Close.To(c.Number("chi2_pvalue"), report.ChiSquare.PValue, Relative, context: "p");
    }

    private static void AssertKs(JsonElement expected, KolmogorovSmirnovResult actual)
    {
        var method = expected.GetProperty("method").GetString() == "exact" ? KolmogorovSmirnovMethod.Exact : KolmogorovSmirnovMethod.Asymptotic;
        Assert.Equal(method, actual.Method);
        Close.To(expected.Number("statistic"), actual.Statistic, Relative, context: "D");
        Close.To(expected.Number("pvalue"), actual.PValue, Relative, 1e-15, $"{method} p-value");
    }

    private static JsonElement Case(string kind, string name) =>
        ReferenceData.Cases(File, kind).Single(c => c.GetProperty("name").GetString() == name);

    private static double[] Doubles(JsonElement c, string property) =>
        [.. c.GetProperty(property).EnumerateArray().Select(e => e.GetDouble())];

    private static Dictionary<string, long> Counts(JsonElement c, string property) =>
        c.GetProperty(property).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
}
