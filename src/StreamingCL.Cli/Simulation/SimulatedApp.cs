using Microsoft.Extensions.Configuration;
using StreamingCL.Client;
using StreamingCL.Kafka;

namespace StreamingCL.Cli.Simulation;

/// <summary>The simulated serving app as `demo` and `simulate` run it: the SDK's router and loggers, configured from the Client sections, and the simulator driving them.</summary>
internal sealed class SimulatedApp : IAsyncDisposable
{
    private readonly ModelRouter _router;
    private readonly PredictionLogger _predictions;
    private readonly FeedbackReporter _feedback;

    public SimulatedApp(IConfiguration configuration, KafkaOptions kafka, ClientContext client)
    {
        var routerOptions = Settings.Router(configuration);
        var publisher = Settings.Publisher(configuration);
        _router = new ModelRouter(kafka, routerOptions, client);
        _predictions = new PredictionLogger(kafka, publisher, client);
        _feedback = new FeedbackReporter(kafka, publisher, client);
        DecisionThreshold = routerOptions.DecisionThreshold ?? 0.5;
        Simulator = new Simulator(Settings.Simulation(configuration), _router, _predictions, _feedback, DecisionThreshold, client.TimeProvider ?? TimeProvider.System);
    }

    public Simulator Simulator { get; }

    /// <summary>The score at which a prediction counts as a click.</summary>
    public double DecisionThreshold { get; }

    /// <summary>Until the router can serve the model, or the timeout: false means a cold start.</summary>
    public async Task<bool> WaitForModelAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            await _router.WaitForModelAsync(ClickConcept.Model, timeout, cancellation);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Runs the simulation, then waits until Kafka has acknowledged every event.</summary>
    public async Task RunAsync(TimeSpan duration, CancellationToken cancellation)
    {
        await Simulator.RunAsync(duration, cancellation);
        await _predictions.FlushAsync(cancellation);
        await _feedback.FlushAsync(cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        await _feedback.DisposeAsync();
        await _predictions.DisposeAsync();
        await _router.DisposeAsync();
    }
}
