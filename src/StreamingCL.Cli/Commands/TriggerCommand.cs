using System.CommandLine;
using Confluent.Kafka;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Cli.Commands;

/// <summary>
/// `streamingcl trigger`: a person asks for a retrain. Writes one MANUAL RetrainTrigger straight to
/// retrain-triggers (keyed by model, as the trigger processor writes), so the trainer sees it like
/// any other; the trigger processor's cooldown does not apply to it.
/// </summary>
internal static class TriggerCommand
{
    private static readonly Option<string> ModelOption = new("--model") { Description = "Model to retrain.", Required = true };

    private static readonly Option<string> ReasonOption = new("--reason") { Description = "Why: kept in the trigger for whoever reads it later.", Required = true };

    private static readonly Option<TrainingKind?> TrainingOption = new("--training")
    {
        Description = "stateful (warm start from the champion) or stateless (full retrain). Default: the trainer's policy decides.",
    };

    private static readonly Option<string?> BootstrapOption = new("--bootstrap-servers")
    {
        Description = "Cluster to write to (overrides Kafka:BootstrapServers).",
    };

    private static readonly Option<int> TimeoutOption = new("--timeout")
    {
        Description = "Seconds to wait for the cluster to acknowledge the trigger.",
        DefaultValueFactory = _ => 30,
    };

    public static Command Build()
    {
        var trigger = new Command("trigger", "Ask for a retrain of a model now: writes one MANUAL retrain trigger to the retrain-triggers topic.")
        {
            ModelOption,
            ReasonOption,
            TrainingOption,
            BootstrapOption,
            TimeoutOption,
        };
        trigger.SetAction((parsed, _) => WriteAsync(parsed));
        return trigger;
    }

    private static async Task<int> WriteAsync(ParseResult parsed)
    {
        var model = NotBlank(parsed.GetValue(ModelOption), "--model");
        var reason = NotBlank(parsed.GetValue(ReasonOption), "--reason");
        var seconds = parsed.GetValue(TimeoutOption);
        if (seconds <= 0)
        {
            throw new CliInputException($"--timeout must be a positive number of seconds, was {seconds}.");
        }

        var configuration = Cli.Configuration(parsed);
        var kafka = Settings.Kafka(configuration, parsed.GetValue(BootstrapOption));
        var topic = Settings.Topics(configuration, kafka)[EventTopic.RetrainTriggers].Name;
        var trigger = Manual(model, reason, parsed.GetValue(TrainingOption), $"{Environment.UserName} (streamingcl trigger)", DateTimeOffset.UtcNow);
        var delivered = await PublishAsync(kafka, topic, trigger, TimeSpan.FromSeconds(seconds));
        await parsed.InvocationConfiguration.Output.WriteLineAsync(
            $"{trigger.TriggerId} written to {topic} (partition {delivered.Partition.Value}, offset {delivered.Offset.Value}).");
        return Cli.Ok;
    }

    /// <summary>A manual trigger; its id is unique per model and millisecond.</summary>
    internal static RetrainTrigger Manual(string model, string reason, TrainingKind? training, string requestedBy, DateTimeOffset now) => new()
    {
        TriggerId = $"{model}:manual:{now.ToUnixTimeMilliseconds()}",
        ModelName = model,
        Kind = TriggerKind.Manual,
        Timestamp = now,
        Reason = reason,
        TrainingKind = training,
        RequestedBy = requestedBy,
    };

    /// <summary>Writes <paramref name="trigger"/> keyed by its model with an idempotent producer; fails naming the cluster when it cannot within <paramref name="timeout"/>.</summary>
    internal static async Task<DeliveryResult<string, RetrainTrigger>> PublishAsync(KafkaOptions kafka, string topic, RetrainTrigger trigger, TimeSpan timeout)
    {
        using var serdes = new EventSerdes(kafka);
        var config = kafka.ProducerConfig();
        config.EnableIdempotence = true;
        config.MessageTimeoutMs = (int)timeout.TotalMilliseconds;
        // librdkafka's own log lines would flood the terminal while the cluster is unreachable; the
        // failure is reported once, below, with the address tried.
        using var producer = new ProducerBuilder<string, RetrainTrigger>(config)
            .SetValueSerializer(serdes.For<RetrainTrigger>())
            .SetLogHandler((_, _) => { })
            .Build();
        try
        {
            return await producer.ProduceAsync(topic, new Message<string, RetrainTrigger> { Key = trigger.ModelName, Value = trigger, Timestamp = new Timestamp(trigger.Timestamp) });
        }
        catch (ProduceException<string, RetrainTrigger> e)
        {
            throw new InvalidOperationException($"trigger: cannot write to {topic} on {kafka.BootstrapServers}: {e.Error.Reason}", e);
        }
    }

    private static string NotBlank(string? value, string option) =>
        string.IsNullOrWhiteSpace(value) ? throw new CliInputException($"{option} must not be empty.") : value.Trim();
}
