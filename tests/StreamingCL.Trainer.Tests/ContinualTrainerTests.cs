using Microsoft.Extensions.Time.Testing;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer.Tests;

public class ContinualTrainerTests
{
    private const int Dimension = 4;
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static (ContinualTrainer Trainer, long NextOffset, Concept Concept, Random Random) Started(TrainerOptions? options = null, int count = 3_000)
    {
        var trainer = new ContinualTrainer(options ?? Fixtures.Options(Dimension, holdout: 300, window: 1_000, reservoir: 2_000), new FakeTimeProvider(Now));
        var random = new Random(17);
        var concept = Concept.Random(Dimension, random, scale: 2);
        return (trainer, Fixtures.Feed(trainer, concept.Generate(count, random, "a")), concept, random);
    }

    [Fact]
    public void The_first_version_is_a_stateless_retrain_with_its_whole_record()
    {
        var (trainer, _, _, _) = Started();

        var outcome = trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t1"), Version = 1 });

        Assert.Equal(TrainingStatus.Trained, outcome.Status);
        var version = outcome.Version!;
        Assert.Equal(TrainingKind.Stateless, version.TrainingKind);
        Assert.Contains("no champion", version.ChangeReason, StringComparison.Ordinal);
        Assert.Equal((Concept.Model, 1, (int?)null, ModelStage.Candidate, "t1", ContinualTrainer.ChangedBy), (version.ModelName, version.Version, version.ParentVersion, version.Stage, version.TriggerId, version.ChangedBy));
        Assert.Equal(Now, version.CreatedAt);
        Assert.Equal(trainer.FeatureSpecSha256, version.FeatureSpecSha256);
        Assert.Equal(ModelScorer.Sha256Hex(version.Artifact.Span), version.ArtifactSha256);
        Assert.Equal(["accuracy", "auc", "brier", "count", "ece", "log_loss"], version.HoldoutMetrics.Keys.Order());
        Assert.Equal(300, version.HoldoutMetrics["count"]);
        Assert.Empty(version.ChampionHoldoutMetrics);

        // Trained on window and reservoir, never on the holdout (offsets 2,700..2,999).
        Assert.Equal(outcome.TrainingExamples, version.Lineage.ExampleCount);
        Assert.Equal(2_700, outcome.TrainingExamples);
        Assert.Equal([new OffsetRange(Concept.Topic, 0, 0, 2_699)], version.Lineage.Ranges);
        Assert.Equal(TrainingProvenance.IdsSha256(trainer.Buffer.Window.Concat(trainer.Buffer.Reservoir).Select(e => e.PredictionId)), version.Lineage.ExampleIdsSha256);
        Assert.DoesNotContain(trainer.Buffer.Holdout, e => e.Position.Offset <= 2_699);

        Assert.Equal(["x0", "x1", "x2", "x3", DriftMetric.ScoreFeature], version.ReferenceProfile.Select(p => p.Feature));
        Assert.True(version.HoldoutMetrics["auc"] > 0.85);

        // The record survives the Avro encoding the worker publishes it in.
        var decoded = ModelVersion.FromAvro(version.ToAvro());
        Assert.Equal(version.ArtifactSha256, ModelScorer.Sha256Hex(decoded.Artifact.Span));
        Assert.Equal(version.HoldoutMetrics, decoded.HoldoutMetrics);
    }

    [Fact]
    public void A_trigger_id_is_handled_once()
    {
        var (trainer, _, _, _) = Started();
        Assert.Equal(TrainingStatus.Trained, trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t1"), Version = 1 }).Status);

        Assert.Equal(TrainingStatus.DuplicateTrigger, trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t1"), Version = 2 }).Status);

        trainer.MarkTriggerSeen("from-the-registry");
        Assert.Equal(TrainingStatus.DuplicateTrigger, trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("from-the-registry"), Version = 2 }).Status);
    }

