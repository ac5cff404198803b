using BenchmarkDotNet.Attributes;
using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Benchmarks.ChangeDetection;

/// <summary>Amortised cost of one ADWIN update (River's Cython ADWIN: about 3.4 µs).</summary>
[MemoryDiagnoser]
public class AdwinBenchmarks
{
    private readonly Adwin _adwin = new();
    private double[] _stream = [];

    [GlobalSetup]
    public void Setup() => _stream = DetectorStreams.Quiet();

    [Benchmark(OperationsPerInvoke = DetectorStreams.Length)]
    public bool Update()
    {
        _adwin.Reset();
        foreach (var x in _stream)
        {
            _adwin.Update(x);
        }

        return _adwin.DriftDetected;
    }
}
