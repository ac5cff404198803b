using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer.Tests;

/// <summary>
/// A synthetic linear concept: numeric features x0..x(d-1) ~ N(0, 1), an optional categorical
/// "segment" with its own effect, and labels ~ Bernoulli(sigmoid(w·x + b + effect)). Seeded,
/// so every test sees the same data.
/// </summary>
internal sealed class Concept(double[] weights, double bias = 0, IReadOnlyDictionary<string, double>? segmentEffects = null)
{
    public const string Model = "m";
    public const string Topic = "labeled-examples";

    public double[] Weights { get; } = weights;

    public static string[] NumericNames(int dimension) => [.. Enumerable.Range(0, dimension).Select(i => $"x{i}")];

    public static Concept Random(int dimension, Random random, double scale = 1) =>
        new([.. Enumerable.Range(0, dimension).Select(_ => scale * (2 * random.NextDouble() - 1))]);

    /// <summary>The same concept with the first <paramref name="count"/> weights redrawn.</summary>
    public Concept Drift(int count, Random random)
    {
        var weights = (double[])Weights.Clone();
        for (var i = 0; i < count; i++)
        {
            weights[i] = 2 * (2 * random.NextDouble() - 1);
        }

        return new Concept(weights, bias, segmentEffects);
    }

    public IEnumerable<LabeledExample> Generate(int count, Random random, string idPrefix, DateTimeOffset? start = null, TimeSpan? step = null)
    {
        var time = start ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var segments = segmentEffects?.Keys.Order(StringComparer.Ordinal).ToArray() ?? [];
        for (var n = 0; n < count; n++)
        {
            var numeric = new Dictionary<string, double>();
            var z = bias;
            for (var i = 0; i < Weights.Length; i++)
            {
                var x = Normal(random);
                numeric[$"x{i}"] = x;
                z += Weights[i] * x;
            }

            var categorical = new Dictionary<string, string>();
            if (segments.Length > 0)
            {
                var segment = segments[random.Next(segments.Length)];
                categorical["segment"] = segment;
                z += segmentEffects![segment];
            }

            var label = random.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1.0 : 0.0;
            yield return Example($"{idPrefix}-{n}", numeric, categorical, label, time);
            time += step ?? TimeSpan.FromSeconds(1);
        }
    }

    public static LabeledExample Example(
        string id, Dictionary<string, double> numeric, Dictionary<string, string>? categorical = null, double? label = 1, DateTimeOffset? time = null) => new()
        {
            PredictionId = id,
            ModelName = Model,
            ModelVersion = 1,
            UnitId = id,
            PredictionTimestamp = time ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            FeedbackDelay = TimeSpan.FromSeconds(5),
            NumericFeatures = numeric,
            CategoricalFeatures = categorical ?? [],
            Score = 0.5,
            Label = label,
        };

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>Shortcuts for building trainers and feeding them.</summary>
internal static class Fixtures
{
    public static FeatureSpec Spec(int dimension, bool segment = false, int slots = 16) => new()
    {
        NumericFeatures = [.. Concept.NumericNames(dimension)],
        CategoricalFeatures = segment ? ["segment"] : [],
        HashSlots = slots,
    };

    public static TrainerOptions Options(int dimension, int holdout = 500, int window = 5_000, int reservoir = 20_000) => new()
    {
        ModelName = Concept.Model,
        Features = Spec(dimension),
        HoldoutSize = holdout,
        WindowSize = window,
        ReservoirSize = reservoir,
    };

    /// <summary>Adds examples on partition 0 from offset <paramref name="firstOffset"/>; returns the next offset.</summary>
    public static long Feed(ContinualTrainer trainer, IEnumerable<LabeledExample> examples, long firstOffset = 0, int partition = 0)
    {
        var offset = firstOffset;
        foreach (var example in examples)
        {
            var outcome = trainer.Add(example, new ExamplePosition(Concept.Topic, partition, offset++));
            Assert.Equal(ExampleDisposition.Accepted, outcome.Disposition);
        }

        return offset;
    }

    public static RetrainTrigger Trigger(string id, TrainingKind? kind = null) => new()
    {
        TriggerId = id,
        ModelName = Concept.Model,
        Kind = TriggerKind.Manual,
        Timestamp = new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero),
        Reason = "test",
        TrainingKind = kind,
        RequestedBy = "tests",
    };

    public static BufferedExample Buffered(Featurizer featurizer, LabeledExample example, ExamplePosition position)
    {
        Assert.Null(featurizer.TryFeaturize(example, out var features, out var label));
        return new BufferedExample(example, position, features, label);
    }
}
