using StreamingCL.Kafka.Events;

namespace StreamingCL.Trainer;

/// <summary>A training set: the examples, their weights (mean 1), and the population they were sampled from.</summary>
/// <param name="Examples">Examples trained on.</param>
/// <param name="Weights">Weight of each example in the loss.</param>
/// <param name="Population">The curated set before sampling (what the reference profile describes).</param>
/// <param name="Description">How the set was built, for the change reason.</param>
internal sealed record TrainingSet(
    IReadOnlyList<BufferedExample> Examples,
    float[] Weights,
    IReadOnlyList<BufferedExample> Population,
    string Description);

/// <summary>Which examples a model has seen: those at or before the last offset of its lineage on each partition.</summary>
internal sealed class SeenCutoff
{
    private readonly Dictionary<(string Topic, int Partition), long> _lastOffsets;

    private SeenCutoff(Dictionary<(string Topic, int Partition), long> lastOffsets) => _lastOffsets = lastOffsets;

    /// <summary>Nothing seen: every example is new.</summary>
    public static SeenCutoff None { get; } = new([]);

    public static SeenCutoff From(Lineage lineage)
    {
        var lastOffsets = new Dictionary<(string Topic, int Partition), long>();
        foreach (var range in lineage.Ranges)
        {
            var key = (range.Topic, range.Partition);
            lastOffsets[key] = lastOffsets.TryGetValue(key, out var last) ? Math.Max(last, range.LastOffset) : range.LastOffset;
        }

        return new SeenCutoff(lastOffsets);
    }

    public bool IsNew(ExamplePosition position) =>
        !_lastOffsets.TryGetValue((position.Topic, position.Partition), out var last) || position.Offset > last;
}

/// <summary>Builds training sets from the buffer by a curation strategy and an optional sampling.</summary>
internal static class TrainingSetCurator
{
    /// <summary>
    /// The curated set for a training of <paramref name="kind"/>; <paramref name="seen"/> tells
    /// which examples the champion has seen, <paramref name="championProbability"/> scores for
    /// uncertainty sampling (null without a usable champion). Deterministic for a given seed.
    /// </summary>
    public static TrainingSet Build(
        TrainingBuffer buffer,
        TrainerOptions options,
        TrainingKind kind,
        SeenCutoff seen,
        Func<LabeledExample, double>? championProbability,
        int seed)
    {
        var random = new Random(seed);
        List<BufferedExample> population;
        string description;
        if (kind == TrainingKind.Stateless || options.Curation == CurationStrategy.AllBuffered)
        {
            population = options.Curation == CurationStrategy.LatestWindow ? [.. buffer.Window] : [.. buffer.Window, .. buffer.Reservoir];
            description = options.Curation == CurationStrategy.LatestWindow
                ? $"the window ({population.Count})"
                : $"window and reservoir ({buffer.Window.Count} + {buffer.Reservoir.Count})";
        }
        else
        {
            // New to the champion: a reservoir example can be new too, if it left the window after the champion was trained.
            population = [.. buffer.Window.Where(e => seen.IsNew(e.Position))];
            var newInReservoir = buffer.Reservoir.Where(e => seen.IsNew(e.Position)).ToList();
            population.AddRange(newInReservoir);
            description = $"{population.Count} new";
            if (options.Curation == CurationStrategy.RecentAndReservoir && population.Count > 0)
            {
                var old = buffer.Reservoir.Where(e => !seen.IsNew(e.Position)).ToList();
                var replay = (int)Math.Min(old.Count, Math.Ceiling(options.ReplayFraction * population.Count));
                population.AddRange(SampleWithoutReplacement(old, replay, random));
                description += $" + {replay} replayed from the reservoir";
            }
        }

        if (options.Sampling == SamplingStrategy.None || population.Count <= options.SampleSize)
        {
            return new TrainingSet(population, Ones(population.Count), population, description);
        }

        return options.Sampling switch
        {
            SamplingStrategy.Random => new TrainingSet(
                SampleWithoutReplacement(population, options.SampleSize, random), Ones(options.SampleSize), population, $"{description}, random sample of {options.SampleSize}"),
            SamplingStrategy.StratifiedByLabel => Stratified(population, options.SampleSize, random, description),
            SamplingStrategy.Uncertainty when championProbability is not null => Uncertain(population, options.SampleSize, championProbability, description),
            _ => new TrainingSet(population, Ones(population.Count), population, $"{description} (no champion to score uncertainty: not sampled)"),
        };
    }

    /// <summary>A uniform sample of <paramref name="count"/> items by a partial Fisher-Yates shuffle, in source order.</summary>
    internal static List<T> SampleWithoutReplacement<T>(IReadOnlyList<T> source, int count, Random random)
    {
        var indices = Enumerable.Range(0, source.Count).ToArray();
        for (var i = 0; i < count; i++)
        {
            var j = i + random.Next(source.Count - i);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        // Source order keeps the set's order independent of the draw (ML.NET sees rows in this order).
        Array.Sort(indices, 0, count);
        return [.. indices.Take(count).Select(i => source[i])];
    }

    private static TrainingSet Stratified(List<BufferedExample> population, int size, Random random, string description)
    {
        var positives = population.Where(e => e.Label > 0).ToList();
        var negatives = population.Where(e => e.Label <= 0).ToList();

        // Equal quotas; a class short of its quota gives the rest to the other.
        var positiveQuota = Math.Min(positives.Count, Math.Max(size / 2, size - negatives.Count));
        var negativeQuota = Math.Min(negatives.Count, size - positiveQuota);
        var examples = new List<BufferedExample>(size);
        var weights = new List<float>(size);

        // Inverse inclusion probability N_h / n_h, scaled by n / N so the mean weight is 1.
        var scale = (double)size / population.Count;
        foreach (var (stratum, quota) in new[] { (negatives, negativeQuota), (positives, positiveQuota) })
        {
            if (quota == 0)
            {
                continue;
            }

            var weight = (float)((double)stratum.Count / quota * scale);
            foreach (var example in SampleWithoutReplacement(stratum, quota, random))
            {
                examples.Add(example);
                weights.Add(weight);
            }
        }

        return new TrainingSet(examples, [.. weights], population, $"{description}, stratified sample of {negativeQuota} negative + {positiveQuota} positive");
    }

    private static TrainingSet Uncertain(List<BufferedExample> population, int size, Func<LabeledExample, double> probability, string description)
    {
        var margins = population.Select(e => Math.Abs(probability(e.Source) - 0.5)).ToArray();
        var order = Enumerable.Range(0, population.Count).ToArray();

        // A stable sort by margin: ties keep buffer order, so the choice is deterministic.
        var chosen = order.OrderBy(i => margins[i]).Take(size).Order().Select(i => population[i]).ToList();
        return new TrainingSet(chosen, Ones(chosen.Count), population, $"{description}, {size} closest to the champion's decision boundary");
    }

    private static float[] Ones(int count)
    {
        var ones = new float[count];
        Array.Fill(ones, 1f);
        return ones;
    }
}
