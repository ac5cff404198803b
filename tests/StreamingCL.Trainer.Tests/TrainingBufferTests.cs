using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Distributions;

namespace StreamingCL.Trainer.Tests;

public class TrainingBufferTests
{
    private static readonly Featurizer Featurizer = new(Fixtures.Spec(1));

    private static BufferedExample At(long offset, int partition = 0) =>
        Fixtures.Buffered(Featurizer, Concept.Example($"p{partition}-{offset}", new() { ["x0"] = offset }), new ExamplePosition(Concept.Topic, partition, offset));

    [Fact]
    public void The_buffer_is_bounded_and_keeps_the_most_recent_in_the_holdout_then_the_window()
    {
        var buffer = new TrainingBuffer(holdoutSize: 10, windowSize: 100, reservoirSize: 50, seed: 1);
        for (var offset = 0; offset < 10_000; offset++)
        {
            buffer.Add(At(offset));
        }

        Assert.Equal(10, buffer.Holdout.Count);
        Assert.Equal(100, buffer.Window.Count);
        Assert.Equal(50, buffer.Reservoir.Count);
        Assert.Equal(160, buffer.Count);
        Assert.Equal(Enumerable.Range(9_990, 10).Select(i => (long)i), buffer.Holdout.Select(e => e.Position.Offset));
        Assert.Equal(Enumerable.Range(9_890, 100).Select(i => (long)i), buffer.Window.Select(e => e.Position.Offset));
        Assert.All(buffer.Reservoir, e => Assert.True(e.Position.Offset < 9_890));
        Assert.Equal(9_890, buffer.Offered);

        // Ids of examples dropped from the reservoir are forgotten; held ones are remembered.
        Assert.True(buffer.Contains(buffer.Reservoir[0].PredictionId));
        Assert.Equal(160, buffer.Holdout.Concat(buffer.Window).Concat(buffer.Reservoir).Count(e => buffer.Contains(e.PredictionId)));
    }

    [Fact]
    public void The_reservoir_is_a_uniform_sample_of_everything_that_left_the_window()
    {
        // 100,000 offers into 1,000 slots: each decile of the stream should hold about 100.
        var buffer = new TrainingBuffer(holdoutSize: 1, windowSize: 1, reservoirSize: 1_000, seed: 42);
        const int Offers = 100_000;
        for (var offset = 0; offset < Offers + 2; offset++)
        {
            buffer.Add(At(offset));
        }

        var deciles = new double[10];
        foreach (var example in buffer.Reservoir)
        {
            deciles[example.Position.Offset * 10 / Offers]++;
        }

        var chiSquare = deciles.Sum(observed => (observed - 100) * (observed - 100) / 100);
        var p = ChiSquare.Survival(chiSquare, 9);
        Assert.True(p > 0.001, $"Decile counts {string.Join(", ", deciles)}: chi-square {chiSquare:F1}, p = {p:G3}.");
    }

    [Fact]
    public void The_same_stream_and_seed_rebuild_the_same_buffer()
    {
        static long[] Reservoir(int seed)
        {
            var buffer = new TrainingBuffer(5, 5, 20, seed);
            for (var offset = 0; offset < 1_000; offset++)
            {
                buffer.Add(At(offset));
            }

            return [.. buffer.Reservoir.Select(e => e.Position.Offset)];
        }

        Assert.Equal(Reservoir(7), Reservoir(7));
        Assert.NotEqual(Reservoir(7), Reservoir(8));
    }
}

public class CurationTests
{
    private static readonly Featurizer Featurizer = new(Fixtures.Spec(1));

    private static (TrainingBuffer Buffer, SeenCutoff Seen) Filled(int count, long championLastOffset)
    {
        var buffer = new TrainingBuffer(holdoutSize: 100, windowSize: 1_000, reservoirSize: 2_000, seed: 3);
        var random = new Random(5);
        for (var offset = 0; offset < count; offset++)
        {
            var label = random.NextDouble() < 0.1 ? 1 : 0;
            buffer.Add(Fixtures.Buffered(
                Featurizer,
                Concept.Example($"p{offset}", new() { ["x0"] = random.NextDouble() }, label: label),
                new ExamplePosition(Concept.Topic, 0, offset)));
        }

        var lineage = new Lineage([new OffsetRange(Concept.Topic, 0, 0, championLastOffset)], 1, "");
        return (buffer, SeenCutoff.From(lineage));
    }

    private static TrainerOptions Options(CurationStrategy curation, SamplingStrategy sampling = SamplingStrategy.None, int sampleSize = 10_000) => new()
    {
        ModelName = Concept.Model,
        Features = Fixtures.Spec(1),
        Curation = curation,
        Sampling = sampling,
        SampleSize = sampleSize,
        ReplayFraction = 0.25,
    };

