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
                    cleanup_policy = spec.Configs["cleanup.policy"],
                    retention_ms = long.Parse(spec.Configs["retention.ms"]),
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
                spec.Configs["cleanup.policy"],
                spec.Retention is { } retention ? $"{retention.TotalDays:0.#} d" : "forever",
                spec.Description]));
        return Cli.Ok;
    }

    private static async Task<int> CreateAsync(ParseResult parsed)
    {
        var configuration = Cli.Configuration(parsed);
        var kafka = Settings.Kafka(configuration, parsed.GetValue(BootstrapOption));
        var catalog = Settings.Topics(configuration, kafka);
        var timeout = TimeSpan.FromSeconds(parsed.GetValue(TimeoutOption));
        using var admin = new AdminClientBuilder(kafka.ClientConfig<AdminClientConfig>()).Build();

        var results = await TopicProvisioner.EnsureAsync(admin, catalog.All, timeout);

        TextTable.Write(
            parsed.InvocationConfiguration.Output,
            ["TOPIC", "RESULT", "DETAIL"],
            results.Select(result => (IReadOnlyList<string>)[result.Spec.Name, Describe(result.Outcome), result.Detail]));
        return results.Any(result => result.Outcome == ProvisioningOutcome.Failed) ? Cli.Failed : Cli.Ok;
    }

    private static string Describe(ProvisioningOutcome outcome) => outcome switch
    {
        ProvisioningOutcome.Created => "created",
        ProvisioningOutcome.Exists => "exists",
        ProvisioningOutcome.ExistsWithOtherPartitions => "exists (other partition count, left alone)",
        _ => "FAILED",
    };
}
