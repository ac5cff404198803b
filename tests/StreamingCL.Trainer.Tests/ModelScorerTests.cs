using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer.Tests;

public class ModelScorerTests
{
    private static readonly FeatureSpec Spec = Fixtures.Spec(4, segment: true, slots: 8);

    private static (ModelScorer Model, List<BufferedExample> Data) Trained()
    {
        var featurizer = new Featurizer(Spec);
        var concept = new Concept([1, -2, 0.5, 0], segmentEffects: new Dictionary<string, double> { ["a"] = -1, ["b"] = 0, ["c"] = 1.5 });
        var data = concept.Generate(2_000, new Random(3), "p")
            .Select((e, i) => Fixtures.Buffered(featurizer, e, new ExamplePosition(Concept.Topic, 0, i))).ToList();
        var options = new TrainerOptions { ModelName = Concept.Model, Features = Spec };
        var model = new LinearModelTrainer(options).Fit(featurizer, new TrainingSet(data, [.. data.Select(_ => 1f)], data, "all"), null, 100);
        return (model, data);
    }

    [Fact]
    public void An_artifact_loads_back_to_a_scorer_with_the_same_scores_and_spec()
    {
        var (model, data) = Trained();
        var artifact = model.ToArtifact();

        var loaded = ModelScorer.Load(artifact, ModelScorer.Sha256Hex(artifact).ToUpperInvariant());

        Assert.Equal(model.FeatureSpecSha256, loaded.FeatureSpecSha256);
        Assert.Equal(ModelTask.BinaryClassification, loaded.Task);
        Assert.All(data.Take(200), e => Assert.Equal(model.Score(e.Source), loaded.Score(e.Source.NumericFeatures, e.Source.CategoricalFeatures)));
    }

    [Fact]
    public void Direct_scoring_equals_mlnet_prediction_to_float_rounding()
    {
        var (model, data) = Trained();
        var ml = new MLContext(1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, model.Featurizer.Dimension);
        var rows = data.Take(500).Select(e => new Row { Features = new VBuffer<float>(model.Featurizer.Dimension, e.Features.Indices.Length, e.Features.Values, e.Features.Indices) });
        var probabilities = model.Transformer.Transform(ml.Data.LoadFromEnumerable(rows, schema)).GetColumn<float>("Probability").ToArray();

        for (var i = 0; i < probabilities.Length; i++)
        {
            Assert.Equal(probabilities[i], model.Score(data[i].Source), tolerance: 1e-6);
            Assert.Equal(model.Score(data[i].Features), model.Score(data[i].Source), tolerance: 1e-6);
        }
    }

    [Fact]
    public void A_sha256_mismatch_is_refused()
    {
        var (model, _) = Trained();
        var artifact = model.ToArtifact();
        var sha = ModelScorer.Sha256Hex(artifact);

        var tampered = (byte[])artifact.Clone();
        tampered[tampered.Length / 2] ^= 1;

        Assert.Contains("refusing", Assert.Throws<InvalidDataException>(() => ModelScorer.Load(tampered, sha)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => ModelScorer.Load(artifact, new string('0', 64)));
    }

    [Fact]
    public void A_version_whose_feature_spec_hash_differs_from_its_artifacts_is_refused()
    {
        var (model, _) = Trained();
        var artifact = model.ToArtifact();
        var version = new ModelVersion
        {
            ModelName = Concept.Model,
            Version = 1,
            Stage = ModelStage.Candidate,
            TrainingKind = TrainingKind.Stateless,
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            ChangedBy = "test",
            ChangeReason = "test",
            Lineage = new Lineage([], 0, ""),
            FeatureSpecSha256 = new FeatureSpec { NumericFeatures = ["other"] }.ComputeSha256(),
            Artifact = artifact,
            ArtifactSha256 = ModelScorer.Sha256Hex(artifact),
        };

        Assert.Contains("feature spec", Assert.Throws<InvalidDataException>(() => ModelScorer.Load(version)).Message, StringComparison.Ordinal);
        Assert.Equal(model.FeatureSpecSha256, ModelScorer.Load(version with { FeatureSpecSha256 = model.FeatureSpecSha256 }).FeatureSpecSha256);
    }

    [Fact]
    public void A_plain_mlnet_zip_without_the_feature_spec_is_refused()
    {
        var (model, _) = Trained();
        using var stream = new MemoryStream(model.ToArtifact());
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry(ModelScorer.FeatureSpecEntry)!.Delete();
        }

        var plain = stream.ToArray();
        var error = Assert.Throws<InvalidDataException>(() => ModelScorer.Load(plain, ModelScorer.Sha256Hex(plain)));
        Assert.Contains("not a StreamingCL model", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => ModelScorer.Load(new byte[] { 1, 2, 3 }, ModelScorer.Sha256Hex(new byte[] { 1, 2, 3 })));
    }

    [Fact]
    public void Scoring_is_safe_from_many_threads()
    {
        var (model, data) = Trained();
        var expected = data.Select(e => model.Score(e.Source)).ToArray();
        var mismatches = 0;
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < data.Count; i++)
            {
                if (model.Score(data[i].Source.NumericFeatures, data[i].Source.CategoricalFeatures) != expected[i])
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        });
        Assert.Equal(0, mismatches);
    }

    private sealed class Row
    {
        public VBuffer<float> Features { get; set; }
    }
}