    [Fact]
    public void A_stateful_update_trains_on_the_new_examples_plus_a_replay_from_the_reservoir_and_never_on_the_holdout()
    {
        // 10,000 examples: holdout 9,900..9,999, window 8,900..9,899, reservoir from 0..8,899. The champion saw up to 9,399.
        var (buffer, seen) = Filled(10_000, championLastOffset: 9_399);
        var set = TrainingSetCurator.Build(buffer, Options(CurationStrategy.RecentAndReservoir), TrainingKind.Stateful, seen, null, seed: 1);

        var fresh = set.Examples.Where(e => e.Position.Offset > 9_399).Select(e => e.Position.Offset).ToList();
        Assert.Equal(Enumerable.Range(9_400, 500).Select(i => (long)i), fresh);
        var replayed = set.Examples.Where(e => e.Position.Offset <= 9_399).ToList();
        Assert.Equal(125, replayed.Count);
        Assert.All(replayed, e => Assert.Contains(e, buffer.Reservoir));
        Assert.Empty(set.Examples.Intersect(buffer.Holdout));
        Assert.Equal(set.Examples.Count, set.Examples.Distinct().Count());
    }

    [Fact]
    public void Latest_window_trains_on_the_new_examples_only_and_a_stateless_retrain_on_the_whole_buffer()
    {
        var (buffer, seen) = Filled(10_000, championLastOffset: 9_399);

        var latest = TrainingSetCurator.Build(buffer, Options(CurationStrategy.LatestWindow), TrainingKind.Stateful, seen, null, seed: 1);
        Assert.Equal(Enumerable.Range(9_400, 500).Select(i => (long)i), latest.Examples.Select(e => e.Position.Offset));

        var full = TrainingSetCurator.Build(buffer, Options(CurationStrategy.RecentAndReservoir), TrainingKind.Stateless, seen, null, seed: 1);
        Assert.Equal(buffer.Window.Concat(buffer.Reservoir), full.Examples);
        Assert.Empty(full.Examples.Intersect(buffer.Holdout));

        var window = TrainingSetCurator.Build(buffer, Options(CurationStrategy.LatestWindow), TrainingKind.Stateless, seen, null, seed: 1);
        Assert.Equal(buffer.Window, window.Examples);
    }

    [Fact]
    public void Random_sampling_draws_a_deterministic_subset_without_replacement()
    {
        var (buffer, seen) = Filled(5_000, championLastOffset: -1);
        var options = Options(CurationStrategy.AllBuffered, SamplingStrategy.Random, sampleSize: 700);

        var a = TrainingSetCurator.Build(buffer, options, TrainingKind.Stateless, seen, null, seed: 9);
        var b = TrainingSetCurator.Build(buffer, options, TrainingKind.Stateless, seen, null, seed: 9);

        Assert.Equal(700, a.Examples.Count);
        Assert.Equal(700, a.Examples.Distinct().Count());
        Assert.Equal(a.Examples, b.Examples);
        Assert.All(a.Weights, w => Assert.Equal(1f, w));
        Assert.Equal(3_000, a.Population.Count);
    }

    [Fact]
    public void Stratified_sampling_balances_the_labels_and_its_weights_restore_the_population_share()
    {
        var (buffer, seen) = Filled(5_000, championLastOffset: -1);
        var set = TrainingSetCurator.Build(buffer, Options(CurationStrategy.AllBuffered, SamplingStrategy.StratifiedByLabel, 400), TrainingKind.Stateless, seen, null, seed: 2);

        var positives = set.Examples.Count(e => e.Label > 0);
        Assert.Equal(200, positives);
        Assert.Equal(400, set.Examples.Count);
        Assert.Equal(1.0, set.Weights.Average(w => (double)w), 6);

        var populationShare = set.Population.Count(e => e.Label > 0) / (double)set.Population.Count;
        var weightedShare = set.Examples.Select((e, i) => e.Label > 0 ? set.Weights[i] : 0).Sum() / set.Weights.Sum();
        Assert.Equal(populationShare, weightedShare, 6);
    }

    [Fact]
    public void Uncertainty_sampling_keeps_the_examples_closest_to_the_champions_decision_boundary()
    {
        var (buffer, seen) = Filled(3_000, championLastOffset: -1);

        // A champion whose probability is the feature itself: the chosen ones have x0 nearest 0.5.
        double Champion(LabeledExample e) => e.NumericFeatures["x0"];
        var set = TrainingSetCurator.Build(buffer, Options(CurationStrategy.AllBuffered, SamplingStrategy.Uncertainty, 100), TrainingKind.Stateless, seen, Champion, seed: 1);

        var threshold = set.Population.Select(e => Math.Abs(Champion(e.Source) - 0.5)).Order().ElementAt(99);
        Assert.Equal(100, set.Examples.Count);
        Assert.All(set.Examples, e => Assert.True(Math.Abs(Champion(e.Source) - 0.5) <= threshold));

        var withoutChampion = TrainingSetCurator.Build(buffer, Options(CurationStrategy.AllBuffered, SamplingStrategy.Uncertainty, 100), TrainingKind.Stateless, seen, null, seed: 1);
        Assert.Equal(withoutChampion.Population.Count, withoutChampion.Examples.Count);
    }
}
