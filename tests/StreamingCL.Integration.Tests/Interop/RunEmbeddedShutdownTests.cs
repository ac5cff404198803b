namespace StreamingCL.Integration.Tests.Interop;

public sealed class RunEmbeddedShutdownTests
{
    [Fact]
    public async Task Run_embedded_stops_cleanly_on_sigterm()
    {
        await using var broker = new BrokerProcess();
        await broker.InitializeAsync();

        Assert.True(File.Exists(broker.ReadyFile));

        Assert.Equal(0, await broker.TerminateAsync());
        Assert.False(File.Exists(broker.ReadyFile));
    }
}
