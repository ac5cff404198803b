using System.Globalization;
using Microsoft.Extensions.Configuration;
using StreamingCL.Cli.Simulation;
using StreamingCL.Kafka;
using StreamingCL.Trainer;

namespace StreamingCL.Cli.Demo;

/// <summary>
/// The demo's settings: the product's defaults are sized for hours of production traffic (hourly
/// windows, five-minute ramp steps); the demo compresses one cycle into a minute or two. Every key
/// below is an ordinary configuration key, so appsettings.json or environment variables override it,
/// and the command line overrides those.
/// </summary>
internal static class DemoConfiguration
{
    /// <summary>
    /// Labeled cold-start examples (served by popularity) the demo waits for before asking for the
    /// first version: what the trainer needs, with half again for lost feedback and the holdout's
    /// share. Fails naming the key when the drift would come before them.
    /// </summary>
    public static int ColdStartExamples(TrainerOptions trainer, SimulationOptions simulation)
    {
        var examples = (trainer.MinimumTrainingExamples + trainer.MinimumHoldoutExamples) * 3 / 2;
        var seconds = (examples / (simulation.RequestsPerSecond * (1 - simulation.FeedbackLoss))) + simulation.MaxFeedbackDelay.TotalSeconds + 2;
        InvalidConfigurationException.ThrowUnless(
            simulation.DriftAt.TotalSeconds > seconds,
            $"{SimulationOptions.SectionName}:{nameof(SimulationOptions.DriftAt)}",
            $"comes at {simulation.DriftAt.TotalSeconds:F0} s, before the cold start can end (about {seconds:F0} s for {examples} labeled examples at {simulation.RequestsPerSecond} requests/s): make the run longer or the rate higher.");
        return examples;
    }

    public static IConfiguration Build(IConfiguration user, TimeSpan duration, int? seed) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(Defaults(duration))
            .AddConfiguration(user)
            .AddInMemoryCollection(seed is { } value ? [new("Simulation:Seed", value.ToString(CultureInfo.InvariantCulture))] : [])
            .Build();

    private static Dictionary<string, string?> Defaults(TimeSpan duration)
    {
        var defaults = Compressed(duration);
        foreach (var (i, name) in ClickConcept.NumericFeatures.Index())
        {
            defaults[$"Trainer:Features:NumericFeatures:{i}"] = name;
        }

        foreach (var (i, name) in ClickConcept.CategoricalFeatures.Index())
        {
            defaults[$"Trainer:Features:CategoricalFeatures:{i}"] = name;
        }

        return defaults;
    }

    private static Dictionary<string, string?> Compressed(TimeSpan duration) => new()
    {
        // The traffic: a third of the run before the trend changes, so the rest holds one cycle.
        ["Simulation:DriftAt"] = Span(duration / 3),
        ["Simulation:RequestsPerSecond"] = "250",

        // Commit often: every stage waits for the previous one's output.
        ["Processors:CommitInterval"] = "00:00:00.200",
        ["Processors:Join:FeedbackWindow"] = "00:00:10",
        ["Processors:Join:UnmatchedGrace"] = "00:00:05",
        ["Processors:Join:PurgeInterval"] = "00:00:01",
        ["Processors:Drift:WindowSize"] = "00:00:05",
        ["Processors:Drift:WindowGrace"] = "00:00:02",
        ["Processors:Drift:MinSampleSize"] = "200",
        ["Processors:Performance:WindowSize"] = "00:00:05",
        ["Processors:Performance:Grace"] = "00:00:03",
        ["Processors:Experiments:EmitInterval"] = "00:00:01",
        ["Processors:Experiments:WindowSize"] = "00:00:10",
        ["Processors:Experiments:WindowGrace"] = "00:00:05",
        ["Processors:Experiments:ShadowPairingTimeout"] = "00:00:10",
        ["Processors:Experiments:Rollouts:Guardrail:NonInferiorityMargin"] = "0.02",
        // The first version comes from the operator's manual trigger; after it, drift and performance decide.
        ["Processors:Triggers:Cooldown"] = "00:00:08",
        ["Processors:Triggers:Volume:Enabled"] = "false",
        ["Processors:Triggers:Schedule:Enabled"] = "false",
        ["Processors:Triggers:Performance:MinExamples"] = "300",

        ["Trainer:ModelName"] = ClickConcept.Model,
        ["Trainer:HoldoutSize"] = "400",
        ["Trainer:WindowSize"] = "3000",
        // A small reservoir: after a sudden change, old examples (new to the champion or replayed) dilute the new concept.
        ["Trainer:ReservoirSize"] = "600",
        ["Trainer:MinimumTrainingExamples"] = "500",
        ["Trainer:MinimumHoldoutExamples"] = "200",
        // After a sudden change the optimum is far from the champion's weights.
        ["Trainer:WarmStartIterations"] = "60",
        ["TrainerWorker:CommitInterval"] = "00:00:00.500",
        ["Registry:RampSteps:0"] = "0.1",
        ["Registry:RampSteps:1"] = "0.5",
        ["Registry:MinStepDuration"] = "00:00:04",
        ["Registry:StepTimeout"] = "00:00:12",
        // A challenger must beat the champion clearly: a retrain on data from both sides of a change is not enough.
        ["Registry:HoldoutMargin"] = "0.02",
    };

    private static string Span(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}
