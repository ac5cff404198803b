using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;
using StreamingCL.Trainer;

namespace StreamingCL.Benchmarks.Training;

/// <summary>
/// Scoring one example from raw features: the linear weights read directly (what ModelScorer
/// does; thread-safe, no allocation) vs ML.NET's PredictionEngine behind a lock (it is not
/// thread-safe), the latter including the featurisation into a vector.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private const int Examples = 1_000;
    private readonly object _gate = new();
    private ModelScorer _model = null!;
    private List<BufferedExample> _examples = null!;
    private PredictionEngine<Row, Output> _engine = null!;
    private Featurizer _featurizer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TrainerOptions
        {
            ModelName = "m",
            Features = new FeatureSpec { NumericFeatures = [.. TrainingData.Names(20)], CategoricalFeatures = ["segment"], HashSlots = 32 },
        };
        _featurizer = new Featurizer(options.Features);
        var random = new Random(7);
        var data = TrainingData.Generate(_featurizer, TrainingData.Concept(20, random), 5_000, random, "p", 0);
        _model = new LinearModelTrainer(options).Fit(_featurizer, TrainingData.Set(data), null, 100);
        _examples = data.Take(Examples).ToList();

        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _featurizer.Dimension);
        _engine = new MLContext(1).Model.CreatePredictionEngine<Row, Output>(_model.Transformer, inputSchemaDefinition: schema);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Examples)]
    public double DirectWeights()
    {
        var sum = 0.0;
        foreach (var example in _examples)
        {
            sum += _model.Score(example.Source.NumericFeatures, example.Source.CategoricalFeatures);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Examples)]
    public double LockedPredictionEngine()
    {
        var sum = 0.0;
        var row = new Row();
        foreach (var example in _examples)
        {
            var features = _featurizer.Featurize(example.Source.NumericFeatures, example.Source.CategoricalFeatures);
            row.Features = new VBuffer<float>(_featurizer.Dimension, features.Indices.Length, features.Values, features.Indices);
            lock (_gate)
            {
                sum += _engine.Predict(row).Probability;
            }
        }

        return sum;
    }

    public sealed class Row
    {
        public VBuffer<float> Features { get; set; }
    }

    public sealed class Output
    {
        public float Probability { get; set; }
    }
}
