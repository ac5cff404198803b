using StreamingCL.Cli.Hosting;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors;
using StreamingCL.Registry;
using StreamingCL.Trainer;
using Xunit.Abstractions;

namespace StreamingCL.Integration.Tests.Training;

/// <summary>The trainer worker and its registry policy on the embedded broker, hosted in-process.</summary>
public sealed class TrainerWorkerTests(ITestOutputHelper output)
{
    private const string Model = TrainerHarness.Model;

    [Fact]
    public async Task A_trigger_publishes_one_version_with_its_lineage_and_the_policy_decision()
    {
        await using var harness = new TrainerHarness(output);
        harness.ProduceExamples(harness.Concept, 1_500);
        await harness.StartWorkerAsync();

        harness.ProduceTrigger("t1");
        var updates = await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Count >= 2);

        // The candidate as the trainer published it, then the registry policy's decision on it.
        Assert.Equal([(1, ModelStage.Candidate, ContinualTrainer.ChangedBy), (1, ModelStage.Production, harness.Registry.Actor)], updates.Select(v => (v.Version, v.Stage, v.ChangedBy)));
        var candidate = updates[0];
        Assert.Equal(("t1", TrainingKind.Stateless, (int?)null), (candidate.TriggerId, candidate.TrainingKind, candidate.ParentVersion));
        // Every example but the 200 of the holdout, by the partitions they were read from.
        Assert.Equal(1_300, candidate.Lineage.ExampleCount);
        Assert.All(candidate.Lineage.Ranges, range => Assert.Equal("labeled-examples", range.Topic));
        Assert.Equal(candidate.Lineage.Ranges.Count, candidate.Lineage.Ranges.Select(range => range.Partition).Distinct().Count());
        Assert.InRange(candidate.Lineage.Ranges.Count, 1, harness.Catalog[EventTopic.LabeledExamples].Partitions);
        Assert.Equal(200, candidate.HoldoutMetrics["count"]);
        // Well above chance: which 200 examples form the holdout depends on the order partitions arrive in.
        Assert.True(candidate.HoldoutMetrics["auc"] > 0.7, $"holdout AUC {candidate.HoldoutMetrics["auc"]}");
        Assert.Equal(ModelScorer.Sha256Hex(candidate.Artifact.Span), candidate.ArtifactSha256);
        Assert.Equal("first version of the model", updates[1].ChangeReason);
        var allocation = Assert.Single(harness.Allocations());
        Assert.Equal([new ArmWeight("production", 1.0, 1)], allocation.Arms);

