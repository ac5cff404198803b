using System.Security.Cryptography;
using System.Text.Json;
using Confluent.Kafka;
using StreamingCL.Cli.Hosting;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Cli.Tests;

/// <summary>`streamingcl models` against an embedded broker whose registry topics the test writes.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start(topics: new TopicCatalog().All);
    private readonly EventSerdes _serdes = new(new KafkaOptions());

    [Fact]
    public async Task Models_list_shows_every_version_and_the_traffic_split_as_json()
    {
        WriteRolloutOfVersion2();
        Write(Version("other", 1, ModelStage.Production));

        var result = await CliRunner.RunAsync("models", "list", "--json", "--bootstrap-servers", _cluster.BootstrapServers);

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        var models = JsonDocument.Parse(result.Output).RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["churn", "other"], models.Select(model => model.GetProperty("model").GetString()));
        var versions = models[0].GetProperty("versions").EnumerateArray().ToList();
        // The latest record of a version is its state: v1 was a candidate first.
        Assert.Equal([(1, "production", "stateless"), (2, "canary", "stateful")], versions.Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("stage").GetString(), v.GetProperty("training_kind").GetString())));
        var v2 = versions[1];
        Assert.Equal(1, v2.GetProperty("parent_version").GetInt32());
        Assert.Equal(0.85, v2.GetProperty("holdout_metrics").GetProperty("auc").GetDouble());
        Assert.Equal(0.8, v2.GetProperty("champion_holdout_metrics").GetProperty("auc").GetDouble());
        Assert.Equal(1_300, v2.GetProperty("lineage").GetProperty("example_count").GetInt64());
        Assert.Equal(2, v2.GetProperty("lineage").GetProperty("ranges").GetArrayLength());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("model v2"u8)), v2.GetProperty("artifact_sha256").GetString());
        Assert.Equal(8, v2.GetProperty("artifact_bytes").GetInt32());
        var arms = models[0].GetProperty("traffic").GetProperty("arms").EnumerateArray()
            .Select(arm => (arm.GetProperty("arm").GetString(), arm.GetProperty("version").GetInt32(), arm.GetProperty("weight").GetDouble())).ToList();
        Assert.Equal([("production", 1, 0.9), ("canary", 2, 0.1)], arms);
        Assert.Equal(JsonValueKind.Null, models[1].GetProperty("traffic").ValueKind);
    }

    [Fact]
    public async Task Models_list_prints_a_table_with_the_holdout_metric_against_the_champion_and_the_traffic()
    {
        WriteRolloutOfVersion2();

        var result = await CliRunner.RunAsync("models", "list", "--model", "churn", "--bootstrap-servers", _cluster.BootstrapServers);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.TrimEnd().Split('\n');
        Assert.StartsWith("MODEL", lines[0]);
        Assert.Matches(@"^churn\s+1\s+production\s+stateless\s+-\s+0\.8000\s+1300 examples from 2 partitions of labeled-examples\s+2026-03-01T12:00:00Z\s+2026-03-01T12:00:00Z registry-policy: test$", lines[1]);
        Assert.Matches(@"^churn\s+2\s+canary\s+stateful\s+1\s+0\.8500 \(0\.8000\)\s", lines[2]);
        Assert.Equal("traffic churn (#2, 2026-03-01T12:00:00Z): production v1 90%, canary v2 10%; v2 enters canary", lines[3]);
    }

    [Fact]
    public async Task Models_promote_records_who_and_why_and_moves_the_traffic()
    {
        WriteRolloutOfVersion2();

        var result = await CliRunner.RunAsync("models", "promote", "churn", "2", "--by", "alice", "--reason", "metrics look right", "--bootstrap-servers", _cluster.BootstrapServers);

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.Equal(
            ["churn v1: production -> archived (alice: replaced by v2)", "churn v2: canary -> production (alice: metrics look right)", "traffic churn: production v2 100%"],
            result.Output.TrimEnd().Split('\n'));
        var (registry, _) = RegistryTopics.Read(Kafka, new TopicCatalog(), _serdes, TimeSpan.FromSeconds(30));
        var promoted = registry.Version("churn", 2)!;
        Assert.Equal((ModelStage.Production, "alice", "metrics look right"), (promoted.Stage, promoted.ChangedBy, promoted.ChangeReason));
        Assert.Equal(ModelStage.Archived, registry.Version("churn", 1)!.Stage);
        var allocation = registry.Allocation("churn")!;
        Assert.Equal((3L, "churn"), (allocation.Sequence, allocation.Salt));
        Assert.Equal([new ArmWeight("production", 1.0, 2)], allocation.Arms);
    }

    [Fact]
    public async Task A_refused_intervention_is_reported_in_one_line_with_exit_code_2_and_nothing_is_written()
    {
        WriteRolloutOfVersion2();

        var approve = await CliRunner.RunAsync("models", "approve", "churn", "1", "--bootstrap-servers", _cluster.BootstrapServers);
        var missing = await CliRunner.RunAsync("models", "rollback", "churn", "9", "--bootstrap-servers", _cluster.BootstrapServers);

        Assert.Equal((2, "error: churn v1 is Production; only a canary can be approved."), (approve.ExitCode, approve.Error.Trim()));
        Assert.Equal((2, "error: churn has no version 9 (known: 1, 2)."), (missing.ExitCode, missing.Error.Trim()));
        Assert.Equal(2, RegistryTopics.Read(Kafka, new TopicCatalog(), _serdes, TimeSpan.FromSeconds(30)).Registry.Allocation("churn")!.Sequence);
    }

    [Fact]
    public async Task Models_list_of_an_empty_registry_says_so()
    {
        var result = await CliRunner.RunAsync("models", "list", "--bootstrap-servers", _cluster.BootstrapServers);

        Assert.Equal((0, "The registry is empty."), (result.ExitCode, result.Output.Trim()));
    }

    [Fact]
    public async Task An_unreachable_cluster_fails_in_one_line_naming_it()
    {
        var result = await CliRunner.RunAsync("models", "list", "--bootstrap-servers", "127.0.0.1:1", "--timeout", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: cannot read model-updates on 127.0.0.1:1", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    public void Dispose()
    {
        _serdes.Dispose();
        _cluster.Dispose();
    }

    private KafkaOptions Kafka => new() { BootstrapServers = _cluster.BootstrapServers };

    /// <summary>v1 (candidate, then production) and v2 in canary with 10% of the traffic.</summary>
    private void WriteRolloutOfVersion2()
    {
        Write(
            Version("churn", 1, ModelStage.Candidate),
            Version("churn", 1, ModelStage.Production),
            Version("churn", 2, ModelStage.Canary) with
            {
                ParentVersion = 1,
                TrainingKind = TrainingKind.Stateful,
                HoldoutMetrics = new Dictionary<string, double> { ["auc"] = 0.85, ["count"] = 200 },
                ChampionHoldoutMetrics = new Dictionary<string, double> { ["auc"] = 0.8, ["count"] = 200 },
                ChangeReason = "beat the champion",
            });
        Write(
            new TrafficAllocation { Target = "churn", Kind = AllocationKind.Rollout, Salt = "churn", Sequence = 1, Timestamp = Created, Arms = [new ArmWeight("production", 1, 1)], Reason = "first version in production" },
            new TrafficAllocation
            {
                Target = "churn",
                Kind = AllocationKind.Rollout,
                Salt = "rollout:churn:2",
                Sequence = 2,
                Timestamp = Created,
                Arms = [new ArmWeight("production", 0.9, 1), new ArmWeight("canary", 0.1, 2)],
                Reason = "v2 enters canary",
            });
    }

    private static ModelVersion Version(string model, int version, ModelStage stage)
    {
        var artifact = System.Text.Encoding.UTF8.GetBytes($"model v{version}");
        return new ModelVersion
        {
            ModelName = model,
            Version = version,
            Stage = stage,
            TrainingKind = TrainingKind.Stateless,
            TriggerId = $"{model}-t{version}",
            CreatedAt = Created,
            UpdatedAt = Created,
            ChangedBy = stage == ModelStage.Candidate ? "trainer" : "registry-policy",
            ChangeReason = "test",
            HoldoutMetrics = new Dictionary<string, double> { ["auc"] = 0.8, ["count"] = 200 },
            Lineage = new Lineage([new OffsetRange("labeled-examples", 0, 0, 700), new OffsetRange("labeled-examples", 1, 0, 599)], 1_300, new string('0', 64)),
            FeatureSpecSha256 = new string('1', 64),
            Artifact = artifact,
            ArtifactSha256 = Convert.ToHexStringLower(SHA256.HashData(artifact)),
        };
    }

    private void Write(params ModelVersion[] versions) =>
        Produce("model-updates", versions.Select(version => (version.Key, _serdes.For<ModelVersion>().Serialize(version, "model-updates"))));

    private void Write(params TrafficAllocation[] allocations) =>
        Produce("traffic-allocations", allocations.Select(allocation => (allocation.Target, _serdes.For<TrafficAllocation>().Serialize(allocation, "traffic-allocations"))));

    private void Produce(string topic, IEnumerable<(string Key, byte[] Value)> records)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        foreach (var (key, value) in records)
        {
            producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}
