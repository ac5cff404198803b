using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StreamingCL.Kafka;
using StreamingCL.Processors.Join;

namespace StreamingCL.Processors.Tests;

public sealed class StreamsConfigurationTests
{
    private static readonly StreamApplicationDefinition Join = JoinTopology.Definition(new JoinOptions());

    [Fact]
    public void Client_properties_pass_through_to_every_client_security_included()
    {
        var kafka = new KafkaOptions
        {
            Properties = new()
            {
                ["security.protocol"] = "SASL_SSL",
                ["sasl.mechanism"] = "SCRAM-SHA-512",
                ["sasl.username"] = "svc",
                ["fetch.max.bytes"] = "1048576",
            },
        };

        var config = StreamsConfiguration.For(Join, "broker:9093", kafka, new ProcessorsOptions(), embedded: false);

        var admin = config.ToAdminConfig("admin");
        Assert.Equal(SecurityProtocol.SaslSsl, admin.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, admin.SaslMechanism);
        Assert.Equal("svc", admin.SaslUsername);
        Assert.Equal(SecurityProtocol.SaslSsl, config.ToConsumerConfig("consumer").SecurityProtocol);
        Assert.Equal(1048576, config.ToConsumerConfig("consumer").FetchMaxBytes);
        Assert.Equal("broker:9093", config.ToProducerConfig("producer").BootstrapServers);
    }

    [Fact]
    public void The_guarantee_and_commit_interval_come_from_the_options()
    {
        var exactlyOnce = StreamsConfiguration.For(Join, "b:9092", new KafkaOptions(), new ProcessorsOptions { CommitInterval = TimeSpan.FromSeconds(2) }, embedded: false);
        var atLeastOnce = StreamsConfiguration.For(Join, "b:9092", new KafkaOptions(), new ProcessorsOptions { Guarantee = Guarantee.AtLeastOnce }, embedded: false);
        var embedded = StreamsConfiguration.For(Join, "b:9092", new KafkaOptions(), new ProcessorsOptions(), embedded: true);
        var embeddedButAsked = StreamsConfiguration.For(Join, "b:9092", new KafkaOptions(), new ProcessorsOptions { Guarantee = Guarantee.ExactlyOnce }, embedded: true);

        Assert.Equal("streamingcl-join", exactlyOnce.ApplicationId);
        Assert.Equal(Streamiz.Kafka.Net.ProcessingGuarantee.EXACTLY_ONCE, exactlyOnce.Guarantee);
        Assert.Equal(2000, exactlyOnce.CommitIntervalMs);
        Assert.Equal(Streamiz.Kafka.Net.ProcessingGuarantee.AT_LEAST_ONCE, atLeastOnce.Guarantee);
        Assert.Equal(Streamiz.Kafka.Net.ProcessingGuarantee.AT_LEAST_ONCE, embedded.Guarantee);
        Assert.Equal(Streamiz.Kafka.Net.ProcessingGuarantee.EXACTLY_ONCE, embeddedButAsked.Guarantee);
    }

    [Fact]
    public void A_bad_typed_value_fails_naming_the_key()
    {
        var kafka = new KafkaOptions { Properties = new() { ["security.protocol"] = "SASL_TLS" } };

        var error = Assert.Throws<InvalidConfigurationException>(() => StreamsConfiguration.For(Join, "b:9092", kafka, new ProcessorsOptions(), embedded: false));

        Assert.Equal("Kafka:Properties:security.protocol", error.Key);
    }

    [Fact]
    public void An_empty_application_id_is_refused_naming_the_key()
    {
        var options = new ProcessorsOptions { Join = new JoinOptions { ApplicationId = "" } };

        Assert.Equal("Processors:Join:ApplicationId", Assert.Throws<InvalidConfigurationException>(options.Validate).Key);
    }

    [Fact]
    public void Topologies_still_build_after_the_logger_factory_given_to_streamiz_is_disposed()
    {
        using var serdes = new Kafka.Serialization.EventSerdes(new KafkaOptions());
        var environment = new ProcessorEnvironment(new Kafka.Topics.TopicCatalog(), serdes, TimeProvider.System, new ProcessorMetrics(Prometheus.Metrics.NewCustomRegistry()));
        var logging = LoggerFactory.Create(_ => { });
        var config = StreamsConfiguration.For(Join, "localhost:9092", new KafkaOptions(), new ProcessorsOptions(), embedded: true, logging);
        // A stream application leaves its config's factory in Streamiz's process-wide logger.
        using (new Streamiz.Kafka.Net.KafkaStream(Join.Build(environment), config))
        {
        }

        logging.Dispose();

        Assert.Same(NullLogger.Instance, config.Logger.CreateLogger("after"));
        Assert.NotNull(Join.Build(environment));
    }
}
