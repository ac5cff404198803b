namespace StreamingCL.Kafka.Tests;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void Producers_partition_keys_as_the_java_client_and_kafka_streams_do_unless_told_otherwise()
    {
        Assert.Equal(Confluent.Kafka.Partitioner.Murmur2Random, new KafkaOptions().ProducerConfig().Partitioner);
        Assert.Equal(
            Confluent.Kafka.Partitioner.Consistent,
            new KafkaOptions { Properties = new() { ["partitioner"] = "consistent" } }.ProducerConfig().Partitioner);
    }

    [Fact]
    public void Pass_through_properties_reach_the_clients_with_the_bootstrap_servers()
    {
        var options = new KafkaOptions { BootstrapServers = "b:9092", Properties = new() { ["security.protocol"] = "SASL_SSL", ["sasl.username"] = "u" } };

        var config = options.ClientConfig<Confluent.Kafka.ConsumerConfig>();

        Assert.Equal("b:9092", config.BootstrapServers);
        Assert.Equal("SASL_SSL", config.Get("security.protocol")); // librdkafka reads the string as given
        Assert.Equal("u", config.SaslUsername);
    }

    [Theory]
    [InlineData("", null, -1, "Kafka:BootstrapServers")]
    [InlineData("b:9092", "not a url", -1, "Kafka:SchemaRegistryUrl")]
    [InlineData("b:9092", null, 0, "Kafka:ReplicationFactor")]
    public void Bad_values_fail_naming_the_key(string bootstrap, string? registry, short replication, string key)
    {
        var options = new KafkaOptions { BootstrapServers = bootstrap, SchemaRegistryUrl = registry, ReplicationFactor = replication };

        Assert.Equal(key, Assert.Throws<InvalidConfigurationException>(options.Validate).Key);
    }
}
