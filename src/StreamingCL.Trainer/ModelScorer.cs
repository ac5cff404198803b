using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer;

/// <summary>
/// A trained linear model with its featurisation: scores raw features, and is what the trainer
/// warm-starts from. Scoring reads the model's weights directly (w·x + b, then the Platt sigmoid
/// for a probability): immutable, thread-safe and allocation-free, and equal to ML.NET's
/// prediction to float rounding. Load one from a ModelVersion's artifact with
/// <see cref="Load(ModelVersion)"/>, which verifies its SHA-256 first.
/// </summary>
/// <remarks>
/// The artifact is the ML.NET model zip (the model over one "Features" vector column) with one
/// more entry, <c>streamingcl/feature-spec.json</c>, the canonical <see cref="FeatureSpec"/>,
/// so that an artifact scores raw features on its own. ML.NET ignores the extra entry.
/// </remarks>
public sealed class ModelScorer
{
    /// <summary>The zip entry holding the canonical feature spec.</summary>
    internal const string FeatureSpecEntry = "streamingcl/feature-spec.json";

    private readonly float[] _weights;
    private readonly float _bias;
    private readonly double _plattSlope;
    private readonly double _plattOffset;

    internal ModelScorer(Featurizer featurizer, ITransformer transformer, DataViewSchema inputSchema)
    {
        Featurizer = featurizer;
        Transformer = transformer;
        InputSchema = inputSchema;
        switch (transformer)
        {
            case ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>> binary
                when featurizer.IsBinary:
                Parameters = binary.Model.SubModel;
                _plattSlope = binary.Model.Calibrator.Slope;
                _plattOffset = binary.Model.Calibrator.Offset;
                break;
            case ISingleFeaturePredictionTransformer<LinearRegressionModelParameters> regression when !featurizer.IsBinary:
                Parameters = regression.Model;
                break;
            default:
                throw new InvalidDataException(
                    $"The model is a {transformer.GetType().Name}, not the linear {featurizer.Spec.Task} model its feature spec declares.");
        }

        _weights = [.. Parameters.Weights];
        _bias = Parameters.Bias;
        if (_weights.Length != featurizer.Dimension)
        {
            throw new InvalidDataException($"The model has {_weights.Length} weights, its feature spec {featurizer.Dimension} features.");
        }
    }

    /// <summary>Binary classification (scores are probabilities) or regression.</summary>
    public ModelTask Task => Featurizer.Spec.Task;

    /// <summary>SHA-256 of the featurisation the model was trained under.</summary>
    public string FeatureSpecSha256 => Featurizer.SpecSha256;

    internal Featurizer Featurizer { get; }

    internal ITransformer Transformer { get; }

    internal DataViewSchema InputSchema { get; }

    /// <summary>The linear parameters a stateful update starts from.</summary>
    internal LinearModelParameters Parameters { get; }

    internal ReadOnlySpan<float> Weights => _weights;

    internal float Bias => _bias;

    /// <summary>
    /// The model's output for raw features: the probability of the positive class (binary) or the
    /// predicted value (regression). Absent features follow the spec's missing-value rule;
    /// features the spec does not declare are ignored.
    /// </summary>
    public double Score(IReadOnlyDictionary<string, double> numericFeatures, IReadOnlyDictionary<string, string> categoricalFeatures)
    {
        ArgumentNullException.ThrowIfNull(numericFeatures);
        ArgumentNullException.ThrowIfNull(categoricalFeatures);
        return Output(Featurizer.Margin(_weights, _bias, numericFeatures, categoricalFeatures));
    }

    /// <summary>Loads a version's artifact after checking its SHA-256 and feature spec hash.</summary>
    /// <exception cref="InvalidDataException">A hash does not match, or the artifact is not a StreamingCL linear model.</exception>
    public static ModelScorer Load(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var scorer = Load(version.Artifact, version.ArtifactSha256);
        if (!string.Equals(scorer.FeatureSpecSha256, version.FeatureSpecSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{version.Key}: the artifact's feature spec hashes to {scorer.FeatureSpecSha256}, the version declares {version.FeatureSpecSha256}.");
        }

        return scorer;
    }

    /// <summary>Loads an artifact after checking its SHA-256 (hex, either case).</summary>
    /// <exception cref="InvalidDataException">The hash does not match, or the artifact is not a StreamingCL linear model.</exception>
    public static ModelScorer Load(ReadOnlyMemory<byte> artifact, string expectedSha256)
    {
        ArgumentNullException.ThrowIfNull(expectedSha256);
        var actual = Sha256Hex(artifact.Span);
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"The artifact's SHA-256 is {actual}, expected {expectedSha256}: refusing to load it.");
        }

        var bytes = artifact.ToArray();
        try
        {
            FeatureSpec spec;
            using (var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read))
            {
                var entry = zip.GetEntry(FeatureSpecEntry) ?? throw new InvalidDataException($"The artifact has no {FeatureSpecEntry}: not a StreamingCL model.");
                using var stream = entry.Open();
                using var json = new MemoryStream();
                stream.CopyTo(json);
                spec = FeatureSpec.FromCanonicalJson(json.ToArray());
            }

            var transformer = new MLContext().Model.Load(new MemoryStream(bytes), out var inputSchema);
            return new ModelScorer(new Featurizer(spec), transformer, inputSchema);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"The artifact cannot be read as a StreamingCL model: {e.Message}", e);
        }
    }

    /// <summary>The artifact: the ML.NET zip plus the feature spec entry.</summary>
    internal byte[] ToArtifact()
    {
        using var stream = new MemoryStream();
        new MLContext().Model.Save(Transformer, InputSchema, stream);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.CreateEntry(FeatureSpecEntry, CompressionLevel.Optimal);
            using var entryStream = entry.Open();
            entryStream.Write(Featurizer.Spec.ToCanonicalJson());
        }

        return stream.ToArray();
    }

    internal static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The output for a feature vector built by this model's featuriser.</summary>
    internal double Score(FeatureVector features)
    {
        var sum = 0f;
        for (var i = 0; i < features.Indices.Length; i++)
        {
            sum += _weights[features.Indices[i]] * features.Values[i];
        }

        return Output(sum + _bias);
    }

    internal double Score(LabeledExample example) => Score(example.NumericFeatures, example.CategoricalFeatures);

    // ML.NET's Platt calibrator: p = 1 / (1 + exp(slope * margin + offset)); logistic regression's is slope -1, offset 0.
    private double Output(double margin) => Featurizer.IsBinary ? 1.0 / (1.0 + Math.Exp(_plattSlope * margin + _plattOffset)) : margin;
}
