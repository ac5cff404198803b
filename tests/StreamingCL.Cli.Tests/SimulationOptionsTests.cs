using StreamingCL.Cli.Simulation;
using StreamingCL.Kafka;

namespace StreamingCL.Cli.Tests;

public sealed class SimulationOptionsTests
{
    private readonly SimulationOptions _simulation = new() { DriftAt = TimeSpan.FromSeconds(30) };

    [Theory]
    [InlineData(0, 0)]
    [InlineData(29.9, 0)]
    [InlineData(30, 1)]
    public void A_sudden_drift_reaches_every_user_at_once(double seconds, double share) =>
        Assert.Equal(share, _simulation.DriftShare(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void A_gradual_drift_reaches_users_linearly()
    {
        _simulation.DriftDuration = TimeSpan.FromSeconds(20);

        Assert.Equal([0, 0.25, 1, 1], new[] { 29.0, 35, 50, 60 }.Select(seconds => _simulation.DriftShare(TimeSpan.FromSeconds(seconds))));
    }

    [Fact]
    public void Feedback_delays_out_of_order_are_refused_naming_the_key()
    {
        _simulation.MaxFeedbackDelay = TimeSpan.FromMilliseconds(100);

        var error = Assert.Throws<InvalidConfigurationException>(_simulation.Validate);

        Assert.Contains("Simulation:MaxFeedbackDelay", error.Message);
    }
}
