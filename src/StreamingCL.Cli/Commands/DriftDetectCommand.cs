using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Cli.Commands;

/// <summary>`streamingcl drift detect`: back-tests a streaming change detector on a series.</summary>
internal static class DriftDetectCommand
{
    private static readonly Option<bool> JsonOption = CliOptions.Json();

    private static readonly Option<string> DetectorOption = new("--detector")
    {
        Description = $"Change detector: {string.Join(", ", ChangeDetectorFactory.DetectorNames)}.",
        Required = true,
    };

    private static readonly Option<string[]> ParamOption = new("--param")
    {
        Description = "Detector parameter with River's name, e.g. --param delta=0.01 --param clock=16.",
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly Option<string> InputOption = new("--input")
    {
        Description = "File with one number per line, or - for standard input. Binary detectors (ddm, eddm, hddm-a, hddm-w) take 1 = error, 0 = correct.",
        Required = true,
    };

    public static Command Build()
    {
        var detect = new Command("detect", "Run a streaming change detector over a series and print the 0-based indices of the updates that signalled a change or a warning.")
        {
            DetectorOption,
            ParamOption,
            InputOption,
            JsonOption,
        };
        detect.SetAction(Detect);
        return detect;
    }

    private static int Detect(ParseResult parsed)
    {
        var name = parsed.GetValue(DetectorOption)!;
        var given = CliOptions.NameValuePairs(parsed.GetValue(ParamOption), "--param");
        var detector = Guard(() => ChangeDetectorFactory.Create(name, given));
        var parameters = ChangeDetectorFactory.Parameters(name, given);
        var values = NumberFile.Read(parsed.GetValue(InputOption)!, minimum: 2);

        var changes = new List<int>();
        var warnings = new List<int>();
        for (var i = 0; i < values.Length; i++)
        {
            try
            {
                detector.Update(values[i]);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliInputException($"{values.Source} value {i + 1} ({values[i].ToString(CultureInfo.InvariantCulture)}): {FirstSentence(e.Message)}");
            }

            if (detector.DriftDetected)
            {
                changes.Add(i);
            }

            if (detector.WarningDetected)
            {
                warnings.Add(i);
            }
        }

        var output = parsed.InvocationConfiguration.Output;
        if (parsed.GetValue(JsonOption))
        {
            var typedParameters = parameters.ToDictionary(p => p.Key, p => TypedValue(p.Value));
            output.WriteLine(JsonSerializer.Serialize(new { detector = name.ToLowerInvariant(), @params = typedParameters, changes, warnings }));
            return Cli.Ok;
        }

        TextTable.Write(
            output,
            ["DETECTOR", name.ToLowerInvariant()],
            [
                ["parameters", string.Join(" ", parameters.Select(p => $"{p.Key}={p.Value}"))],
                ["values", values.Length.ToString(CultureInfo.InvariantCulture)],
                ["changes", Indices(changes)],
                ["warnings", Indices(warnings)],
            ]);
        return Cli.Ok;
    }

    /// <summary>A parameter as a JSON number or boolean where it is one.</summary>
    private static object TypedValue(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
        : bool.TryParse(value, out var flag) ? flag
        : value;

    private static string Indices(List<int> indices) =>
        indices.Count == 0 ? "none" : $"{indices.Count} at {string.Join(", ", indices.Take(20))}{(indices.Count > 20 ? ", ..." : "")}";

    private static T Guard<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw new CliInputException(e.Message);
        }
    }

    private static string FirstSentence(string message) => message.Split(" (Parameter", 2)[0];
}
