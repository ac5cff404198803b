using Confluent.Kafka;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Cli.Tests;

public sealed class TriggerCommandTests
{
    [Fact]
    public async Task Trigger_writes_one_manual_retrain_trigger_keyed_by_model()
    {
        using var cluster = EmbeddedKafkaCluster.Start(topics: new TopicCatalog().All);
        var before = DateTimeOffset.UtcNow;

        var result = await CliRunner.RunAsync(
            "trigger", "--model", "ctr", "--reason", "labels fixed after the audit", "--training", "stateless", "--bootstrap-servers", cluster.BootstrapServers);

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        var record = ReadOnly(cluster.BootstrapServers, "retrain-triggers");
        var trigger = record.Message.Value;
        Assert.Equal("ctr", record.Message.Key);
        Assert.Equal(("ctr", TriggerKind.Manual, "labels fixed after the audit", TrainingKind.Stateless), (trigger.ModelName, trigger.Kind, trigger.Reason, trigger.TrainingKind));
        Assert.Equal($"ctr:manual:{trigger.Timestamp.ToUnixTimeMilliseconds()}", trigger.TriggerId);
        Assert.InRange(trigger.Timestamp, DateTimeOffset.FromUnixTimeMilliseconds(before.ToUnixTimeMilliseconds()), DateTimeOffset.UtcNow); // Avro keeps milliseconds
        Assert.Empty(trigger.Evidence);
        Assert.EndsWith("(streamingcl trigger)", trigger.RequestedBy);
        Assert.Equal($"{trigger.TriggerId} written to retrain-triggers (partition {record.Partition.Value}, offset 0).", result.Output.Trim());
    }

    [Fact]
    public async Task Without_training_the_trainer_policy_decides()
    {
        using var cluster = EmbeddedKafkaCluster.Start(topics: new TopicCatalog().All);

        var result = await CliRunner.RunAsync("trigger", "--model", "churn", "--reason", "quarterly refresh", "--bootstrap-servers", cluster.BootstrapServers);

        Assert.Equal(0, result.ExitCode);
        Assert.Null(ReadOnly(cluster.BootstrapServers, "retrain-triggers").Message.Value.TrainingKind);
    }

    [Fact]
    public async Task A_blank_reason_is_refused_before_anything_is_written()
    {
        var result = await CliRunner.RunAsync("trigger", "--model", "ctr", "--reason", "  ");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --reason must not be empty.", result.Error.Trim());
    }

    [Fact]
    public async Task A_missing_model_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("trigger", "--reason", "drifted");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--model", result.Error);
    }

    [Fact]
    public async Task An_unreachable_cluster_fails_in_one_line_naming_it()
    {
        var result = await CliRunner.RunAsync("trigger", "--model", "ctr", "--reason", "drifted", "--bootstrap-servers", "127.0.0.1:1", "--timeout", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: trigger: cannot write to retrain-triggers on 127.0.0.1:1: ", result.Error);
    }

    /// <summary>The one record of <paramref name="topic"/>; fails if there is none or a second.</summary>
    private static ConsumeResult<string, RetrainTrigger> ReadOnly(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<string, RetrainTrigger>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"trigger-test-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        })
            .SetValueDeserializer(new AvroEventSerde<RetrainTrigger>())
            .Build();
        consumer.Subscribe(topic);
        var record = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException($"Nothing on {topic} within 30 s.");
        Assert.Null(consumer.Consume(TimeSpan.FromSeconds(1)));
        consumer.Close();
        return record;
    }
}
