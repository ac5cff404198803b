using System.Security.Cryptography;
using System.Text;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer.Tests;

public class FeaturizerTests
{
    private static readonly FeatureSpec Spec = new()
    {
        NumericFeatures = ["age", "income"],
        CategoricalFeatures = ["country", "device"],
        HashSlots = 64,
    };

    [Theory]
    [InlineData("", 0xcbf29ce484222325UL)]
    [InlineData("a", 0xaf63dc4c8601ec8cUL)]
    [InlineData("foobar", 0x85944171f73967e8UL)]
    public void Fnv1a_matches_the_published_test_vectors(string text, ulong expected)
    {
        Assert.Equal(expected, StableHash.Fnv1a(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(expected, StableHash.Fnv1a(text, StableHash.OffsetBasis));
    }

    [Fact]
    public void Numeric_features_come_first_in_spec_order_and_categories_land_in_their_hashed_slot()
    {
        var featurizer = new Featurizer(Spec);
        var vector = featurizer.Featurize(
            new Dictionary<string, double> { ["income"] = 2.5, ["age"] = -1, ["unknown"] = 9 },
            new Dictionary<string, string> { ["device"] = "ios", ["country"] = "fr" });

        var countrySlot = 2 + IndependentSlot("country=fr", 64);
        var deviceSlot = 2 + IndependentSlot("device=ios", 64);
        var expected = new SortedDictionary<int, float> { [0] = -1f, [1] = 2.5f };
        expected[countrySlot] = expected.GetValueOrDefault(countrySlot) + 1;
        expected[deviceSlot] = expected.GetValueOrDefault(deviceSlot) + 1;
        Assert.Equal(expected.Keys, vector.Indices);
        Assert.Equal(expected.Values, vector.Values);
        Assert.Equal(66, featurizer.Dimension);
    }

    [Fact]
    public void The_same_input_gives_the_same_vector_whatever_the_instance_or_insertion_order()
    {
        var a = new Featurizer(Spec).Featurize(
            new Dictionary<string, double> { ["age"] = 3, ["income"] = 4 }, new Dictionary<string, string> { ["country"] = "de", ["device"] = "web" });
        var b = new Featurizer(Spec).Featurize(
            new Dictionary<string, double> { ["income"] = 4, ["age"] = 3 }, new Dictionary<string, string> { ["device"] = "web", ["country"] = "de" });
        Assert.Equal(a.Indices, b.Indices);
        Assert.Equal(a.Values, b.Values);
    }

    [Fact]
    public void A_missing_numeric_feature_is_zero_and_a_missing_category_sets_no_slot()
    {
        var featurizer = new Featurizer(Spec);
        var vector = featurizer.Featurize(new Dictionary<string, double> { ["income"] = 7 }, new Dictionary<string, string>());
        Assert.Equal([1], vector.Indices);
        Assert.Equal([7f], vector.Values);

        var weights = Enumerable.Range(1, featurizer.Dimension).Select(i => (float)i).ToArray();
        Assert.Equal(2f * 7 + 0.5f, featurizer.Margin(weights, 0.5f, new Dictionary<string, double> { ["income"] = 7 }, new Dictionary<string, string>()));
    }

    [Fact]
    public void The_canonical_form_is_fixed_and_its_sha256_is_the_spec_hash()
    {
        const string Expected = """{"format":1,"task":"BinaryClassification","label_threshold":0.5,"numeric":["age","income"],"categorical":["country","device"],"hash_slots":64,"hash":"fnv1a64-fmix64"}""";
        Assert.Equal(Expected, Encoding.UTF8.GetString(Spec.ToCanonicalJson()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Expected))), Spec.ComputeSha256());
    }

    [Fact]
    public void The_spec_hash_changes_with_anything_that_changes_the_vector_or_the_label()
    {
        var original = Spec.ComputeSha256();
        FeatureSpec Changed(Action<FeatureSpec> change)
        {
            var spec = new FeatureSpec
            {
                NumericFeatures = [.. Spec.NumericFeatures],
                CategoricalFeatures = [.. Spec.CategoricalFeatures],
                HashSlots = Spec.HashSlots,
            };
            change(spec);
            return spec;
        }

        Assert.Equal(original, Changed(_ => { }).ComputeSha256());
        Assert.NotEqual(original, Changed(s => s.NumericFeatures.Reverse()).ComputeSha256());
        Assert.NotEqual(original, Changed(s => s.NumericFeatures.Add("tenure")).ComputeSha256());
        Assert.NotEqual(original, Changed(s => s.CategoricalFeatures.RemoveAt(1)).ComputeSha256());
        Assert.NotEqual(original, Changed(s => s.HashSlots = 128).ComputeSha256());
        Assert.NotEqual(original, Changed(s => s.LabelThreshold = 0.7).ComputeSha256());
        Assert.NotEqual(original, Changed(s => s.Task = ModelTask.Regression).ComputeSha256());

        // A regression ignores the threshold; without categorical features the slots do not exist.
        var regression = Changed(s => s.Task = ModelTask.Regression);
        Assert.Equal(regression.ComputeSha256(), Changed(s => { s.Task = ModelTask.Regression; s.LabelThreshold = 3; }).ComputeSha256());
        var numericOnly = new FeatureSpec { NumericFeatures = ["a"], HashSlots = 8 };
        Assert.Equal(numericOnly.ComputeSha256(), new FeatureSpec { NumericFeatures = ["a"], HashSlots = 4096 }.ComputeSha256());
    }

