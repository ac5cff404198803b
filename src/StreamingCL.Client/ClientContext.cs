using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Topics;

namespace StreamingCL.Client;

/// <summary>
/// What the SDK's components take from the serving app besides their options: topic names,
/// the Prometheus registry, logging and the clock. Every member is optional; share one instance
/// between a router and its publishers.
/// </summary>
public sealed class ClientContext
{
    /// <summary>Topic names (the "Topics" section); the catalog's defaults when null.</summary>
    public TopicCatalog? Topics { get; init; }

    /// <summary>Registry of the app's Prometheus metrics (prefix streamingcl_client_); a private one when null, never the static default.</summary>
    public CollectorRegistry? Metrics { get; init; }

    /// <summary>Loggers of the components; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Clock of prediction timestamps and health changes (e.g. a simulation's); the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    internal TimeProvider Clock => TimeProvider ?? TimeProvider.System;

    internal TopicCatalog TopicsOf(KafkaOptions kafka) => Topics ?? new TopicCatalog(replicationFactor: kafka.ReplicationFactor);

    internal ILogger Logger(Type component) => LoggerFactory?.CreateLogger(component) ?? NullLogger.Instance;
}
