using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Confluent.Kafka;
using StreamingCL.Tests.Shared;

namespace StreamingCL.Integration.Tests.Interop;

/// <summary>`streamingcl run processors --embedded` with its /metrics endpoint on a free port.</summary>
public sealed class MeteredProcessorsProcess() : RunProcess(["processors"], null, PrometheusScrapeTests.FreePort());

/// <summary>A real Prometheus (the Debian package) scrapes the processors' endpoint, as in production, and runs the dashboard's queries.</summary>
public sealed class PrometheusScrapeTests(MeteredProcessorsProcess processors) : IClassFixture<MeteredProcessorsProcess>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Prometheus_scrapes_the_processors_and_sees_a_dead_letter_counted()
    {
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = processors.BootstrapServers }).Build())
        {
            await producer.ProduceAsync("predictions", new Message<string, byte[]> { Key = "garbage", Value = "this is not avro"u8.ToArray() });
        }

        var directory = Directory.CreateTempSubdirectory("streamingcl-prometheus-");
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "prometheus.yml"), $$"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: streamingcl-processors
                static_configs:
                  - targets: ['127.0.0.1:{{processors.MetricsPort}}']
            """);
        using var prometheus = StartPrometheus(new ProcessStartInfo("prometheus")
        {
            ArgumentList =
            {
                $"--config.file={Path.Combine(directory.FullName, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        });
        var log = prometheus.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await QueryUntilAsync(http, "up{job=\"streamingcl-processors\"}", series => series.Any(one => Value(one) == 1));
            await QueryUntilAsync(http, "sum(streamingcl_dead_letters_total{kind=\"Malformed\"})", series => series.Any(one => Value(one) >= 1));

            // The Grafana dashboard's queries are PromQL this Prometheus accepts, and its dead-letter
            // panel, whose metric now has a series, draws it with the labels its legend names.
            foreach (var expression in Dashboard.Expressions())
            {
                using var answer = await http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(expression)}");
                Assert.True(answer.IsSuccessStatusCode, $"{expression}: {await answer.Content.ReadAsStringAsync()}");
            }

            var deadLetterPanel = Dashboard.Expressions().Single(expression => expression.Contains("streamingcl_dead_letters_total", StringComparison.Ordinal));
            await QueryUntilAsync(http, deadLetterPanel, series => series.Any(one =>
                one.GetProperty("metric").TryGetProperty("processor", out var processor) && processor.GetString() == "streamingcl-join"
                && one.GetProperty("metric").TryGetProperty("kind", out var kind) && kind.GetString() == "Malformed"));
        }
        catch (TimeoutException e)
        {
            prometheus.Kill();
            throw new TimeoutException($"{e.Message}\nprometheus log:\n{await log}\nprocessors log:\n{processors.Errors}", e);
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill();
            }

            await prometheus.WaitForExitAsync();
            directory.Delete(recursive: true);
        }
    }

    private static Process StartPrometheus(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("prometheus is not installed: apt-get install prometheus (.ci/run does).", e);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Value(JsonElement series) => double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);

    // An instant query's series, polled until they satisfy the condition.
    private static async Task QueryUntilAsync(HttpClient http, string query, Func<IReadOnlyList<JsonElement>, bool> done)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var last = "none";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = JsonDocument.Parse(await http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(query)}"));
                var result = response.RootElement.GetProperty("data").GetProperty("result");
                last = result.GetRawText();
                if (done([.. result.EnumerateArray()]))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Prometheus is still starting.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"Prometheus never answered {query} as expected (last answer: {last}).");
    }
}
