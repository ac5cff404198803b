using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using StreamingCL.Cli.Simulation;
using StreamingCL.Client;

namespace StreamingCL.Cli.Commands;

/// <summary>
/// `streamingcl simulate`: the demo's serving app and users against any cluster, through the client
/// SDK: requests scored by the model's current versions (by popularity before the first one),
/// predictions and feedback logged, the trend changing at Simulation:DriftAt.
/// </summary>
internal static class SimulateCommand
{
    private static readonly Option<int> DurationOption = new("--duration") { Description = "Seconds of traffic.", DefaultValueFactory = _ => 60 };
    private static readonly Option<int?> SeedOption = new("--seed") { Description = "Seed of every draw (default: Simulation:Seed, 42)." };
    private static readonly Option<double?> RateOption = new("--rate") { Description = "Requests per second (default: Simulation:RequestsPerSecond, 250)." };
    private static readonly Option<string?> BootstrapOption = new("--bootstrap-servers") { Description = "Cluster to use instead of Kafka:BootstrapServers." };

    public static Command Build()
    {
        var simulate = new Command("simulate", "Drive a simulated serving app and its users through the client SDK against a cluster (model 'ctr', features of the demo): predictions, delayed and lost feedback, a change of trend at Simulation:DriftAt.")
        {
            DurationOption,
            SeedOption,
            RateOption,
            BootstrapOption,
        };
        simulate.SetAction((parsed, cancellation) => RunAsync(parsed, cancellation));
        return simulate;
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken cancellation)
    {
        var seconds = parsed.GetValue(DurationOption);
        if (seconds < 1)
        {
            throw new CliInputException($"--duration must be at least 1 second, was {seconds}.");
        }

        var overrides = new Dictionary<string, string?>();
        if (parsed.GetValue(SeedOption) is { } seed)
        {
            overrides["Simulation:Seed"] = seed.ToString(CultureInfo.InvariantCulture);
        }

        if (parsed.GetValue(RateOption) is { } rate)
        {
            overrides["Simulation:RequestsPerSecond"] = rate.ToString(CultureInfo.InvariantCulture);
        }

        var configuration = new ConfigurationBuilder().AddConfiguration(Cli.Configuration(parsed)).AddInMemoryCollection(overrides).Build();
        var simulation = Settings.Simulation(configuration);
        var kafka = Settings.Kafka(configuration, parsed.GetValue(BootstrapOption));
        var output = parsed.InvocationConfiguration.Output;
        using var logging = LoggerFactory.Create(logs => logs.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        await using var app = new SimulatedApp(configuration, kafka, new ClientContext { Topics = Settings.Topics(configuration, kafka), LoggerFactory = logging });
        // A router that has not read the registry yet would serve everything as a cold start.
        var serving = await app.WaitForModelAsync(TimeSpan.FromSeconds(10), cancellation) ? $"'{ClickConcept.Model}' served by its registered versions" : $"no version of '{ClickConcept.Model}' yet: cold start";
        await output.WriteLineAsync(serving);
        await app.RunAsync(TimeSpan.FromSeconds(seconds), cancellation);
        var counters = app.Simulator.Counters;
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{counters.Predictions} predictions ({counters.ColdStartPredictions} cold start, {counters.ShadowPredictions} shadow scores), {counters.Feedback} feedback ({counters.LostFeedback} lost) to {kafka.BootstrapServers}; the trend changed at {simulation.DriftAt.TotalSeconds:F0} s."));
        return Cli.Ok;
    }
}
