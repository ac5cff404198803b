using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace StreamingCL.Integration.Tests.Interop;

/// <summary>`streamingcl run broker --embedded`: the broker alone.</summary>
public sealed class BrokerProcess() : RunProcess("broker");

/// <summary>
/// `streamingcl run [workers]` as a separate process, as a user starts it: with --embedded, or
/// against the <paramref name="cluster"/> given (bootstrap servers); its /metrics endpoint on
/// <paramref name="metricsPort"/> (0, the default: none).
/// </summary>
public class RunProcess(string[] workers, IReadOnlyDictionary<string, string>? environment = null, int metricsPort = 0, string? cluster = null) : IAsyncLifetime
{
    public RunProcess(params string[] workers)
        : this(workers, null)
    {
    }

    private readonly string _readyFile = Path.Combine(Path.GetTempPath(), $"streamingcl-ready-{Guid.NewGuid():N}.json");
    private readonly System.Text.StringBuilder _errors = new();
    private Process? _process;

    /// <summary>Port of its /metrics endpoint (0: none).</summary>
    public int MetricsPort => metricsPort;

    /// <summary>The ready file the process was told to write.</summary>
    public string ReadyFile => _readyFile;

    public string BootstrapServers { get; private set; } = "";

    public string FirstLine { get; private set; } = "";

    /// <summary>What the process has logged (stderr) so far.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments = [
            Path.Combine(AppContext.BaseDirectory, "streamingcl.dll"), "run", .. workers, .. cluster is null ? ["--embedded"] : Array.Empty<string>(),
            "--ready-file", _readyFile, "--metrics-port", metricsPort.ToString(CultureInfo.InvariantCulture)];
        if (cluster is not null)
        {
            start.Environment["Kafka__BootstrapServers"] = cluster;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, line) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(line.Data);
            }
        };
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!File.Exists(_readyFile))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                _process.Kill();
                lock (_errors)
                {
                    throw new InvalidOperationException($"run {string.Join(' ', workers)} did not get ready: {_errors}");
                }
            }

            await Task.Delay(50);
        }

        using var ready = JsonDocument.Parse(await File.ReadAllTextAsync(_readyFile));
        BootstrapServers = ready.RootElement.GetProperty("bootstrap_servers").GetString()!;
        FirstLine = (await _process.StandardOutput.ReadLineAsync())!;
        _ = _process.StandardOutput.ReadToEndAsync(); // keep draining: workers log to stdout
    }

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process!.Id.ToString()]);
        await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        File.Delete(_readyFile);
    }
}
