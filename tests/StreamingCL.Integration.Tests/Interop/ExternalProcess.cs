using System.Diagnostics;

namespace StreamingCL.Integration.Tests.Interop;

/// <summary>Runs a program we did not write (kcat, python3-avro) and captures what it printed.</summary>
internal static class ExternalProcess
{
    public sealed record Result(int ExitCode, byte[] Output, string Error)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Output);
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, byte[]? input = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var output = new MemoryStream();
        var copyOutput = process.StandardOutput.BaseStream.CopyToAsync(output, cancel.Token);
        var error = process.StandardError.ReadToEndAsync(cancel.Token);
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input, cancel.Token);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            await copyOutput;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in time.");
        }

        return new Result(process.ExitCode, output.ToArray(), await error);
    }
}
