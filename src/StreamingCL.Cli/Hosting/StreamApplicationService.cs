using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamingCL.Processors;
using Streamiz.Kafka.Net;

namespace StreamingCL.Cli.Hosting;

/// <summary>
/// Hosts one stream application. Start returns once the application is RUNNING (or after a
/// timeout, logged), so readiness means processing. A stream that falls into ERROR (all its threads
/// died, or its internal topics could not be set up) is disposed and started again after a
/// growing delay, instead of leaving the worker silently idle.
/// </summary>
internal sealed class StreamApplicationService(
    StreamApplicationDefinition application,
    Func<StreamConfig> configure,
    ProcessorEnvironment environment,
    ILogger<StreamApplicationService> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromMinutes(1);
    private readonly CancellationTokenSource _stopping = new();
    private KafkaStream? _stream;
    private Task _supervision = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var failed = await StartStreamAsync(cancellationToken);
        _supervision = SuperviseAsync(failed, _stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _supervision.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Dispose();
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }

    /// <summary>Starts a fresh KafkaStream; returns a task that completes if it falls into ERROR.</summary>
    private async Task<Task> StartStreamAsync(CancellationToken cancellationToken)
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = new KafkaStream(application.Build(environment), configure());
        stream.StateChanged += (_, state) =>
        {
            if (state == KafkaStream.State.RUNNING)
            {
                running.TrySetResult();
            }
            else if (state == KafkaStream.State.ERROR)
            {
                failed.TrySetResult();
            }
        };
        _stream = stream;
        await stream.StartAsync(cancellationToken);
        var outcome = await Task.WhenAny(running.Task, failed.Task, Task.Delay(StartTimeout, cancellationToken));
        if (outcome == running.Task)
        {
            logger.LogInformation("{Application} is running", application.ApplicationId);
        }
        else if (outcome != failed.Task)
        {
            logger.LogWarning("{Application} is not running after {Timeout}; it keeps trying", application.ApplicationId, StartTimeout);
        }

        return failed.Task;
    }

    private async Task SuperviseAsync(Task failed, CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            await failed.WaitAsync(stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            logger.LogError("{Application} stopped in ERROR; restarting it in {Delay}", application.ApplicationId, delay);
            Dispose();
            await Task.Delay(delay, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRestartDelay.Ticks));
            if (!stopping.IsCancellationRequested)
            {
                failed = await StartStreamAsync(stopping);
            }
        }
    }
}
