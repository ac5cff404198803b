using System.Text.Json;

namespace StreamingCL.Statistics.Tests.Performance;

/// <summary>Reference/performance_reference.json: metrics computed with numpy and scipy after scikit-learn.</summary>
internal static class PerformanceReference
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly Lazy<ReferenceFile> File = new(() =>
        JsonSerializer.Deserialize<ReferenceFile>(
            System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "performance_reference.json")), Options)
        ?? throw new InvalidDataException("performance_reference.json is empty."));

    public static IReadOnlyList<ClassificationCase> ClassificationWindows => File.Value.ClassificationWindows;

    public static SlidingClassification SlidingClassificationStream => File.Value.SlidingClassification;

    public static SlidingRegression SlidingRegressionStream => File.Value.SlidingRegression;

    /// <summary>Equal within a relative tolerance (absolute below 1); a missing expectation means NaN.</summary>
    public static void AssertClose(double? expected, double actual, string metric, double tolerance = 1e-12)
    {
        if (expected is not { } value)
        {
            Assert.True(double.IsNaN(actual), $"{metric}: expected NaN, got {actual}");
            return;
        }

        Assert.True(Math.Abs(actual - value) <= tolerance * Math.Max(1.0, Math.Abs(value)), $"{metric}: expected {value:R}, got {actual:R}");
    }

    internal sealed record ReferenceFile(
        List<ClassificationCase> ClassificationWindows,
        SlidingClassification SlidingClassification,
        SlidingRegression SlidingRegression,
        string? CheckedAgainstSklearn);

    internal sealed record ClassificationCase(string Name, int CalibrationBins, int RocAucBins, double[] Probabilities, int[] Labels, ClassificationExpected Expected)
    {
        public override string ToString() => $"{Name} ({CalibrationBins} calibration bins, {RocAucBins} AUC bins)";
    }

    internal sealed record ClassificationExpected(
        double Accuracy,
        double LogLoss,
        double BrierScore,
        double? RocAuc,
        double? RocAucEstimate,
        double? RocAucErrorBound,
        double ExpectedCalibrationError);

    internal sealed record SlidingClassification(int Capacity, double[] Probabilities, int[] Labels, List<Checkpoint<ClassificationExpected>> Checkpoints);

    internal sealed record SlidingRegression(int Capacity, double[] Targets, double[] Predictions, List<Checkpoint<RegressionExpected>> Checkpoints);

    internal sealed record Checkpoint<T>(int Index, T Expected);

    internal sealed record RegressionExpected(double MeanAbsoluteError, double RootMeanSquaredError);
}
