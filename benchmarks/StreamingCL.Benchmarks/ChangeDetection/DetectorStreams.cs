namespace StreamingCL.Benchmarks.ChangeDetection;

/// <summary>Seeded input streams; each benchmark feeds one whole stream per invocation.</summary>
internal static class DetectorStreams
{
    public const int Length = 100_000;

    /// <summary>Stationary values: no change is ever found, so ADWIN's window grows to the full stream, its costliest case.</summary>
    public static double[] Quiet() => Generate(random => random.NextDouble());

    /// <summary>Errors of a classifier with a 20% error rate.</summary>
    public static double[] Errors() => Generate(random => random.NextDouble() < 0.2 ? 1.0 : 0.0);

    private static double[] Generate(Func<Random, double> next)
    {
        var random = new Random(42);
        var values = new double[Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = next(random);
        }

        return values;
    }
}
