using StreamingCL.Kafka;

namespace StreamingCL.Cli.Simulation;

/// <summary>The simulated population and its behaviour (configuration section Simulation).</summary>
internal sealed class SimulationOptions
{
    public const string SectionName = "Simulation";

    /// <summary>Seed of every random draw: the same seed gives the same requests, clicks and delays.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Distinct users (randomisation units).</summary>
    public int Units { get; set; } = 5_000;

    /// <summary>Requests served per second.</summary>
    public double RequestsPerSecond { get; set; } = 250;

    /// <summary>When the trend changes, from the start of the simulation.</summary>
    public TimeSpan DriftAt { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the change takes to reach every user: zero for a sudden drift.</summary>
    public TimeSpan DriftDuration { get; set; } = TimeSpan.Zero;

    /// <summary>Shortest delay between a prediction and its feedback.</summary>
    public TimeSpan MinFeedbackDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Longest delay between a prediction and its feedback.</summary>
    public TimeSpan MaxFeedbackDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Share of predictions whose feedback never comes.</summary>
    public double FeedbackLoss { get; set; } = 0.1;

    /// <summary>Share of users already following the new trend <paramref name="elapsed"/> into the simulation.</summary>
    public double DriftShare(TimeSpan elapsed) =>
        elapsed < DriftAt ? 0
        : DriftDuration <= TimeSpan.Zero ? 1
        : Math.Min(1, (elapsed - DriftAt) / DriftDuration);

    public void Validate()
    {
        Check(Units >= 1, nameof(Units), $"must be at least 1, was {Units}.");
        Check(RequestsPerSecond > 0 && double.IsFinite(RequestsPerSecond), nameof(RequestsPerSecond), $"must be a positive number, was {RequestsPerSecond}.");
        Check(DriftAt >= TimeSpan.Zero, nameof(DriftAt), $"must not be negative, was {DriftAt}.");
        Check(DriftDuration >= TimeSpan.Zero, nameof(DriftDuration), $"must not be negative, was {DriftDuration}.");
        Check(MinFeedbackDelay >= TimeSpan.Zero, nameof(MinFeedbackDelay), $"must not be negative, was {MinFeedbackDelay}.");
        Check(MaxFeedbackDelay >= MinFeedbackDelay, nameof(MaxFeedbackDelay), $"must be at least {nameof(MinFeedbackDelay)} ({MinFeedbackDelay}), was {MaxFeedbackDelay}.");
        Check(FeedbackLoss is >= 0 and < 1, nameof(FeedbackLoss), $"must be in [0, 1), was {FeedbackLoss}.");
    }

    private static void Check(bool valid, string key, string problem) =>
        InvalidConfigurationException.ThrowUnless(valid, $"{SectionName}:{key}", problem);
}
