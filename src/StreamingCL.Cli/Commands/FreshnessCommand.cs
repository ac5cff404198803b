using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using StreamingCL.Cli.Hosting;
using StreamingCL.Kafka.Events;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Trainer;

namespace StreamingCL.Cli.Commands;

/// <summary>
/// `streamingcl freshness`: the value of fresh data for a model, from the labeled examples on
/// the cluster. The most recent period is the test set; one model per window, trained from
/// scratch on the data just before it (<see cref="FreshnessAnalysis"/>).
/// </summary>
internal static class FreshnessCommand
{
    private static readonly Option<string> ModelOption = new("--model") { Description = "The model whose labeled examples are analysed.", Required = true };

    private static readonly Option<string> WindowsOption = new("--windows")
    {
        Description = "Training windows, comma-separated, each a number and a unit (s, m, h, d, w): how far back from the evaluation period each model's data reaches.",
        DefaultValueFactory = _ => "1h,6h,1d,7d",
    };

    private static readonly Option<string> EvaluationOption = new("--evaluation")
    {
        Description = "The evaluation period: the most recent data, up to the latest example.",
        DefaultValueFactory = _ => "1h",
    };

    private static readonly Option<bool> JsonOption = CliOptions.Json();
    private static readonly Option<string?> BootstrapOption = new("--bootstrap-servers") { Description = "Cluster to read (overrides Kafka:BootstrapServers)." };
    private static readonly Option<int> TimeoutOption = new("--timeout") { Description = "Seconds to read labeled-examples to its end.", DefaultValueFactory = _ => 120 };

    public static Command Build()
    {
        var command = new Command(
            "freshness",
            "Value of data freshness: train on windows of increasing age, evaluate each on the most recent data, print the metric per window. Features come from Trainer:Features, or are inferred from the examples.")
        {
            ModelOption,
            WindowsOption,
            EvaluationOption,
            JsonOption,
            BootstrapOption,
            TimeoutOption,
        };
        command.SetAction(Run);
        return command;
    }