    [Fact]
    public void The_hybrid_policy_warm_starts_by_default_and_retrains_from_scratch_on_schedule_or_when_asked()
    {
        var options = Fixtures.Options(Dimension, holdout: 300, window: 1_000, reservoir: 2_000);
        options.FullRetrainEvery = 3;
        var (trainer, offset, concept, random) = Started(options);
        var v1 = trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t1"), Version = 1 }).Version!;
        Fixtures.Feed(trainer, concept.Generate(500, random, "b"), offset);

        TrainingOutcome Train(string id, int chain, TrainingKind? asked = null) =>
            trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger(id, asked), Champion = v1, Version = 2, StatefulUpdatesSinceFullRetrain = chain });

        var byDefault = Train("t2", chain: 1);
        Assert.Equal(TrainingKind.Stateful, byDefault.Kind);
        Assert.Equal(1, byDefault.Version!.ParentVersion);
        Assert.NotEmpty(byDefault.Version.ChampionHoldoutMetrics);
        Assert.Contains("every 3th", Train("t3", chain: 2).Reason, StringComparison.Ordinal);
        Assert.Equal(TrainingKind.Stateless, Train("t4", chain: 2).Kind);
        Assert.Equal(TrainingKind.Stateless, Train("t5", chain: 0, TrainingKind.Stateless).Kind);
        Assert.Equal(TrainingKind.Stateful, Train("t6", chain: 2, TrainingKind.Stateful).Kind);

        // Only the 500 new examples (those after the champion's lineage) feed the stateful update, plus the replay.
        Assert.Equal(500 + 50, byDefault.TrainingExamples);
        Assert.All(byDefault.Version.Lineage.Ranges, r => Assert.True(r.LastOffset < offset + 200));
    }

    [Fact]
    public void A_changed_featurisation_forces_a_stateless_retrain_and_the_champion_is_still_scored_under_its_own()
    {
        var (trainer, _, concept, random) = Started();
        var v1 = trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t1"), Version = 1 }).Version!;

        var options = Fixtures.Options(Dimension, holdout: 300, window: 1_000, reservoir: 2_000);
        options.Features.CategoricalFeatures.Add("segment");
        var iterated = new ContinualTrainer(options);
        Fixtures.Feed(iterated, concept.Generate(3_000, random, "c"), firstOffset: 10_000);

        var outcome = iterated.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t2", TrainingKind.Stateful), Champion = v1, Version = 2 });

        Assert.Equal(TrainingKind.Stateless, outcome.Kind);
        Assert.Contains("featurisation changed", outcome.Reason, StringComparison.Ordinal);
        Assert.NotEqual(v1.FeatureSpecSha256, outcome.Version!.FeatureSpecSha256);
        // Same concept: scored under its own featurisation, the champion is as good as the challenger.
        Assert.Equal(outcome.Version.HoldoutMetrics["auc"], outcome.Version.ChampionHoldoutMetrics["auc"], tolerance: 0.01);
    }

    [Fact]
    public void A_corrupt_champion_artifact_falls_back_to_a_stateless_retrain_and_says_why()
    {
        var (trainer, _, _, _) = Started();
        var v1 = trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t1"), Version = 1 }).Version!;

        var outcome = trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t2"), Champion = v1 with { ArtifactSha256 = new string('0', 64) }, Version = 2 });

        Assert.Equal(TrainingKind.Stateless, outcome.Kind);
        Assert.Contains("refusing", outcome.ChampionProblem, StringComparison.Ordinal);
        Assert.Empty(outcome.Version!.ChampionHoldoutMetrics);
    }

    [Fact]
    public void Without_new_examples_or_holdout_nothing_is_trained()
    {
        var (trainer, _, _, _) = Started();
        var v1 = trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t1"), Version = 1 }).Version!;

        // The holdout (300) is new to v1 but the buffer holds no new training example.
        var noNews = trainer.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t2", TrainingKind.Stateful), Champion = v1, Version = 2 });
        Assert.Equal(TrainingStatus.Skipped, noNews.Status);
        Assert.Contains("0 new examples", noNews.Reason, StringComparison.Ordinal);

        var (small, _, _, _) = Started(count: 50);
        var tooFew = small.Train(new TrainingRequest { Trigger = Fixtures.Trigger("t1"), Version = 1 });
        Assert.Equal(TrainingStatus.Skipped, tooFew.Status);
        Assert.Contains("holdout", tooFew.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stateful_chain_is_counted_back_to_the_last_stateless_version()
    {
        static ModelVersion V(int version, int? parent, TrainingKind kind) => new()
        {
            ModelName = Concept.Model,
            Version = version,
            ParentVersion = parent,
            Stage = ModelStage.Archived,
            TrainingKind = kind,
            CreatedAt = Now,
            UpdatedAt = Now,
            ChangedBy = "t",
            ChangeReason = "t",
            Lineage = new Lineage([], 0, ""),
            FeatureSpecSha256 = "",
            Artifact = Array.Empty<byte>(),
            ArtifactSha256 = "",
        };

        var versions = new[]
        {
            V(1, null, TrainingKind.Stateless), V(2, 1, TrainingKind.Stateful), V(3, 2, TrainingKind.Stateful),
            V(4, 3, TrainingKind.Stateless), V(5, 4, TrainingKind.Stateful), V(6, 5, TrainingKind.Stateful), V(7, 6, TrainingKind.Stateful),
        }.ToDictionary(v => v.Version);

        Assert.Equal(3, ContinualTrainer.CountStatefulUpdates(versions[7], versions));
        Assert.Equal(0, ContinualTrainer.CountStatefulUpdates(versions[4], versions));
        Assert.Equal(2, ContinualTrainer.CountStatefulUpdates(versions[3], versions));
        Assert.Equal(1, ContinualTrainer.CountStatefulUpdates(V(9, 8, TrainingKind.Stateful), versions));
    }

    [Fact]
    public void Bad_options_fail_naming_the_key()
    {
        var options = Fixtures.Options(Dimension);
        options.Sampling = SamplingStrategy.Uncertainty;
        options.Features.Task = ModelTask.Regression;
        Assert.Equal("Trainer:Sampling", Assert.Throws<Kafka.InvalidConfigurationException>(() => new ContinualTrainer(options)).Key);

        options = Fixtures.Options(Dimension);
        options.MinimumHoldoutExamples = options.HoldoutSize + 1;
        Assert.Equal("Trainer:MinimumHoldoutExamples", Assert.Throws<Kafka.InvalidConfigurationException>(options.Validate).Key);

        Assert.Equal("Trainer:ModelName", Assert.Throws<Kafka.InvalidConfigurationException>(new TrainerOptions().Validate).Key);
    }
}
