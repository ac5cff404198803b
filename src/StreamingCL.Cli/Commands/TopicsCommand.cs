using System.CommandLine;
using System.Text.Json;
using Confluent.Kafka;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Cli.Commands;

/// <summary>`streamingcl topics list|create`: the topic catalog, and creating it on a cluster.</summary>
internal static class TopicsCommand
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON instead of a table." };

    private static readonly Option<string?> BootstrapOption = new("--bootstrap-servers")
    {
        Description = "Cluster to create the topics on (overrides Kafka:BootstrapServers).",
    };

    private static readonly Option<int> TimeoutOption = new("--timeout")
    {
        Description = "Seconds to wait for the cluster.",
        DefaultValueFactory = _ => 30,
    };

    public static Command Build()
    {
        var list = new Command("list", "Show every topic of the catalog: event topics and stream applications' internal topics.") { JsonOption };
        list.SetAction(parsed => List(parsed));

        var create = new Command("create", "Create the catalog's topics on a cluster (admin API). Existing topics are left alone and reported.")
        {
            BootstrapOption,
            TimeoutOption,
        };
        create.SetAction((parsed, _) => CreateAsync(parsed));

        return new Command("topics", "The topic catalog.") { list, create };
    }

    private static int List(ParseResult parsed)
    {
        var configuration = Cli.Configuration(parsed);
        var catalog = Settings.Topics(configuration, Settings.Kafka(configuration));
        var output = parsed.InvocationConfiguration.Output;
        if (parsed.GetValue(JsonOption))
        {
            output.WriteLine(JsonSerializer.Serialize(
                catalog.All.Select(spec => new
                {
                    name = spec.Name,
                    partitions = spec.Partitions,
                    cleanup_policy = spec.CleanupPolicyConfig,
                    retention_ms = spec.RetentionMs,
                    description = spec.Description,
                })));
            return Cli.Ok;
        }

        TextTable.Write(
            output,
            ["TOPIC", "PARTITIONS", "CLEANUP", "RETENTION", "HOLDS"],
            catalog.All.Select(spec => (IReadOnlyList<string>)[
                spec.Name,
                spec.Partitions.ToString(),
                spec.CleanupPolicyConfig,
                Display(spec.Retention),
                spec.Description]));
        return Cli.Ok;
    }

    private static async Task<int> CreateAsync(ParseResult parsed)
    {
        var configuration = Cli.Configuration(parsed);
        var kafka = Settings.Kafka(configuration, parsed.GetValue(BootstrapOption));
        var catalog = Settings.Topics(configuration, kafka);
        var seconds = parsed.GetValue(TimeoutOption);
        if (seconds <= 0)
        {
            throw new CliInputException($"--timeout must be a positive number of seconds, was {seconds}.");
        }

        // librdkafka's own log lines would flood the terminal while the cluster is unreachable;
        // the failure is reported once, below, with the address tried.
        using var admin = new AdminClientBuilder(kafka.ClientConfig<AdminClientConfig>()).SetLogHandler((_, _) => { }).Build();
        IReadOnlyList<ProvisioningResult> results;
        try
        {
            results = await TopicProvisioner.EnsureAsync(admin, catalog.All, TimeSpan.FromSeconds(seconds));
        }
        catch (KafkaException e)
        {
            throw new InvalidOperationException($"topics create: cannot read the topics of {kafka.BootstrapServers}: {e.Error.Reason}", e);
        }

        TextTable.Write(
            parsed.InvocationConfiguration.Output,
            ["TOPIC", "RESULT", "DETAIL"],
            results.Select(result => (IReadOnlyList<string>)[result.Spec.Name, Describe(result.Outcome), result.Detail]));
        // A topic with another partition count than the catalog's breaks co-partitioned joins: not a success.
        return results.All(result => result.Outcome is ProvisioningOutcome.Created or ProvisioningOutcome.Exists) ? Cli.Ok : Cli.Failed;
    }

    private static string Display(TimeSpan? retention) => retention switch
    {
        null => "forever",
        { TotalDays: >= 1 } r => $"{r.TotalDays:0.#} d",
        { TotalHours: >= 1 } r => $"{r.TotalHours:0.#} h",
        { } r => $"{r.TotalMinutes:0.#} min",
    };

    private static string Describe(ProvisioningOutcome outcome) => outcome switch
    {
        ProvisioningOutcome.Created => "created",
        ProvisioningOutcome.Exists => "exists",
        ProvisioningOutcome.ExistsWithOtherPartitions => "exists (other partition count, left alone)",
        _ => "FAILED",
    };
}
