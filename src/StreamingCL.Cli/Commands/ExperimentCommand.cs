using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StreamingCL.Statistics.Experiments;

namespace StreamingCL.Cli.Commands;

/// <summary>`streamingcl experiment analyze`: lift, intervals, p-values, sequential tests, chance to win and SRM of an experiment.</summary>
internal static class ExperimentCommand
{
    private static readonly Option<string> InputOption = new("--input")
    {
        Description = "Experiment JSON: {\"control\":\"A\",\"metric\":\"proportion\"|\"mean\",\"alpha\":0.05,\"weights\":[0.5,0.5],\"sequential\":{\"tuning\":5000},\"variants\":[{\"name\":\"A\",\"users\":28,\"conversions\":14},...]}; for means each variant has n, sum, sum_squares. Use - for standard input.",
        Required = true,
    };

    private static readonly Option<bool> JsonOption = CliOptions.Json();

    private static readonly JsonSerializerOptions InputFormat = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private static readonly JsonSerializerOptions OutputFormat = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static Command Build()
    {
        var analyze = new Command("analyze", "Compare every variant with the control as GrowthBook's frequentist engine does (Welch t-test, delta-method relative lift, optional always-valid sequential test), with the Bayesian chance to beat control for proportions and the sample ratio mismatch check.")
        {
            InputOption,
            JsonOption,
        };
        analyze.SetAction(Analyze);
        return new Command("experiment", "Offline analysis of online experiments.") { analyze };
    }

    private static int Analyze(ParseResult parsed)
    {
        var input = parsed.GetValue(InputOption)!;
        var path = input == "-" ? "standard input" : input;
        var experiment = Read(input, path);
        var proportions = experiment.Metric switch
        {
            "proportion" => true,
            "mean" => false,
            _ => throw new CliInputException($"{path}: metric must be \"proportion\" or \"mean\", was \"{experiment.Metric}\"."),
        };
        var variants = experiment.Variants.Select(variant => (variant.Name, Statistics: variant.Statistics(proportions, path))).ToList();
        var control = variants.FindIndex(variant => variant.Name == experiment.Control);
        Validate(experiment, variants.Select(variant => variant.Name).ToList(), control, path);

        var weights = experiment.Weights ?? Enumerable.Repeat(1.0 / variants.Count, variants.Count).ToArray();
        var srm = SampleRatioMismatch.Check(variants.Select(variant => variant.Statistics.Count).ToArray(), weights);
        var options = new FrequentistOptions { Alpha = experiment.Alpha, SequentialTuningParameter = experiment.Sequential?.Tuning ?? 5000 };
        Guard(options.Validate, path);
        var results = variants.Where((_, index) => index != control)
            .Select(treatment => Compare(variants[control].Statistics, treatment.Name, treatment.Statistics, options, experiment.Sequential is not null, proportions))
            .ToList();

        var output = parsed.InvocationConfiguration.Output;
        if (parsed.GetValue(JsonOption))
        {
            output.WriteLine(JsonSerializer.Serialize(
                new { srm_p_value = srm.PValue, srm_detected = srm.IsMismatch, results },
                OutputFormat));
            return Cli.Ok;
        }

        output.WriteLine($"sample ratio mismatch: p = {Format(srm.PValue)}{(srm.IsMismatch ? "  MISMATCH: the split is broken, do not trust the results" : "")}");
        TextTable.Write(
            output,
            ["VARIANT", "ABS LIFT", $"{1 - experiment.Alpha:P0} CI", "P", "REL LIFT", $"{1 - experiment.Alpha:P0} CI", "P", "SEQ P", "CHANCE TO WIN"],
            results.Select(result => (IReadOnlyList<string>)[
                result.Variant,
                Format(result.Absolute.Lift), Interval(result.Absolute.Ci), Format(result.Absolute.PValue),
                Format(result.Relative.Lift), Interval(result.Relative.Ci), Format(result.Relative.PValue),
                result.Sequential is null ? "-" : Format(result.Sequential.PValue),
                result.ChanceToBeatControl is { } chance ? $"{chance:P1}" : "-"]));
        foreach (var error in results.Select(result => result.Relative.Error ?? result.Absolute.Error).OfType<string>().Distinct())
        {
            output.WriteLine($"note: {error}");
        }

        return Cli.Ok;
    }

    private static VariantResult Compare(VariantStatistics control, string name, VariantStatistics treatment, FrequentistOptions options, bool sequential, bool proportions)
    {
        var relativeOptions = options with { DifferenceType = DifferenceType.Relative };
        return new VariantResult(
            name,
            Effect.From(FrequentistTest.TwoSided(control, treatment, options with { DifferenceType = DifferenceType.Absolute })),
            Effect.From(FrequentistTest.TwoSided(control, treatment, relativeOptions)),
            sequential ? SequentialEffect.From(FrequentistTest.Sequential(control, treatment, relativeOptions)) : null,
            proportions ? BayesianProportionTest.Compare(control, treatment).ChanceToBeatControl : null);
    }

