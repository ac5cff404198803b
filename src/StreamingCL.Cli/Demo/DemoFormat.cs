using System.Globalization;
using StreamingCL.Kafka.Events;

namespace StreamingCL.Cli.Demo;

/// <summary>How the demo writes numbers and stages, the same in the view, the final lines and the report (invariant culture).</summary>
internal static class DemoFormat
{
    public static string Fraction(double? value) => value?.ToString("F3", CultureInfo.InvariantCulture) ?? "-";

    public static string Seconds(double? value) => value is { } seconds ? seconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "-";

    public static string Milliseconds(double? value) => value is { } milliseconds ? milliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms" : "-";

    public static string Stage(ModelStage stage) => stage == ModelStage.RolledBack ? "rolled back" : stage.ToString().ToLowerInvariant();
}
