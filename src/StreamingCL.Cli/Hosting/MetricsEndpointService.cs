using Microsoft.Extensions.Hosting;
using Prometheus;

namespace StreamingCL.Cli.Hosting;

/// <summary>The process's one Prometheus endpoint: http://+:{port}/metrics over the shared registry.</summary>
internal sealed class MetricsEndpointService(CollectorRegistry registry, int port) : IHostedService, IDisposable
{
    private MetricServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _server = new MetricServer(port: port, registry: registry);
        _server.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    public void Dispose() => _server?.Dispose();
}
