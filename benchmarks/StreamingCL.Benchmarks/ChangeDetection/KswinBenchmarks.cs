using BenchmarkDotNet.Attributes;
using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Benchmarks.ChangeDetection;

/// <summary>
/// Cost of one KSWIN update: once the window is full, every update draws, sorts and merges two
/// samples of stat_size values. River's defaults (window_size 100, stat_size 30) and the sizes of
/// River's own test (200, 100); on stationary noise about one update in 700 is a (false) alarm,
/// after which the window refills for window_size updates without testing.
/// </summary>
[MemoryDiagnoser]
public class KswinBenchmarks
{
    private Kswin _kswin = new();
    private double[] _stream = [];

    [Params(30, 100)]
    public int StatSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _kswin = new Kswin(windowSize: Math.Max(100, 2 * StatSize), statSize: StatSize, seed: 42);
        _stream = DetectorStreams.Quiet();
    }

    [Benchmark(OperationsPerInvoke = DetectorStreams.Length)]
    public bool Update()
    {
        _kswin.Reset();
        foreach (var x in _stream)
        {
            _kswin.Update(x);
        }

        return _kswin.DriftDetected;
    }
}
