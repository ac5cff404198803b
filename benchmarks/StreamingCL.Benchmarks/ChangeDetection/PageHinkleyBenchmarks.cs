using BenchmarkDotNet.Attributes;
using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Benchmarks.ChangeDetection;

/// <summary>Cost of one Page-Hinkley update (both directions tested).</summary>
[MemoryDiagnoser]
public class PageHinkleyBenchmarks
{
    private readonly PageHinkley _pageHinkley = new();
    private double[] _stream = [];

    [GlobalSetup]
    public void Setup() => _stream = DetectorStreams.Quiet();

    [Benchmark(OperationsPerInvoke = DetectorStreams.Length)]
    public bool Update()
    {
        _pageHinkley.Reset();
        foreach (var x in _stream)
        {
            _pageHinkley.Update(x);
        }

        return _pageHinkley.DriftDetected;
    }
}
