using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StreamingCL.Kafka.Tests.Serialization;

/// <summary>
/// A test double of the Confluent Schema Registry REST API (register a subject version, fetch a
/// schema by id) on a loopback port, so the real CachedSchemaRegistryClient and AvroSerializer run
/// end to end. No registry server can be installed on the build machine (it needs a JVM and Kafka).
/// </summary>
internal sealed class LoopbackSchemaRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _idsBySchema = new();
    private readonly ConcurrentDictionary<int, string> _schemasById = new();
    private readonly Task _serving;
    private int _requests;

    public LoopbackSchemaRegistry()
    {
        Url = $"http://127.0.0.1:{FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>Requests served so far.</summary>
    public int Requests => _requests;

    /// <summary>Registers a schema directly, as another producer would have.</summary>
    public int Register(string schema) =>
        _idsBySchema.GetOrAdd(schema, s =>
        {
            var id = _idsBySchema.Count + 1;
            _schemasById[id] = s;
            return id;
        });

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            await RespondAsync(context);
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        var path = context.Request.Url!.AbsolutePath.Trim('/').Split('/');
        JsonObject? body = null;
        if (context.Request.HttpMethod == "POST" && path is ["subjects", _, "versions"])
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var request = JsonNode.Parse(await reader.ReadToEndAsync())!;
            body = new JsonObject { ["id"] = Register(request["schema"]!.GetValue<string>()) };
        }
        else if (context.Request.HttpMethod == "GET" && path is ["schemas", "ids", var id] && _schemasById.TryGetValue(int.Parse(id), out var schema))
        {
            body = new JsonObject { ["schema"] = schema };
        }

        context.Response.StatusCode = body is null ? 404 : 200;
        context.Response.ContentType = "application/vnd.schemaregistry.v1+json";
        var json = JsonSerializer.SerializeToUtf8Bytes(body ?? new JsonObject { ["error_code"] = 40403, ["message"] = "Schema not found" });
        await context.Response.OutputStream.WriteAsync(json);
        context.Response.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
