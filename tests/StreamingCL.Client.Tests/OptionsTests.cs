using StreamingCL.Kafka;

namespace StreamingCL.Client.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("ShadowShare", "Client:Router:ShadowShare")]
    [InlineData("DecisionThreshold", "Client:Router:DecisionThreshold")]
    [InlineData("RolloutExperimentPrefix", "Client:Router:RolloutExperimentPrefix")]
    [InlineData("Experiments", "Client:Router:Experiments:m")]
    public void Router_options_name_the_bad_key(string property, string key)
    {
        var options = new ModelRouterOptions();
        switch (property)
        {
            case "ShadowShare":
                options.ShadowShare = 1.5;
                break;
            case "DecisionThreshold":
                options.DecisionThreshold = double.NaN;
                break;
            case "RolloutExperimentPrefix":
                options.RolloutExperimentPrefix = " ";
                break;
            default:
                options.Experiments["m"] = "";
                break;
        }

        Assert.Equal(key, Assert.Throws<InvalidConfigurationException>(() => new ModelRouter(new KafkaOptions(), options)).Key);
    }

    [Theory]
    [InlineData(0, QueueFullPolicy.Wait, 1000, "Client:Publisher:QueueCapacity")]
    [InlineData(10, (QueueFullPolicy)7, 1000, "Client:Publisher:WhenFull")]
    [InlineData(10, QueueFullPolicy.Fail, 10, "Client:Publisher:UnavailableTimeout")]
    public void Publisher_options_name_the_bad_key(int capacity, QueueFullPolicy policy, int timeoutMs, string key)
    {
        var options = new PublisherOptions { QueueCapacity = capacity, WhenFull = policy, UnavailableTimeout = TimeSpan.FromMilliseconds(timeoutMs) };

        Assert.Equal(key, Assert.Throws<InvalidConfigurationException>(() => new PredictionLogger(new KafkaOptions(), options)).Key);
        Assert.Equal(key, Assert.Throws<InvalidConfigurationException>(() => new FeedbackReporter(new KafkaOptions(), options)).Key);
    }

    [Fact]
    public void Kafka_options_are_validated_too()
    {
        var kafka = new KafkaOptions { BootstrapServers = "" };

        Assert.Equal("Kafka:BootstrapServers", Assert.Throws<InvalidConfigurationException>(() => new ModelRouter(kafka)).Key);
        Assert.Equal("Kafka:BootstrapServers", Assert.Throws<InvalidConfigurationException>(() => new PredictionLogger(kafka)).Key);
    }

    [Fact]
    public void Defaults_are_valid()
    {
        new ModelRouterOptions().Validate();
        new PublisherOptions().Validate();
    }
}