        var metrics = await TrainerHarness.WaitForAsync(harness.MetricsText, text => text.Contains("stage=\"production\"", StringComparison.Ordinal));
        Assert.Contains("streamingcl_registry_version_stage{model=\"churn\",version=\"1\",stage=\"production\"} 1", metrics);
        Assert.DoesNotContain("stage=\"candidate\"", metrics);
        Assert.Contains("streamingcl_trainer_versions_published_total{model=\"churn\",kind=\"stateless\"} 1", metrics);
        Assert.Contains("streamingcl_trainer_trigger_to_published_seconds_count{model=\"churn\"} 1", metrics);
        Assert.Contains("streamingcl_trainer_examples_total{model=\"churn\",disposition=\"accepted\"} 1500", metrics);
    }

    [Fact]
    public async Task A_replayed_trigger_creates_no_second_version()
    {
        await using var harness = new TrainerHarness(output);
        harness.ProduceExamples(harness.Concept, 1_500);
        var (_, metrics) = await harness.StartWorkerAsync();
        harness.ProduceTrigger("t1");
        await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Count >= 2);
        harness.ProduceExamples(harness.Concept, 300);

        harness.ProduceTrigger("t1");
        // Triggers of a model share a partition: once t2's version is out, the replay of t1 has been handled.
        harness.ProduceTrigger("t2");
        var updates = await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Any(v => v.TriggerId == "t2"));

        Assert.Equal([(1, "t1"), (2, "t2")], updates.Where(v => v.Stage == ModelStage.Candidate).Select(v => (v.Version, v.TriggerId)));
        Assert.Equal(1, metrics.Triggers(Model, "duplicate"));
        Assert.Equal(TrainingKind.Stateful, updates.First(v => v.Version == 2).TrainingKind);
        Assert.Equal(1, updates.First(v => v.Version == 2).ParentVersion);
    }

    [Theory]
    [InlineData(CrashPoint.BeforePublishing)]
    [InlineData(CrashPoint.BetweenCandidateAndDecision)]
    [InlineData(CrashPoint.BeforeCommitting)]
    public async Task A_crash_while_publishing_loses_nothing_and_duplicates_nothing(CrashPoint point)
    {
        await using var harness = new TrainerHarness(output);
        // One partition: the buffer's order, hence the training set, is the same in both lives.
        harness.ProduceExamples(harness.Concept, 1_500, partition: 0);
        CrashingOutputs? crashing = null;
        var (first, _) = await harness.StartWorkerAsync((config, _) =>
            crashing = new CrashingOutputs(new FlushThenCommitOutputs(config), point, harness.Catalog[EventTopic.ModelUpdates].Name, harness.Serdes));

        harness.ProduceTrigger("t1");
        var attempted = await crashing!.Reached.Task.WaitAsync(TimeSpan.FromSeconds(90));
        var stopping = harness.StopAsync(first);
        crashing.Crash();
        await stopping;

        Assert.Equal((1, "t1"), (attempted.Version, attempted.TriggerId));
        Assert.Equal(
            point switch { CrashPoint.BeforePublishing => 0, CrashPoint.BetweenCandidateAndDecision => 1, _ => 2 },
            harness.ModelUpdates().Count);

        var (_, metrics) = await harness.StartWorkerAsync();
        await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Any(v => v.Stage == ModelStage.Production));
        // t2 follows t1 on the triggers' partition: once its version is out, any replay of t1 has been handled.
        harness.ProduceExamples(harness.Concept, 300, partition: 0);
        harness.ProduceTrigger("t2");
        var updates = await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Any(v => v.TriggerId == "t2" && v.Stage != ModelStage.Candidate));

        var candidates = updates.Where(v => v.Stage == ModelStage.Candidate).ToList();
        Assert.Equal([(1, "t1"), (2, "t2")], candidates.Select(v => (v.Version, v.TriggerId)));
        Assert.Equal([ModelStage.Candidate, ModelStage.Production], updates.Where(v => v.Version == 1).Select(v => v.Stage));
        Assert.Equal(point == CrashPoint.BeforePublishing ? 0 : 1, metrics.Triggers(Model, "duplicate"));
        // The restarted trainer rebuilt the same buffer and trained the very model the crashed one had (or kept the one published).
        Assert.Equal((attempted.Lineage.ExampleCount, attempted.Lineage.ExampleIdsSha256), (candidates[0].Lineage.ExampleCount, candidates[0].Lineage.ExampleIdsSha256));
        // Same parameters (the artifact's bytes differ: the model zip records when it was written).
        var (trained, published) = (ModelScorer.Load(attempted), ModelScorer.Load(candidates[0]));
        Assert.Equal(trained.Weights.ToArray(), published.Weights.ToArray());
        Assert.Equal(trained.Bias, published.Bias);
    }

    [Fact]
    public async Task The_approval_gate_holds_until_models_approve_and_models_rollback_restores_the_previous_production()
    {
        await using var harness = new TrainerHarness(output, registry => registry.RequireApproval = true);
        var (worker, _) = await StartWithCanaryAsync(harness);

        // Every ramp step passes, and one more PROMOTE: the canary waits for a person.
        var start = DateTimeOffset.UtcNow.AddHours(1);
        for (var step = 1; step <= 3; step++)
        {
            harness.ProduceVerdict(2, ExperimentVerdict.Promote, start.AddHours(step));
        }

        var updates = await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Any(v => v.ChangeReason == "awaiting approval"));
        var allocations = harness.Allocations();
        Assert.Equal(ModelStage.Canary, updates.Last(v => v.Version == 2).Stage);
        Assert.Equal("awaiting approval", updates.Last(v => v.Version == 2).ChangeReason);
        Assert.Equal(ModelStage.Production, updates.Last(v => v.Version == 1).Stage);
        Assert.Equal([0.1, 0.5], allocations.Skip(1).Select(a => a.Arms.Single(arm => arm.Arm == "canary").Weight));

        var approved = await harness.CliAsync("models", "approve", Model, "2", "--by", "alice", "--reason", "dashboards look good");

        Assert.Equal((0, ""), (approved.ExitCode, approved.Error));
        Assert.Contains($"{Model} v2: canary -> production (alice: dashboards look good)", approved.Output);
        var registry = harness.RebuiltRegistry();
        Assert.Equal((ModelStage.Production, "alice"), (registry.Version(Model, 2)!.Stage, registry.Version(Model, 2)!.ChangedBy));
        Assert.Equal(ModelStage.Archived, registry.Version(Model, 1)!.Stage);
        Assert.Equal([new ArmWeight("production", 1.0, 2)], registry.Allocation(Model)!.Arms);
        var view = await TrainerHarness.WaitForAsync(() => worker.View, v => v.Versions.Any(x => x is { Version: 2, Stage: ModelStage.Production }));
        Assert.Equal(ModelStage.Production, view.Versions.Single(v => v.Version == 2).Stage);

        var rolledBack = await harness.CliAsync("models", "rollback", Model, "2", "--by", "bob", "--reason", "complaints");

        Assert.Equal(0, rolledBack.ExitCode);
        registry = harness.RebuiltRegistry();
        Assert.Equal((ModelStage.RolledBack, "bob", "complaints"), (registry.Version(Model, 2)!.Stage, registry.Version(Model, 2)!.ChangedBy, registry.Version(Model, 2)!.ChangeReason));
        Assert.Equal(ModelStage.Production, registry.Version(Model, 1)!.Stage);
        Assert.Equal([new ArmWeight("production", 1.0, 1)], registry.Allocation(Model)!.Arms);
    }

    [Fact]
    public async Task A_rollback_verdict_takes_the_canary_off_and_restores_production_traffic()
    {
        await using var harness = new TrainerHarness(output);
        await StartWithCanaryAsync(harness);

        harness.ProduceVerdict(2, ExperimentVerdict.Rollback, DateTimeOffset.UtcNow);
        var allocations = await TrainerHarness.WaitForAsync(harness.Allocations, records => records.Count >= 3);

        Assert.Equal([new ArmWeight("production", 1.0, 1)], allocations.Last().Arms);
        var registry = harness.RebuiltRegistry();
        Assert.Equal(ModelStage.RolledBack, registry.Version(Model, 2)!.Stage);
        Assert.Contains("significantly worse", registry.Version(Model, 2)!.ChangeReason);
        Assert.Equal(ModelStage.Production, registry.Version(Model, 1)!.Stage);
    }

    [Fact]
    public async Task The_registry_rebuilt_from_the_topics_equals_the_live_one_and_a_restarted_worker_holds_the_same()
    {
        await using var harness = new TrainerHarness(output);
        var (worker, _) = await StartWithCanaryAsync(harness);
        harness.ProduceVerdict(2, ExperimentVerdict.Promote, DateTimeOffset.UtcNow.AddHours(1));
        await TrainerHarness.WaitForAsync(harness.Allocations, records => records.Count >= 3);
        Assert.Equal(0, (await harness.CliAsync("models", "promote", Model, "2", "--by", "carol")).ExitCode);

        var rebuilt = Snapshot(harness.RebuiltRegistry());
        Assert.Contains((2, ModelStage.Production, "carol"), rebuilt.Versions.Select(v => (v.Version, v.Stage, v.ChangedBy)));
        var live = await TrainerHarness.WaitForAsync(() => Snapshot(worker.View), view => view.Equals(rebuilt));
        Assert.Equal(rebuilt, live);

        await harness.StopAsync(worker);
        var (restarted, _) = await harness.StartWorkerAsync();
        Assert.Equal(rebuilt, Snapshot(restarted.View));
    }

    [Fact]
    public async Task Bad_examples_go_to_dead_letters_with_their_reasons_and_training_goes_on_without_them()
    {
        await using var harness = new TrainerHarness(output);
        await harness.StartWorkerAsync();
        var random = new Random(3);
        var now = DateTimeOffset.UtcNow;
        harness.ProduceExample(harness.Concept.Example(Model, "nan", random, now) with { NumericFeatures = new Dictionary<string, double> { ["x0"] = double.NaN } });
        harness.ProduceExample(harness.Concept.Example(Model, "unlabeled", random, now) with { Label = null });
        harness.ProduceRaw(EventTopic.LabeledExamples, "garbage", "not an event"u8.ToArray());
        // Another model's example and a shadow example are not errors.
        harness.ProduceExample(harness.Concept.Example("other-model", "other", random, now));
        harness.ProduceExample(harness.Concept.Example(Model, "shadow", random, now) with { Shadow = true });
        harness.ProduceExamples(harness.Concept, 1_500);
        harness.ProduceTrigger("t1");

        var updates = await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Count >= 2);
        var letters = harness.DeadLetters().OrderBy(letter => letter.ErrorKind).ToList();

        Assert.Equal(
            [(DeadLetterKind.Malformed, "garbage"), (DeadLetterKind.InvalidValue, "nan"), (DeadLetterKind.MissingField, "unlabeled")],
            letters.Select(letter => (letter.ErrorKind, System.Text.Encoding.UTF8.GetString(letter.Key!.Value.Span))));
        Assert.All(letters, letter => Assert.Equal(("labeled-examples", $"streamingcl-trainer-{Model}"), (letter.OriginalTopic, letter.Processor)));
        Assert.Contains("numeric_features[x0] is NaN", letters[1].Reason);
        Assert.Contains("label is missing", letters[2].Reason);
        Assert.Equal("not an event"u8.ToArray(), letters[0].Payload!.Value.ToArray());
        // 1,500 good examples, less the holdout of 200.
        Assert.Equal(1_300, updates[0].Lineage.ExampleCount);
    }

    [Fact]
    public async Task A_champion_whose_artifact_does_not_match_its_sha256_is_refused_and_a_full_retrain_replaces_it()
    {
        await using var harness = new TrainerHarness(output);
        harness.ProduceExamples(harness.Concept, 1_500);
        await harness.StartWorkerAsync();
        harness.ProduceTrigger("t1");
        var production = (await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Count >= 2)).Last();

        // Someone rewrites the production model's bytes but not its hash.
        var tampered = production.Artifact.ToArray();
        tampered[tampered.Length / 2] ^= 0xFF;
        harness.ProduceRaw(EventTopic.ModelUpdates, production.Key, harness.Serdes.For<ModelVersion>().Serialize(production with { Artifact = tampered }, "model-updates"));
        harness.ProduceExamples(harness.Concept, 300);
        harness.ProduceTrigger("t2");
        var updates = await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Any(v => v.TriggerId == "t2"));

        var v2 = updates.First(v => v.TriggerId == "t2");
        Assert.Equal(TrainingKind.Stateless, v2.TrainingKind);
        Assert.Contains("the champion cannot be used", v2.ChangeReason);
        Assert.Contains("refusing to load it", v2.ChangeReason);
    }

    [Fact]
    public async Task Exactly_once_publishes_through_transactions()
    {
        // The embedded broker runs the transactional path (it does not store transactional offsets, so it proves the path, not the guarantee).
        await using var harness = new TrainerHarness(output, guarantee: Guarantee.ExactlyOnce);
        harness.ProduceExamples(harness.Concept, 1_500);
        var (worker, _) = await harness.StartWorkerAsync();

        harness.ProduceTrigger("t1");
        var updates = await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Count >= 2);

        Assert.Equal([ModelStage.Candidate, ModelStage.Production], updates.Select(v => v.Stage));
        var view = await TrainerHarness.WaitForAsync(() => worker.View, v => v.Versions.Count == 1 && v.Allocation is not null);
        Assert.Equal(ModelStage.Production, Assert.Single(view.Versions).Stage);
    }

    /// <summary>v1 in production, then a concept change and a challenger that beats it on the holdout: v2 enters canary.</summary>
    private static async Task<(TrainerWorker Worker, TrainerMetrics Metrics)> StartWithCanaryAsync(TrainerHarness harness)
    {
        harness.ProduceExamples(harness.Concept, 1_500);
        var started = await harness.StartWorkerAsync();
        harness.ProduceTrigger("t1");
        await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Count >= 2);

        harness.ProduceExamples(harness.Concept.Flipped(), 600);
        harness.ProduceTrigger("t2");
        var updates = await TrainerHarness.WaitForAsync(harness.ModelUpdates, records => records.Any(v => v.Version == 2 && v.Stage != ModelStage.Candidate));
        var v2 = updates.Last(v => v.Version == 2);
        Assert.True(v2.Stage == ModelStage.Canary, $"v2 is {v2.Stage}: {v2.ChangeReason}");
        Assert.Equal([new ArmWeight("production", 0.9, 1), new ArmWeight("canary", 0.1, 2)], harness.Allocations().Last().Arms);
        return started;
    }

    private static RegistrySnapshot Snapshot(ModelRegistry registry) => Snapshot(new RegistryView(registry.Versions(Model), registry.Allocation(Model)));

    private static RegistrySnapshot Snapshot(RegistryView view) => new(
        [.. view.Versions.Select(v => new VersionState(v.Version, v.Stage, v.ChangedBy, v.ChangeReason, v.UpdatedAt, v.ArtifactSha256))],
        view.Allocation is { } allocation ? $"{allocation.Sequence}: {string.Join(", ", allocation.Arms)}" : null);

    private sealed record VersionState(int Version, ModelStage Stage, string ChangedBy, string ChangeReason, DateTimeOffset UpdatedAt, string ArtifactSha256);

    private sealed record RegistrySnapshot(IReadOnlyList<VersionState> Versions, string? Allocation)
    {
        public bool Equals(RegistrySnapshot? other) => other is not null && Versions.SequenceEqual(other.Versions) && Allocation == other.Allocation;

        public override int GetHashCode() => HashCode.Combine(Versions.Count, Allocation);
    }
}
