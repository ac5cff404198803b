using BenchmarkDotNet.Attributes;
using StreamingCL.Statistics.Bandits;
using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Benchmarks.Bandits;

/// <summary>
/// Thompson sampling traffic weights for 10 arms (target &lt;= 2 µs and 0 B with the default 16
/// draws); 1 000 draws shows the cost of stable, rarely recomputed weights.
/// </summary>
[MemoryDiagnoser]
public class ThompsonAllocationBenchmarks
{
    private readonly double[] _weights = new double[10];
    private VariantStatistics[] _conversionArms = null!;
    private VariantStatistics[] _gaussianArms = null!;
    private ThompsonSampling _bernoulli = null!;
    private ThompsonSampling _gaussian = null!;

    [Params(16, 1000)]
    public int Draws { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _conversionArms = [.. Enumerable.Range(0, 10).Select(i => VariantStatistics.FromConversions(5000, 450 + 10 * i))];
        _gaussianArms = [.. Enumerable.Range(0, 10).Select(i => VariantStatistics.FromMoments(5000, 5000 * (1 + 0.01 * i), 5000 * (2 + 0.02 * i)))];
        _bernoulli = new ThompsonSampling(new ThompsonSamplingOptions { Seed = 1, Draws = Draws });
        _gaussian = new ThompsonSampling(new ThompsonSamplingOptions { Seed = 1, Draws = Draws, Reward = ThompsonReward.Gaussian });
    }

    [Benchmark]
    public double BetaBernoulli()
    {
        _bernoulli.ComputeWeights(_conversionArms, _weights);
        return _weights[0];
    }

    [Benchmark]
    public double Gaussian()
    {
        _gaussian.ComputeWeights(_gaussianArms, _weights);
        return _weights[0];
    }
}
