namespace StreamingCL.Cli.Hosting;

/// <summary>The cluster the hosted workers use: the configured one, or the embedded one once it has started.</summary>
internal sealed class ClusterEndpoint(string bootstrapServers)
{
    public string BootstrapServers { get; set; } = bootstrapServers;
}