    private static ExperimentInput Read(string input, string path)
    {
        if (input != "-" && !File.Exists(input))
        {
            throw new CliInputException($"--input: {input} does not exist.");
        }

        var text = input == "-" ? Console.In.ReadToEnd() : File.ReadAllText(input);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliInputException($"{path} is empty.");
        }

        try
        {
            return JsonSerializer.Deserialize<ExperimentInput>(text, InputFormat) ?? throw new CliInputException($"{path} holds null.");
        }
        catch (JsonException e)
        {
            // The serializer's messages name .NET types; say what is wrong in the file's terms.
            var problem = e.Message switch
            {
                var m when m.Contains("could not be mapped", StringComparison.Ordinal) => "unknown property",
                var m when m.Contains("missing required properties", StringComparison.Ordinal) => $"missing property: {m.Split("including: ", 2).ElementAtOrDefault(1)?.TrimEnd('.')}",
                _ => "invalid value or JSON syntax",
            };
            throw new CliInputException($"{path}: {problem} at {e.Path ?? "$"} (line {e.LineNumber + 1}).");
        }
    }

    private static void Validate(ExperimentInput experiment, List<string> names, int control, string path)
    {
        if (names.Count < 2)
        {
            throw new CliInputException($"{path}: an experiment needs at least 2 variants, found {names.Count}.");
        }

        if (names.FirstOrDefault(name => names.Count(other => other == name) > 1) is { } duplicate)
        {
            throw new CliInputException($"{path}: variant \"{duplicate}\" appears twice.");
        }

        if (control < 0)
        {
            throw new CliInputException($"{path}: control \"{experiment.Control}\" is not one of the variants ({string.Join(", ", names)}).");
        }

        if (experiment.Weights is { } weights && (weights.Length != names.Count || weights.Any(weight => !(weight >= 0) || double.IsInfinity(weight)) || Math.Abs(weights.Sum() - 1) > 1e-6))
        {
            throw new CliInputException($"{path}: weights must be {names.Count} non-negative numbers summing to 1, one per variant.");
        }
    }

    private static void Guard(Action validate, string path)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            throw new CliInputException($"{path}: {e.Message}");
        }
    }

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Interval(double[] ci) => $"[{Format(ci[0])}, {Format(ci[1])}]";

    private sealed record ExperimentInput(string Control, string Metric, List<VariantInput> Variants, double Alpha = 0.05, double[]? Weights = null, SequentialInput? Sequential = null);

    private sealed record SequentialInput(double Tuning = 5000);

    private sealed record VariantInput(string Name, long? Users = null, long? Conversions = null, long? N = null, double? Sum = null, double? SumSquares = null)
    {
        public VariantStatistics Statistics(bool proportion, string path)
        {
            try
            {
                return proportion
                    ? VariantStatistics.FromConversions(Users ?? Missing<long>("users"), Conversions ?? Missing<long>("conversions"))
                    : VariantStatistics.FromMoments(N ?? Missing<long>("n"), Sum ?? Missing<double>("sum"), SumSquares ?? Missing<double>("sum_squares"));
            }
            catch (ArgumentException e)
            {
                throw new CliInputException($"{path}: variant \"{Name}\": {e.Message.Split(" (Parameter", 2)[0]}");
            }

            T Missing<T>(string field) => throw new CliInputException($"{path}: variant \"{Name}\" has no \"{field}\" (metric \"{(proportion ? "proportion" : "mean")}\" needs {(proportion ? "users, conversions" : "n, sum, sum_squares")}).");
        }
    }

    private sealed record Effect(
        [property: JsonPropertyName("lift")] double Lift,
        [property: JsonPropertyName("ci")] double[] Ci,
        [property: JsonPropertyName("p_value")] double PValue,
        [property: JsonPropertyName("error")] string? Error)
    {
        public static Effect From(EffectEstimate estimate) => new(estimate.Estimate, [estimate.LowerBound, estimate.UpperBound], estimate.PValue, estimate.Error);
    }

    private sealed record SequentialEffect(
        [property: JsonPropertyName("ci")] double[] Ci,
        [property: JsonPropertyName("p_value")] double PValue,
        [property: JsonPropertyName("error")] string? Error)
    {
        public static SequentialEffect From(EffectEstimate estimate) => new([estimate.LowerBound, estimate.UpperBound], estimate.PValue, estimate.Error);
    }

    private sealed record VariantResult(
        [property: JsonPropertyName("variant")] string Variant,
        [property: JsonPropertyName("absolute")] Effect Absolute,
        [property: JsonPropertyName("relative")] Effect Relative,
        [property: JsonPropertyName("sequential")] SequentialEffect? Sequential,
        [property: JsonPropertyName("chance_to_beat_control")] double? ChanceToBeatControl);
}
