using CsCheck;
using StreamingCL.Statistics.Distributions;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Statistics.Tests.Drift;

/// <summary>Laws the drift statistics must obey for any input.</summary>
public sealed class DriftPropertyTests
{
    private static readonly Gen<double[]> Sample = Gen.Double[-1e3, 1e3].Array[2, 300];

    // Two share vectors over the same 2 to 12 bins, some shares exactly zero, each summing to 1.
    private static readonly Gen<(double[] P, double[] Q)> SharePairs =
        Gen.Int[2, 12].SelectMany(bins => Gen.Select(Shares(bins), Shares(bins)));

    [Fact]
    public void Psi_and_jensen_shannon_of_a_sample_against_itself_are_zero() =>
        Sample.Sample(values =>
        {
            var counts = ReferenceProfile.FromSample(values).CreateCounts();
            counts.AddRange(values);
            Assert.Equal(0.0, counts.PopulationStabilityIndex());
            Assert.Equal(0.0, counts.JensenShannonDistance());
        });

    [Fact]
    public void Psi_and_jensen_shannon_are_symmetric_in_the_shares() =>
        SharePairs.Sample((p, q) =>
        {
            Close.To(ShareDivergence.PopulationStabilityIndex(p, q), ShareDivergence.PopulationStabilityIndex(q, p), 1e-12, 1e-15);
            Close.To(ShareDivergence.JensenShannonDistance(p, q), ShareDivergence.JensenShannonDistance(q, p), 1e-12, 1e-15);
        });

    [Fact]
    public void Jensen_shannon_distance_lies_between_zero_and_one() =>
        SharePairs.Sample((p, q) =>
        {
            var distance = ShareDivergence.JensenShannonDistance(p, q);
            Assert.InRange(distance, 0.0, 1.0);
        });

    [Fact]
    public void Jensen_shannon_distance_of_disjoint_shares_is_one() =>
        Assert.Equal(1.0, ShareDivergence.JensenShannonDistance([0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75]), 12);

    [Fact]
    public void Kolmogorov_smirnov_p_value_never_increases_with_the_statistic() =>
        Gen.Select(Gen.Int[1, 60], Gen.Int[1, 60], Gen.Int[0, 2]).Sample((m, n, methodIndex) =>
        {
            var method = (KolmogorovSmirnovMethod)methodIndex;
            var lcm = (long)m / TwoSampleKolmogorovSmirnov.GreatestCommonDivisor(m, n) * n;
            var previous = double.PositiveInfinity;
            for (var h = 0L; h <= lcm; h++)
            {
                var p = KolmogorovSmirnov.FromStatistic(h, lcm, m, n, method).PValue;
                Assert.True(p <= previous + 1e-15, $"p rose from {previous} to {p} at D = {h}/{lcm} (m={m}, n={n}, {method})");
                previous = p;
            }
        }, iter: 200);

    [Fact]
    public void Binned_counts_keep_each_value_in_the_bin_its_edges_define() =>
        Gen.Select(Sample, Gen.Double[-2e3, 2e3]).Sample((reference, value) =>
        {
            var profile = ReferenceProfile.FromSample(reference);
            var bin = profile.BinOf(value);
            Assert.True(bin == 0 || profile.Edges[bin - 1] < value, "value must exceed the bin's lower edge");
            Assert.True(bin == profile.BinCount - 1 || value <= profile.Edges[bin], "value must not exceed the bin's upper edge");
        });

    [Fact]
    public void Binned_counts_restored_from_a_checkpoint_give_the_same_statistics() =>
        Gen.Select(Sample, Sample).Sample((reference, current) =>
        {
            var counts = ReferenceProfile.FromSample(reference).CreateCounts();
            counts.AddRange(current);
            var restored = counts.Profile.CreateCounts(counts.Counts.ToArray());
            Assert.Equal(counts.Count, restored.Count);
            Assert.Equal(counts.PopulationStabilityIndex(), restored.PopulationStabilityIndex());
            Assert.Equal(counts.JensenShannonDistance(), restored.JensenShannonDistance());
        });

    [Fact]
    public void Category_counts_restored_from_a_checkpoint_give_the_same_statistics() =>
        Gen.Select(Gen.Int[0, 5].Array[1, 100], Gen.Int[0, 7].Array[1, 100]).Sample((reference, current) =>
        {
            var counts = CategoricalReferenceProfile.FromValues(reference.Select(c => $"c{c}")).CreateCounts();
            foreach (var category in current)
            {
                counts.Add($"c{category}");
            }

            var restored = counts.Profile.CreateCounts(counts.Counts);
            Assert.Equal(counts.Count, restored.Count);
            Assert.Equal(counts.Compare(), restored.Compare());
        });

    private static Gen<double[]> Shares(int bins) =>
        Gen.Int[0, 50].Array[bins].Where(counts => counts.Sum() > 0).Select(counts => counts.Select(c => (double)c / counts.Sum()).ToArray());
}
