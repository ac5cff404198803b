using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StreamingCL.Cli.Hosting;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Registry;

namespace StreamingCL.Cli.Commands;

/// <summary>
/// `streamingcl models`: the registry, rebuilt from model-updates and traffic-allocations, and
/// the human interventions (promote, approve, roll back), each published as stage changes that
/// record who and why, through the same <see cref="RegistryPolicy"/> the trainer worker runs.
/// </summary>
internal static class ModelsCommand
{
    private static readonly Option<string?> ModelOption = new("--model") { Description = "Only this model." };
    private static readonly Option<bool> JsonOption = CliOptions.Json();
    private static readonly Option<string?> BootstrapOption = new("--bootstrap-servers") { Description = "Cluster to use (overrides Kafka:BootstrapServers)." };
    private static readonly Option<int> TimeoutOption = new("--timeout") { Description = "Seconds to wait for the cluster.", DefaultValueFactory = _ => 30 };
    private static readonly Argument<string> ModelArgument = new("model") { Description = "The model." };
    private static readonly Argument<int> VersionArgument = new("version") { Description = "The version number." };
    private static readonly Option<string?> ByOption = new("--by") { Description = "Who is asking; recorded in the stage change. Default: the user name." };
    private static readonly Option<string?> ReasonOption = new("--reason") { Description = "Why; recorded in the stage change." };

    private enum Intervention
    {
        Promote,
        Approve,
        RollBack,
    }

    public static Command Build()
    {
        var list = new Command("list", "Show the registry: every version's stage, training kind, holdout metric against its champion, lineage and creation time, and each model's traffic split.")
        {
            ModelOption,
            JsonOption,
            BootstrapOption,
            TimeoutOption,
        };
        list.SetAction(List);
        return new Command("models", "The model registry (the compacted model-updates topic) and human interventions in rollouts.")
        {
            list,
            InterventionCommand("promote", "Move a version one stage on: candidate, shadow, rejected or rolled-back to canary (when a production version exists), canary to production.", Intervention.Promote),
            InterventionCommand("approve", "Approve a canary (one that passed every ramp step waits for this when Registry:RequireApproval is true): it becomes production.", Intervention.Approve),
            InterventionCommand("rollback", "Take a version off traffic: a canary or shadow is rolled back; a production version gives way to the production version before it.", Intervention.RollBack),
        };
    }

    private static Command InterventionCommand(string name, string description, Intervention intervention)
    {
        var command = new Command(name, description) { ModelArgument, VersionArgument, ByOption, ReasonOption, BootstrapOption, TimeoutOption };
        command.SetAction(parsed => Intervene(parsed, intervention));
        return command;
    }

