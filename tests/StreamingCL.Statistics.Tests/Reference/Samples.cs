using System.Text.Json;

namespace StreamingCL.Statistics.Tests.Reference;

/// <summary>
/// Rebuilds, bit for bit, the deterministic samples of Reference/common.py: sums of three Weyl
/// sequences, shifted, scaled and optionally floored onto a grid to create ties.
/// </summary>
internal static class Samples
{
    private static readonly double[] Weyl = [0.6180339887498949, 0.41421356237309515, 0.7320508075688772];

    internal static double[] From(JsonElement spec) =>
        Build(spec.Integer("n"), spec.Integer("seed"), spec.Number("scale"), spec.Number("shift"), spec.Number("grid"));

    internal static double[] Build(int n, int seed, double scale = 1.0, double shift = 0.0, double grid = 0.0)
    {
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            double k = i + seed;
            var u = Frac(k * Weyl[0]) + Frac(k * Weyl[1]) + Frac(k * Weyl[2]);
            var x = (u - 1.5) * scale + shift;
            values[i] = grid > 0 ? Math.Floor(x * grid) / grid : x;
        }

        return values;
    }

    private static double Frac(double x) => x - Math.Floor(x);
}
