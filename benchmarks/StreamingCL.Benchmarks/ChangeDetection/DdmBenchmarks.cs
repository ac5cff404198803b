using BenchmarkDotNet.Attributes;
using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Benchmarks.ChangeDetection;

/// <summary>Cost of one DDM update on a classifier's error stream.</summary>
[MemoryDiagnoser]
public class DdmBenchmarks
{
    private readonly Ddm _ddm = new();
    private double[] _stream = [];

    [GlobalSetup]
    public void Setup() => _stream = DetectorStreams.Errors();

    [Benchmark(OperationsPerInvoke = DetectorStreams.Length)]
    public bool Update()
    {
        _ddm.Reset();
        foreach (var x in _stream)
        {
            _ddm.Update(x);
        }

        return _ddm.DriftDetected;
    }
}