    /// <summary>"90s", "15m", "6h", "1d", "2w" (a whole number and a unit).</summary>
    public static TimeSpan ParseDuration(string text, string option)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2
            && long.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && amount > 0
            && char.ToLowerInvariant(trimmed[^1]) is var unit
            && unit is 's' or 'm' or 'h' or 'd' or 'w')
        {
            return unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => TimeSpan.FromDays(7 * amount),
            };
        }

        throw new CliInputException($"{option}: '{text}' is not a duration such as 30m, 6h, 1d or 2w.");
    }

    private static int Run(ParseResult parsed)
    {
        var model = parsed.GetValue(ModelOption)!.Trim();
        if (model.Length == 0)
        {
            throw new CliInputException("--model must not be empty.");
        }

        var windows = parsed.GetValue(WindowsOption)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(window => ParseDuration(window, "--windows")).ToList();
        if (windows.Count == 0)
        {
            throw new CliInputException("--windows: give at least one window.");
        }

        var evaluation = ParseDuration(parsed.GetValue(EvaluationOption)!, "--evaluation");
        var seconds = parsed.GetValue(TimeoutOption);
        if (seconds <= 0)
        {
            throw new CliInputException($"--timeout must be a positive number of seconds, was {seconds}.");
        }

        var configuration = Cli.Configuration(parsed);
        var kafka = Settings.Kafka(configuration, parsed.GetValue(BootstrapOption));
        var catalog = Settings.Topics(configuration, kafka);
        var options = Settings.Trainer(configuration);
        options.ModelName = model;
        using var serdes = new EventSerdes(kafka);
        var examples = new List<LabeledExample>();
        var undecodable = 0;
        var topic = catalog[EventTopic.LabeledExamples].Name;
        RegistryTopics.ReadToEnd(kafka, [topic], TimeSpan.FromSeconds(seconds), record =>
        {
            try
            {
                if (record.Message.Value is { } bytes
                    && serdes.For<LabeledExample>().Deserialize(bytes, false, new SerializationContext(MessageComponentType.Value, topic)) is { Shadow: false } example
                    && example.ModelName == model)
                {
                    examples.Add(example);
                }
            }
            catch (EventDecodeException)
            {
                undecodable++;
            }
        });
        if (examples.Count == 0)
        {
            throw new CliInputException($"{topic} has no labeled example of {model}.");
        }

        var inferred = options.Features.NumericFeatures.Count + options.Features.CategoricalFeatures.Count == 0;
        if (inferred)
        {
            options.Features.NumericFeatures = [.. examples.SelectMany(example => example.NumericFeatures.Keys).Distinct().Order(StringComparer.Ordinal)];
            options.Features.CategoricalFeatures = [.. examples.SelectMany(example => example.CategoricalFeatures.Keys).Distinct().Order(StringComparer.Ordinal)];
        }

        FreshnessReport report;
        try
        {
            report = FreshnessAnalysis.Run(examples, options, windows, evaluation);
        }
        catch (ArgumentException e)
        {
            throw new CliInputException(e.Message);
        }

        var output = parsed.InvocationConfiguration.Output;
        var metrics = report.Points.SelectMany(point => point.Metrics.Keys).Distinct().Where(name => name != "count").Order(StringComparer.Ordinal).ToList();
        if (parsed.GetValue(JsonOption))
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                model,
                examples = examples.Count,
                rejected = report.RejectedExamples,
                undecodable,
                features = new { numeric = options.Features.NumericFeatures, categorical = options.Features.CategoricalFeatures, inferred },
                evaluation = new { from = report.EvaluationFrom, to = report.EvaluationTo, examples = report.EvaluationExamples },
                windows = report.Points.Select(point => new
                {
                    window = Format(point.Window),
                    window_seconds = point.Window.TotalSeconds,
                    train_from = point.TrainFrom,
                    train_to = point.TrainTo,
                    training_examples = point.TrainingExamples,
                    metrics = point.Metrics,
                    fit_seconds = point.FitDuration.TotalSeconds,
                    problem = point.Problem,
                }),
            }));
            return Cli.Ok;
        }

        output.WriteLine(
            $"{model}: {examples.Count} labeled examples ({report.RejectedExamples} rejected); evaluated on the {report.EvaluationExamples} from {report.EvaluationFrom.UtcDateTime:yyyy-MM-dd HH:mm:ss} to {report.EvaluationTo.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"
            + (inferred ? $"; features inferred: {string.Join(", ", options.Features.NumericFeatures.Concat(options.Features.CategoricalFeatures))}" : ""));
        TextTable.Write(
            output,
            ["WINDOW", "TRAINING EXAMPLES", .. metrics.Select(name => name.ToUpperInvariant()), "FIT"],
            report.Points.Select(point => (IReadOnlyList<string>)[
                Format(point.Window),
                point.TrainingExamples.ToString(CultureInfo.InvariantCulture),
                .. metrics.Select(name => point.Metrics.TryGetValue(name, out var value) ? value.ToString("0.0000", CultureInfo.InvariantCulture) : "-"),
                point.Problem ?? string.Create(CultureInfo.InvariantCulture, $"{point.FitDuration.TotalMilliseconds:0} ms")]));
        return Cli.Ok;
    }

    private static string Format(TimeSpan window) => window switch
    {
        _ when window.TotalDays >= 7 && window.TotalDays % 7 == 0 => $"{window.TotalDays / 7:0}w",
        _ when window.TotalDays >= 1 && window.TotalDays % 1 == 0 => $"{window.TotalDays:0}d",
        _ when window.TotalHours >= 1 && window.TotalHours % 1 == 0 => $"{window.TotalHours:0}h",
        _ when window.TotalMinutes >= 1 && window.TotalMinutes % 1 == 0 => $"{window.TotalMinutes:0}m",
        _ => $"{window.TotalSeconds:0}s",
    };
}
