using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli;

/// <summary>
/// A synthetic linear concept for benchmarks and tests: numeric features x0..x(d-1) ~ N(0, 1),
/// labels ~ Bernoulli(sigmoid(w·x + b)). Seeded by the caller's generator.
/// </summary>
internal sealed class SyntheticConcept(double[] weights, double bias = 0)
{
    public int Dimension => weights.Length;

    public static string[] FeatureNames(int dimension) => [.. Enumerable.Range(0, dimension).Select(i => $"x{i}")];

    /// <summary>Weights uniform in [-scale, scale].</summary>
    public static SyntheticConcept Random(int dimension, Random random, double scale = 2) =>
        new([.. Enumerable.Range(0, dimension).Select(_ => scale * ((2 * random.NextDouble()) - 1))]);

    /// <summary>The opposite concept: what was likely becomes unlikely (an extreme concept drift).</summary>
    public SyntheticConcept Flipped() => new([.. weights.Select(weight => -weight)], -bias);

    public LabeledExample Example(string model, string predictionId, Random random, DateTimeOffset time)
    {
        var numeric = new Dictionary<string, double>(weights.Length);
        var margin = bias;
        for (var i = 0; i < weights.Length; i++)
        {
            var x = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            numeric[$"x{i}"] = x;
            margin += weights[i] * x;
        }

        var probability = 1 / (1 + Math.Exp(-margin));
        return new LabeledExample
        {
            PredictionId = predictionId,
            ModelName = model,
            ModelVersion = 1,
            UnitId = $"unit-{predictionId}",
            PredictionTimestamp = time,
            FeedbackDelay = TimeSpan.FromSeconds(5),
            NumericFeatures = numeric,
            Score = probability,
            Label = random.NextDouble() < probability ? 1 : 0,
        };
    }
}
