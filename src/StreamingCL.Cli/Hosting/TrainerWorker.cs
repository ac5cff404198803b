using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Processors;

namespace StreamingCL.Cli.Hosting;

/// <summary>
/// Hosts the trainer of one model and the registry policy (see <see cref="TrainerSession"/>) on a
/// thread of its own: training takes seconds and the loop is synchronous. Start returns once the
/// registry and the buffer are restored (or after a timeout, logged), so readiness means
/// handling triggers. A failed session is logged and followed by a fresh one after a growing
/// delay; data never fails a session (it is dead-lettered), Kafka errors do.
/// </summary>
/// <remarks>
/// The consumer is assigned its partitions rather than subscribed: no group membership, hence no
/// max.poll.interval.ms to outlive while training, and no rebalance wait on the embedded broker.
/// The group id only stores committed positions. A second trainer of the same model must not
/// run: with transactions its transactional id fences the first.
/// </remarks>
internal sealed class TrainerWorker(
    TrainerWorkerSettings settings,
    ClusterEndpoint endpoint,
    EventSerdes serdes,
    TrainerMetrics metrics,
    TimeProvider clock,
    ILogger<TrainerWorker> logger,
    Func<ProducerConfig, Guarantee, ITrainerOutputs>? outputs = null) : IHostedService, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromMinutes(1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<ProducerConfig, Guarantee, ITrainerOutputs> _outputs = outputs ?? Outputs;
    private volatile RegistryView _view = RegistryView.Empty;
    private Task _loop = Task.CompletedTask;
    private TimeSpan _delay = TimeSpan.FromSeconds(1);

    /// <summary>Completes when a session has restored the registry and the buffer for the first time.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The registry of the model as the running session holds it.</summary>
    public RegistryView View => _view;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Factory.StartNew(Supervise, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var outcome = await Task.WhenAny(_ready.Task, _loop, Task.Delay(StartTimeout, cancellationToken));
        if (outcome != _ready.Task && outcome != _loop)
        {
            logger.LogWarning("Trainer of {Model} has not restored after {Timeout}; it keeps trying", settings.Model, StartTimeout);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private static ITrainerOutputs Outputs(ProducerConfig config, Guarantee guarantee) =>
        guarantee == Guarantee.ExactlyOnce ? new TransactionalOutputs(config) : new FlushThenCommitOutputs(config);

    private void Supervise()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                using var session = new TrainerSession(
                    settings, endpoint.BootstrapServers, serdes, metrics, clock, logger, _outputs, view => _view = view, Restored);
                session.Run(stopping);
                return;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                metrics.Restarted(settings.Model);
                logger.LogError(e, "Trainer of {Model} failed; starting again from the committed positions in {Delay}", settings.Model, _delay);
                stopping.WaitHandle.WaitOne(_delay);
                _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, MaxRestartDelay.Ticks));
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Trainer of {Model} stopped while failing", settings.Model);
                return;
            }
        }
    }

    private void Restored()
    {
        _delay = TimeSpan.FromSeconds(1);
        _ready.TrySetResult();
    }
}
