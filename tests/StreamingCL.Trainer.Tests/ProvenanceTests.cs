using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Trainer.Tests;

public class ProvenanceTests
{
    private static readonly FeatureSpec Spec = new() { NumericFeatures = ["x0", "x1"], CategoricalFeatures = ["segment"], HashSlots = 8 };
    private static readonly Featurizer Featurizer = new(Spec);

    [Fact]
    public void Lineage_holds_the_offset_range_of_each_partition_the_count_and_the_hash_of_the_sorted_ids()
    {
        BufferedExample At(string id, string topic, int partition, long offset) =>
            Fixtures.Buffered(Featurizer, Concept.Example(id, new() { ["x0"] = 1 }), new ExamplePosition(topic, partition, offset));

        var examples = new[]
        {
            At("p3", "labeled-examples", 1, 40), At("p1", "labeled-examples", 0, 17), At("p5", "labeled-examples", 1, 12),
            At("p2", "labeled-examples", 0, 9), At("p4", "archive", 0, 3),
        };

        var lineage = TrainingProvenance.Lineage(examples);

        Assert.Equal(
            [new OffsetRange("archive", 0, 3, 3), new OffsetRange("labeled-examples", 0, 9, 17), new OffsetRange("labeled-examples", 1, 12, 40)],
            lineage.Ranges);
        Assert.Equal(5, lineage.ExampleCount);

        // printf '%s\n' p3 p1 p5 p2 p4 | LC_ALL=C sort | sha256sum
        Assert.Equal("6d84ab4624d7c41bb6c1aba512429929c85aa91271b65566d745b7a1db4a44bd", lineage.ExampleIdsSha256);
    }

    [Fact]
    public void Ids_sort_by_their_utf8_bytes_as_the_c_locale_does_not_by_utf16_code_units()
    {
        // U+FF21 sorts before U+1F600 in UTF-8 (EF.. < F0..) but after it in UTF-16 (FF21 > D83D). Reference: Python, sorted by encoded bytes.
        Assert.Equal(
            "435294ae028c7dcde2200af5b1248084ff5a17c3d06430733fe7e8d7f868e659",
            TrainingProvenance.IdsSha256(["\U0001F600", "a", "\uFF21"]));
    }

    [Fact]
    public void Numeric_profiles_are_reference_profiles_of_the_present_values_and_categorical_ones_their_shares()
    {
        var random = new Random(11);
        var examples = Enumerable.Range(0, 500).Select(i =>
        {
            var numeric = new Dictionary<string, double> { ["x0"] = random.NextDouble() * 10 };
            if (i % 5 != 0)
            {
                numeric["x1"] = Math.Round(random.NextDouble() * 3);
            }

            var categorical = i % 10 == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["segment"] = i % 3 == 0 ? "b" : "a" };
            return Fixtures.Buffered(Featurizer, Concept.Example($"p{i}", numeric, categorical), new ExamplePosition(Concept.Topic, 0, i));
        }).ToList();
        var scores = examples.Select((_, i) => i / 500.0).ToArray();

        var profiles = TrainingProvenance.ReferenceProfiles(Spec, examples, scores, bins: 10).ToDictionary(p => p.Feature);

        Assert.Equal(["x0", "x1", "segment", DriftMetric.ScoreFeature], profiles.Keys);
        foreach (var feature in new[] { "x0", "x1" })
        {
            var values = examples.Where(e => e.Source.NumericFeatures.ContainsKey(feature)).Select(e => e.Source.NumericFeatures[feature]).ToArray();
            var expected = ReferenceProfile.FromSample(values);
            Assert.Equal(expected.Edges, profiles[feature].BinEdges);
            Assert.Equal(expected.Shares, profiles[feature].Shares);
            Assert.Equal(values.Length, profiles[feature].Count);
            Assert.Empty(profiles[feature].Categories);
        }

        Assert.Equal(400, profiles["x1"].Count);
        var segment = profiles["segment"];
        Assert.Equal(["a", "b"], segment.Categories);
        Assert.Equal(450, segment.Count);
        double Share(string category) => examples.Count(e => e.Source.CategoricalFeatures.GetValueOrDefault("segment") == category) / 450.0;
        Assert.Equal([Share("a"), Share("b")], segment.Shares);
        Assert.Equal(ReferenceProfile.FromSample(scores).Edges, profiles[DriftMetric.ScoreFeature].BinEdges);
    }
}
