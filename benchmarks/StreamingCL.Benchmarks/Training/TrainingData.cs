using StreamingCL.Kafka.Events;
using StreamingCL.Trainer;

namespace StreamingCL.Benchmarks.Training;

/// <summary>Synthetic labeled examples of a linear logistic concept with N(0, 1) features, seeded.</summary>
internal static class TrainingData
{
    public static string[] Names(int dimension) => [.. Enumerable.Range(0, dimension).Select(i => $"x{i}")];

    public static double[] Concept(int dimension, Random random) => [.. Enumerable.Range(0, dimension).Select(_ => 1.5 * (2 * random.NextDouble() - 1))];

    /// <summary>The concept with its first <paramref name="changed"/> weights redrawn.</summary>
    public static double[] Drift(double[] weights, int changed, Random random)
    {
        var drifted = (double[])weights.Clone();
        for (var i = 0; i < changed; i++)
        {
            drifted[i] = 1.5 * (2 * random.NextDouble() - 1);
        }

        return drifted;
    }

    public static List<BufferedExample> Generate(Featurizer featurizer, double[] weights, int count, Random random, string prefix, long firstOffset)
    {
        var examples = new List<BufferedExample>(count);
        for (var n = 0; n < count; n++)
        {
            var numeric = new Dictionary<string, double>(weights.Length);
            var z = 0.0;
            for (var i = 0; i < weights.Length; i++)
            {
                var x = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                numeric[$"x{i}"] = x;
                z += weights[i] * x;
            }

            var example = new LabeledExample
            {
                PredictionId = $"{prefix}{n}",
                ModelName = "m",
                ModelVersion = 1,
                UnitId = "u",
                PredictionTimestamp = DateTimeOffset.UnixEpoch,
                FeedbackDelay = TimeSpan.Zero,
                NumericFeatures = numeric,
                CategoricalFeatures = new Dictionary<string, string> { ["segment"] = $"s{random.Next(20)}" },
                Score = 0.5,
                Label = random.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : 0,
            };
            if (featurizer.TryFeaturize(example, out var features, out var label) is { } problem)
            {
                throw new InvalidOperationException(problem.Reason);
            }

            examples.Add(new BufferedExample(example, new ExamplePosition("labeled-examples", 0, firstOffset + n), features, label));
        }

        return examples;
    }

    public static TrainingSet Set(List<BufferedExample> examples) => new(examples, [.. examples.Select(_ => 1f)], examples, "benchmark");
}
