using System.Text.Json;
using Microsoft.Extensions.Hosting;

namespace StreamingCL.Cli.Hosting;

/// <summary>
/// Once every hosted service has started, prints bootstrap.servers=... and writes the ready file
/// (atomically, so a polling reader never sees it half written); removes the file on shutdown so a
/// stale one never points at a dead cluster.
/// </summary>
internal sealed class ReadinessAnnouncer(IHostApplicationLifetime lifetime, ClusterEndpoint endpoint, TextWriter output, FileInfo? readyFile) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Announce);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        readyFile?.Delete();
        return Task.CompletedTask;
    }

    private void Announce()
    {
        output.WriteLine($"bootstrap.servers={endpoint.BootstrapServers}");
        output.Flush();
        if (readyFile is null)
        {
            return;
        }

        var temporary = $"{readyFile.FullName}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new { bootstrap_servers = endpoint.BootstrapServers }));
        File.Move(temporary, readyFile.FullName, overwrite: true);
    }
}
