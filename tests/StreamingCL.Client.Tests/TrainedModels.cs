using StreamingCL.Kafka.Events;
using StreamingCL.Trainer;

namespace StreamingCL.Client.Tests;

/// <summary>
/// Two real model versions of model "m", trained once per test run by the trainer's public API on
/// opposite synthetic concepts (so their scores of the same request differ clearly), with the
/// scorers that independently load their artifacts to tell what each version scores.
/// </summary>
internal static class TrainedModels
{
    public const string Model = "m";
    private static readonly Lazy<(ModelVersion V1, ModelVersion V2)> Versions = new(Train);

    public static ModelVersion V1 => Versions.Value.V1;

    public static ModelVersion V2 => Versions.Value.V2;

    /// <summary>What the version's artifact scores for the features.</summary>
    public static double Score(ModelVersion version, IReadOnlyDictionary<string, double> numeric, IReadOnlyDictionary<string, string>? categorical = null) =>
        ModelScorer.Load(version).Score(numeric, categorical ?? new Dictionary<string, string>());

    /// <summary>Features of a request, varied by <paramref name="i"/>.</summary>
    public static Dictionary<string, double> Features(int i) => new()
    {
        ["x0"] = Math.Sin(i),
        ["x1"] = Math.Cos(i * 0.7),
        ["x2"] = (i % 7) - 3,
    };

    /// <summary>The version as the registry publishes it at a stage.</summary>
    public static ModelVersion At(this ModelVersion version, ModelStage stage) => version with { Stage = stage };

    /// <summary>The version with one artifact byte flipped and its original SHA-256 left in place.</summary>
    public static ModelVersion Tampered(this ModelVersion version)
    {
        var bytes = version.Artifact.ToArray();
        bytes[bytes.Length / 2] ^= 0x01;
        return version with { Artifact = bytes };
    }

    private static (ModelVersion, ModelVersion) Train() => (Train(1, [2.0, -1.0, 0.5]), Train(2, [-2.0, 1.0, -0.5]));

    private static ModelVersion Train(int version, double[] weights)
    {
        var trainer = new ContinualTrainer(new TrainerOptions
        {
            ModelName = Model,
            Features = new FeatureSpec { NumericFeatures = ["x0", "x1", "x2"], CategoricalFeatures = ["segment"], HashSlots = 8 },
            HoldoutSize = 100,
            MinimumHoldoutExamples = 50,
            MinimumTrainingExamples = 100,
            FullRetrainIterations = 50,
        });
        var random = new Random(version);
        for (var n = 0; n < 700; n++)
        {
            var numeric = new Dictionary<string, double>();
            var z = 0.0;
            for (var i = 0; i < weights.Length; i++)
            {
                var x = 2 * random.NextDouble() - 1;
                numeric[$"x{i}"] = x;
                z += weights[i] * x;
            }

            var example = new LabeledExample
            {
                PredictionId = $"train-{version}-{n}",
                ModelName = Model,
                ModelVersion = 1,
                UnitId = $"u{n}",
                PredictionTimestamp = DateTimeOffset.UnixEpoch.AddSeconds(n),
                FeedbackDelay = TimeSpan.FromSeconds(1),
                NumericFeatures = numeric,
                CategoricalFeatures = new Dictionary<string, string> { ["segment"] = n % 2 == 0 ? "a" : "b" },
                Score = 0.5,
                Label = random.NextDouble() < 1 / (1 + Math.Exp(-3 * z)) ? 1 : 0,
            };
            Assert.Equal(ExampleDisposition.Accepted, trainer.Add(example, new ExamplePosition("labeled-examples", 0, n)).Disposition);
        }

        var outcome = trainer.Train(new TrainingRequest
        {
            Trigger = new RetrainTrigger
            {
                TriggerId = $"client-tests-{version}",
                ModelName = Model,
                Kind = TriggerKind.Manual,
                Timestamp = DateTimeOffset.UnixEpoch,
                Reason = "client tests",
                RequestedBy = "tests",
            },
            Version = version,
        });
        Assert.Equal(TrainingStatus.Trained, outcome.Status);
        return outcome.Version!;
    }
}
