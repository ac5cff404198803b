using System.Collections.Concurrent;
using Confluent.SchemaRegistry;

namespace StreamingCL.Kafka.Serialization;

/// <summary>
/// The serdes of every event for one cluster configuration: Confluent wire format through the
/// schema registry when <see cref="KafkaOptions.SchemaRegistryUrl"/> is set, single-object encoding
/// otherwise. Serdes are made once per event type and shared.
/// </summary>
public sealed class EventSerdes : IDisposable
{
    private readonly CachedSchemaRegistryClient? _schemaRegistry;
    private readonly ConcurrentDictionary<Type, object> _serdes = new();

    /// <summary>Creates the serdes of <paramref name="options"/>' cluster.</summary>
    public EventSerdes(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SchemaRegistryUrl is { } url)
        {
            var config = new SchemaRegistryConfig();
            foreach (var (key, value) in options.SchemaRegistryProperties)
            {
                config.Set(key, value);
            }

            config.Url = url;
            _schemaRegistry = new CachedSchemaRegistryClient(config);
        }
    }

    /// <summary>The serde of <typeparamref name="T"/>.</summary>
    public AvroEventSerde<T> For<T>()
        where T : class, IAvroEvent<T> =>
        (AvroEventSerde<T>)_serdes.GetOrAdd(typeof(T), _ => new AvroEventSerde<T>(_schemaRegistry));

    /// <inheritdoc/>
    public void Dispose() => _schemaRegistry?.Dispose();
}