    [Fact]
    public void The_canonical_form_reads_back_to_the_same_spec()
    {
        var restored = FeatureSpec.FromCanonicalJson(Spec.ToCanonicalJson());
        Assert.Equal(Spec.ComputeSha256(), restored.ComputeSha256());
        Assert.Equal(Spec.NumericFeatures, restored.NumericFeatures);
    }

    [Theory]
    [InlineData("Trainer:Features:NumericFeatures:1", "is declared twice")]
    [InlineData("Trainer:Features:CategoricalFeatures:0", "contains '='")]
    [InlineData("Trainer:Features:HashSlots", "between 1 and")]
    [InlineData("Trainer:Features", "declares no feature")]
    public void A_bad_spec_fails_naming_the_key(string key, string problem)
    {
        var spec = key switch
        {
            "Trainer:Features:NumericFeatures:1" => new FeatureSpec { NumericFeatures = ["a", "a"] },
            "Trainer:Features:CategoricalFeatures:0" => new FeatureSpec { CategoricalFeatures = ["a=b"] },
            "Trainer:Features:HashSlots" => new FeatureSpec { NumericFeatures = ["a"], HashSlots = 0 },
            _ => new FeatureSpec(),
        };
        var error = Assert.Throws<InvalidConfigurationException>(spec.Validate);
        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nan-feature", DeadLetterKind.InvalidValue, "numeric_features[x0]")]
    [InlineData("infinite-label", DeadLetterKind.InvalidValue, "label")]
    [InlineData("missing-label", DeadLetterKind.MissingField, "label is missing")]
    [InlineData("beyond-float", DeadLetterKind.InvalidValue, "beyond the float range")]
    [InlineData("empty-id", DeadLetterKind.MissingField, "prediction_id")]
    public void Bad_examples_are_reported_with_a_dead_letter_reason_not_thrown(string bad, DeadLetterKind kind, string reason)
    {
        var trainer = new ContinualTrainer(Fixtures.Options(2));
        var example = bad switch
        {
            "nan-feature" => Concept.Example("p", new() { ["x0"] = double.NaN, ["x1"] = 1 }),
            "infinite-label" => Concept.Example("p", new() { ["x0"] = 0, ["x1"] = 1 }, label: double.PositiveInfinity),
            "missing-label" => Concept.Example("p", new() { ["x0"] = 0, ["x1"] = 1 }, label: null),
            "beyond-float" => Concept.Example("p", new() { ["x0"] = 1e100, ["x1"] = 1 }),
            _ => Concept.Example("", new() { ["x0"] = 0, ["x1"] = 1 }),
        };

        var outcome = trainer.Add(example, new ExamplePosition(Concept.Topic, 0, 0));

        Assert.Equal(ExampleDisposition.Rejected, outcome.Disposition);
        Assert.Equal(kind, outcome.Problem!.Value.Kind);
        Assert.Contains(reason, outcome.Problem.Value.Reason, StringComparison.Ordinal);
        Assert.Equal(0, trainer.HoldoutCount);
    }

    [Fact]
    public void A_duplicate_prediction_is_rejected_and_another_models_example_ignored()
    {
        var trainer = new ContinualTrainer(Fixtures.Options(1));
        var example = Concept.Example("p", new() { ["x0"] = 1 });
        Assert.Equal(ExampleDisposition.Accepted, trainer.Add(example, new ExamplePosition(Concept.Topic, 0, 0)).Disposition);

        var duplicate = trainer.Add(example, new ExamplePosition(Concept.Topic, 0, 1));
        Assert.Equal(DeadLetterKind.Duplicate, duplicate.Problem!.Value.Kind);
        Assert.Equal(ExampleDisposition.OtherModel, trainer.Add(example with { ModelName = "other", PredictionId = "q" }, new ExamplePosition(Concept.Topic, 0, 2)).Disposition);
        Assert.Equal(1, trainer.HoldoutCount);
    }

    // FNV-1a over the whole key, then fmix64, written out again so that the test does not share the prefix-state shortcut.
    private static int IndependentSlot(string key, int slots)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        hash ^= hash >> 33;
        hash = unchecked(hash * 0xff51afd7ed558ccdUL);
        hash ^= hash >> 33;
        hash = unchecked(hash * 0xc4ceb9fe1a85ec53UL);
        hash ^= hash >> 33;
        return (int)(hash % (ulong)slots);
    }
}
