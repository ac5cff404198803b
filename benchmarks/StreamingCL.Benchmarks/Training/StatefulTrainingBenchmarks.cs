using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using StreamingCL.Trainer;

namespace StreamingCL.Benchmarks.Training;

/// <summary>
/// Stateful update vs full retrain on the same buffer: 100,000 buffered rows of an older concept
/// plus 5,000 fresh rows, either of the same concept (<see cref="ChangedWeights"/> 0) or after a
/// partial concept change (5 of 20 weights redrawn). The stateful
/// update warm-starts from the champion (trained on the stale rows) on the fresh rows, alone or
/// with the default 10% replay from the buffer; the full retrain fits all 105,000 from scratch.
/// Holdout AUC of each, on 5,000 further fresh rows, is printed at setup (aim: &gt;= 10x cheaper
/// within 0.005 AUC).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class StatefulTrainingBenchmarks
{
    private const int Dimension = 20;
    private readonly TrainerOptions _options = new()
    {
        ModelName = "m",
        Features = new FeatureSpec { NumericFeatures = [.. TrainingData.Names(Dimension)], CategoricalFeatures = ["segment"], HashSlots = 32 },
    };

    private LinearModelTrainer _trainer = null!;

    /// <summary>Weights of the concept redrawn between the buffered and the fresh rows.</summary>
    [Params(0, 5)]
    public int ChangedWeights { get; set; }

    private Featurizer _featurizer = null!;
    private ModelScorer _champion = null!;
    private TrainingSet _fresh = null!;
    private TrainingSet _freshWithReplay = null!;
    private TrainingSet _buffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2024);
        _featurizer = new Featurizer(_options.Features);
        _trainer = new LinearModelTrainer(_options);
        var stale = TrainingData.Concept(Dimension, random);
        var drifted = TrainingData.Drift(stale, ChangedWeights, random);
        var staleRows = TrainingData.Generate(_featurizer, stale, 100_000, random, "old", 0);
        var freshRows = TrainingData.Generate(_featurizer, drifted, 5_000, random, "new", 100_000);
        var holdout = TrainingData.Generate(_featurizer, drifted, 5_000, random, "holdout", 105_000);

        _champion = _trainer.Fit(_featurizer, TrainingData.Set(staleRows), null, _options.FullRetrainIterations);
        _fresh = TrainingData.Set(freshRows);
        _freshWithReplay = TrainingData.Set([.. freshRows, .. staleRows.Where((_, i) => i % 200 == 0)]);
        _buffer = TrainingData.Set([.. staleRows, .. freshRows]);

        double Auc(ModelScorer model) => HoldoutEvaluator.Evaluate(model, holdout, binary: true)["auc"];
        (ModelScorer Model, double Milliseconds) Timed(Func<ModelScorer> fit)
        {
            var started = Stopwatch.GetTimestamp();
            var model = fit();
            return (model, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var stateful = Timed(StatefulUpdate);
        var replay = Timed(StatefulUpdateWithReplay);
        var full = Timed(FullRetrain);
        Console.WriteLine(
            $"// ChangedWeights={ChangedWeights}: holdout AUC: champion {Auc(_champion):F4}, stateful {Auc(stateful.Model):F4} ({stateful.Milliseconds:F0} ms), "
            + $"stateful + replay {Auc(replay.Model):F4} ({replay.Milliseconds:F0} ms), full retrain {Auc(full.Model):F4} ({full.Milliseconds:F0} ms)");
    }

    [Benchmark]
    public ModelScorer StatefulUpdate() => _trainer.Fit(_featurizer, _fresh, _champion, _options.WarmStartIterations);

    [Benchmark]
    public ModelScorer StatefulUpdateWithReplay() => _trainer.Fit(_featurizer, _freshWithReplay, _champion, _options.WarmStartIterations);

    [Benchmark(Baseline = true)]
    public ModelScorer FullRetrain() => _trainer.Fit(_featurizer, _buffer, null, _options.FullRetrainIterations);
}
