using BenchmarkDotNet.Attributes;
using StreamingCL.Statistics.Drift;

namespace StreamingCL.Benchmarks.Drift;

/// <summary>A full numeric drift report (PSI, exact KS, JS, Wasserstein) on 10k vs 10k values.</summary>
[MemoryDiagnoser]
public class TwoSampleDriftBenchmarks
{
    private double[] _reference = null!;
    private double[] _current = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        _reference = [.. Enumerable.Range(0, 10_000).Select(_ => random.NextDouble() + random.NextDouble())];
        _current = [.. Enumerable.Range(0, 10_000).Select(_ => random.NextDouble() + random.NextDouble() + 0.02)];
    }

    [Benchmark]
    public NumericDriftReport NumericDriftReport() => NumericDrift.Compare(_reference, _current);

    [Benchmark]
    public KolmogorovSmirnovResult KolmogorovSmirnovExact() => KolmogorovSmirnov.TwoSample(_reference, _current, KolmogorovSmirnovMethod.Exact);
}
