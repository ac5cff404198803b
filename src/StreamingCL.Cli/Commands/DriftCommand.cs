using System.CommandLine;

namespace StreamingCL.Cli.Commands;

/// <summary>`streamingcl drift compare|detect`: back-test drift statistics and change detectors on historical data.</summary>
internal static class DriftCommand
{
    public static Command Build() => new("drift", "Offline drift analysis: back-test statistics and detectors on historical data.")
    {
        DriftCompareCommand.Build(),
        DriftDetectCommand.Build(),
    };
}
