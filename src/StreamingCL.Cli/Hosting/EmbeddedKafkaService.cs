using Microsoft.Extensions.Hosting;
using StreamingCL.Kafka.Embedded;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Cli.Hosting;

/// <summary>Hosts the embedded broker with every catalog topic; registered first, so workers start against it.</summary>
internal sealed class EmbeddedKafkaService(TopicCatalog catalog, int brokers, ClusterEndpoint endpoint) : IHostedService, IDisposable
{
    private EmbeddedKafkaCluster? _cluster;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _cluster = EmbeddedKafkaCluster.Start(brokers, catalog.All);
        endpoint.BootstrapServers = _cluster.BootstrapServers;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _cluster?.Dispose();
        _cluster = null;
    }
}
