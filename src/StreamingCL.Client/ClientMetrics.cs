using Prometheus;

namespace StreamingCL.Client;

/// <summary>
/// Prometheus metrics of the client SDK (prefix streamingcl_client_), on the registry the app
/// injects, so a serving app exposes them on its own endpoint and tests read their own. Several
/// routers and publishers may share one registry: prometheus-net returns the existing metric
/// when one with the same name and labels is created again.
/// </summary>
internal sealed class ClientMetrics
{
    private readonly Counter _modelsLoaded;
    private readonly Counter _modelsRejected;
    private readonly Counter _allocationsIgnored;
    private readonly Counter _undecodable;
    private readonly Gauge _servingShare;
    private readonly Counter _delivered;
    private readonly Counter _failed;
    private readonly Counter _refused;
    private readonly Gauge _pending;
    private readonly HashSet<(string Model, string Version, string Arm)> _routedLabels = [];

    public ClientMetrics(CollectorRegistry? registry)
    {
        // Never the static default registry: a library must not publish into the app's globals.
        var factory = Metrics.WithCustomRegistry(registry ?? Metrics.NewCustomRegistry());
        _modelsLoaded = factory.CreateCounter("streamingcl_client_models_loaded_total", "Model versions loaded for serving after their SHA-256 was verified.", ["model"]);
        _modelsRejected = factory.CreateCounter("streamingcl_client_models_rejected_total", "Model versions refused (SHA-256 mismatch, unreadable artifact); the last good version keeps serving.", ["model"]);
        _allocationsIgnored = factory.CreateCounter("streamingcl_client_allocations_ignored_total", "Traffic allocations ignored: not newer (by sequence) than the one applied, or invalid.", ["target", "reason"]);
        _undecodable = factory.CreateCounter("streamingcl_client_undecodable_records_total", "Records of model-updates or traffic-allocations that could not be decoded.", ["topic"]);
        _servingShare = factory.CreateGauge("streamingcl_client_serving_share", "Traffic share of each served version of a model in the router's current routing.", ["model", "version", "arm"]);
        _delivered = factory.CreateCounter("streamingcl_client_events_delivered_total", "Events acknowledged by Kafka.", ["topic"]);
        _failed = factory.CreateCounter("streamingcl_client_events_failed_total", "Accepted events Kafka did not acknowledge (timed out or refused), by error code.", ["topic", "error"]);
        _refused = factory.CreateCounter("streamingcl_client_events_refused_total", "Events refused before queueing: queue full or Kafka unavailable.", ["topic", "reason"]);
        _pending = factory.CreateGauge("streamingcl_client_events_pending", "Events accepted and not yet acknowledged or failed.", ["topic"]);
    }

    public void ModelLoaded(string model) => _modelsLoaded.WithLabels(model).Inc();

    public void ModelRejected(string model) => _modelsRejected.WithLabels(model).Inc();

    public void AllocationIgnored(string target, string reason) => _allocationsIgnored.WithLabels(target, reason).Inc();

    public void Undecodable(string topic) => _undecodable.WithLabels(topic).Inc();

    /// <summary>Sets the serving shares of a snapshot's routes; arms that left the routing are removed. Called by one feed at a time.</summary>
    public void Routed(RoutingSnapshot snapshot)
    {
        var current = new HashSet<(string Model, string Version, string Arm)>();
        foreach (var route in snapshot.Routes.Values)
        {
            var lower = 0.0;
            foreach (var arm in route.Arms)
            {
                var version = arm.Model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                _servingShare.WithLabels(route.ModelName, version, arm.Name).Set(arm.UpperBound - lower);
                current.Add((route.ModelName, version, arm.Name));
                lower = arm.UpperBound;
            }
        }

        lock (_routedLabels)
        {
            foreach (var (model, version, arm) in _routedLabels.Except(current))
            {
                _servingShare.RemoveLabelled(model, version, arm);
            }

            _routedLabels.Clear();
            _routedLabels.UnionWith(current);
        }
    }

    public void Delivered(string topic) => _delivered.WithLabels(topic).Inc();

    public void Failed(string topic, string error) => _failed.WithLabels(topic, error).Inc();

    public void Refused(string topic, string reason) => _refused.WithLabels(topic, reason).Inc();

    public void Pending(string topic, int count) => _pending.WithLabels(topic).Set(count);
}