    private static int List(ParseResult parsed)
    {
        var configuration = Cli.Configuration(parsed);
        var kafka = Settings.Kafka(configuration, parsed.GetValue(BootstrapOption));
        var catalog = Settings.Topics(configuration, kafka);
        var metric = Settings.Registry(configuration).HoldoutMetric;
        using var serdes = new EventSerdes(kafka);
        var (registry, undecodable) = RegistryTopics.Read(kafka, catalog, serdes, Timeout(parsed));
        var only = parsed.GetValue(ModelOption);
        var models = registry.Models.Where(model => only is null || model == only).Order(StringComparer.Ordinal).ToList();
        if (undecodable > 0)
        {
            parsed.InvocationConfiguration.Error.WriteLine($"warning: {undecodable} records of the registry topics are not events and were left out.");
        }

        var output = parsed.InvocationConfiguration.Output;
        if (parsed.GetValue(JsonOption))
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                models = models.Select(model => new
                {
                    model,
                    traffic = registry.Allocation(model) is { } allocation ? Traffic(allocation) : null,
                    versions = registry.Versions(model).Select(Json),
                }),
            }));
            return Cli.Ok;
        }

        if (models.Count == 0)
        {
            output.WriteLine(only is null ? "The registry is empty." : $"The registry has no version of {only}.");
            return Cli.Ok;
        }

        TextTable.Write(
            output,
            ["MODEL", "VERSION", "STAGE", "KIND", "PARENT", $"HOLDOUT {metric.ToUpperInvariant()} (CHAMPION)", "LINEAGE", "CREATED", "LAST CHANGE"],
            models.SelectMany(registry.Versions).Select(version => (IReadOnlyList<string>)[
                version.ModelName,
                Number(version.Version),
                Stage(version.Stage),
                version.TrainingKind.ToString().ToLowerInvariant(),
                version.ParentVersion is { } parent ? Number(parent) : "-",
                Holdout(version, metric),
                Lineage(version.Lineage),
                Time(version.CreatedAt),
                $"{Time(version.UpdatedAt)} {version.ChangedBy}: {version.ChangeReason}"]));
        foreach (var model in models)
        {
            if (registry.Allocation(model) is { } allocation)
            {
                output.WriteLine($"traffic {model} (#{allocation.Sequence}, {Time(allocation.Timestamp)}): {Arms(allocation)}; {allocation.Reason}");
            }
        }

        return Cli.Ok;
    }

    private static int Intervene(ParseResult parsed, Intervention intervention)
    {
        var model = parsed.GetValue(ModelArgument)!;
        var number = parsed.GetValue(VersionArgument);
        var by = parsed.GetValue(ByOption) is { } named && !string.IsNullOrWhiteSpace(named) ? named.Trim() : Environment.UserName;
        var reason = parsed.GetValue(ReasonOption) is { } given && !string.IsNullOrWhiteSpace(given)
            ? given.Trim()
            : $"{intervention.ToString().ToLowerInvariant()} with streamingcl models";
        var configuration = Cli.Configuration(parsed);
        var kafka = Settings.Kafka(configuration, parsed.GetValue(BootstrapOption));
        var catalog = Settings.Topics(configuration, kafka);
        var policy = new RegistryPolicy(Settings.Registry(configuration));
        using var serdes = new EventSerdes(kafka);
        var timeout = Timeout(parsed);
        var (registry, _) = RegistryTopics.Read(kafka, catalog, serdes, timeout);
        var now = DateTimeOffset.UtcNow;
        RegistryDecision decision;
        try
        {
            decision = intervention switch
            {
                Intervention.Promote => policy.Promote(registry, model, number, by, reason, now),
                Intervention.Approve => policy.Approve(registry, model, number, by, reason, now),
                _ => policy.RollBack(registry, model, number, by, reason, now),
            };
        }
        catch (RegistryException e)
        {
            throw new CliInputException(e.Message);
        }

        RegistryTopics.Publish(kafka, catalog, serdes, decision, timeout);
        var output = parsed.InvocationConfiguration.Output;
        foreach (var version in decision.Versions)
        {
            var before = registry.Version(version.ModelName, version.Version)?.Stage;
            output.WriteLine($"{version.ModelName} v{version.Version}: {(before is { } stage ? Stage(stage) : "?")} -> {Stage(version.Stage)} ({version.ChangedBy}: {version.ChangeReason})");
        }

        if (decision.Allocation is { } allocation)
        {
            output.WriteLine($"traffic {allocation.Target}: {Arms(allocation)}");
        }

        return Cli.Ok;
    }

    private static TimeSpan Timeout(ParseResult parsed)
    {
        var seconds = parsed.GetValue(TimeoutOption);
        return seconds > 0 ? TimeSpan.FromSeconds(seconds) : throw new CliInputException($"--timeout must be a positive number of seconds, was {seconds}.");
    }

    private static object Json(ModelVersion version) => new
    {
        version = version.Version,
        stage = Stage(version.Stage),
        training_kind = version.TrainingKind.ToString().ToLowerInvariant(),
        parent_version = version.ParentVersion,
        trigger_id = version.TriggerId,
        created_at = version.CreatedAt,
        updated_at = version.UpdatedAt,
        changed_by = version.ChangedBy,
        change_reason = version.ChangeReason,
        holdout_metrics = version.HoldoutMetrics,
        champion_holdout_metrics = version.ChampionHoldoutMetrics,
        lineage = new
        {
            example_count = version.Lineage.ExampleCount,
            example_ids_sha256 = version.Lineage.ExampleIdsSha256,
            ranges = version.Lineage.Ranges.Select(range => new { topic = range.Topic, partition = range.Partition, first_offset = range.FirstOffset, last_offset = range.LastOffset }),
        },
        feature_spec_sha256 = version.FeatureSpecSha256,
        artifact_sha256 = version.ArtifactSha256,
        artifact_bytes = version.Artifact.Length,
    };

    private static object Traffic(TrafficAllocation allocation) => new
    {
        sequence = allocation.Sequence,
        timestamp = allocation.Timestamp,
        reason = allocation.Reason,
        arms = allocation.Arms.Select(arm => new { arm = arm.Arm, version = arm.ModelVersion, weight = arm.Weight, shadow = arm.Shadow }),
    };

    private static string Holdout(ModelVersion version, string metric)
    {
        if (!version.HoldoutMetrics.TryGetValue(metric, out var value))
        {
            return "-";
        }

        return version.ChampionHoldoutMetrics.TryGetValue(metric, out var champion)
            ? string.Create(CultureInfo.InvariantCulture, $"{value:0.0000} ({champion:0.0000})")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0000}");
    }

    private static string Lineage(Lineage lineage)
    {
        var topics = lineage.Ranges.GroupBy(range => range.Topic).Select(group => $"{group.Count()} partitions of {group.Key}");
        return $"{Number(lineage.ExampleCount)} examples from {string.Join(", ", topics)}";
    }

    private static string Arms(TrafficAllocation allocation) =>
        string.Join(", ", allocation.Arms.Select(arm => string.Create(
            CultureInfo.InvariantCulture, $"{arm.Arm}{(arm.ModelVersion is { } version ? $" v{version}" : "")} {arm.Weight * 100:0.#}%{(arm.Shadow ? " (shadow)" : "")}")));

    private static string Stage(ModelStage stage) => stage == ModelStage.RolledBack ? "rolled-back" : stage.ToString().ToLowerInvariant();

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
