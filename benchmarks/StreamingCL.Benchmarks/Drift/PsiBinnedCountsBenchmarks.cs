using BenchmarkDotNet.Attributes;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Benchmarks.Drift;

/// <summary>The streaming PSI hot path: one value into a 10-bin histogram (target &lt;= 20 ns, 0 B).</summary>
[MemoryDiagnoser]
public class PsiBinnedCountsBenchmarks
{
    private const int ValuesPerInvoke = 4096;
    private BinnedCounts _counts = null!;
    private double[] _values = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var reference = Enumerable.Range(0, 10_000).Select(_ => random.NextDouble() + random.NextDouble()).ToArray();
        _counts = ReferenceProfile.FromSample(reference).CreateCounts();
        _values = [.. Enumerable.Range(0, ValuesPerInvoke).Select(_ => random.NextDouble() + random.NextDouble() + 0.1)];
        _counts.AddRange(_values);
    }

    [Benchmark(OperationsPerInvoke = ValuesPerInvoke)]
    public long Add()
    {
        foreach (var value in _values)
        {
            _counts.Add(value);
        }

        return _counts.Count;
    }

    [Benchmark]
    public double PopulationStabilityIndex() => _counts.PopulationStabilityIndex();
}
