using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StreamingCL.Kafka;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;

namespace StreamingCL.Processors;

/// <summary>Streamiz configuration of one application from the cluster and processor options.</summary>
public static class StreamsConfiguration
{
    // Streamiz maps well-known librdkafka keys to typed properties marked with this (internal)
    // attribute and refuses a string for them; other keys only reach the clients with a prefix.
    private static readonly Dictionary<string, PropertyInfo> TypedProperties = typeof(StreamConfig).GetProperties()
        .Select(property => (Property: property, Key: property.GetCustomAttributes().FirstOrDefault(a => a.GetType().Name == "StreamConfigPropertyAttribute")))
        .Where(pair => pair.Key is not null && pair.Property.CanWrite)
        .ToDictionary(pair => (string)pair.Key!.GetType().GetProperty("KeyName")!.GetValue(pair.Key)!, pair => pair.Property, StringComparer.Ordinal);

    private static readonly string[] ClientPrefixes = ["main.consumer.", "restore.consumer.", "global.consumer.", "producer."];

    /// <summary>
    /// The config of <paramref name="application"/>: its id, the cluster, the guarantee, and every
    /// pass-through client property of <see cref="KafkaOptions.Properties"/> (security included).
    /// Keys Streamiz does not type reach the consumers and the producer but not its admin client.
    /// </summary>
    public static StreamConfig For(
        StreamApplicationDefinition application,
        string bootstrapServers,
        KafkaOptions kafka,
        ProcessorsOptions processors,
        bool embedded,
        ILoggerFactory? logging = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(processors);
        var config = new StreamConfig<StringSerDes, StringSerDes>
        {
            ApplicationId = application.ApplicationId,
            BootstrapServers = bootstrapServers,
            // Guarantee first: setting it resets the commit interval.
            Guarantee = processors.EffectiveGuarantee(embedded) == Guarantee.ExactlyOnce
                ? Streamiz.Kafka.Net.ProcessingGuarantee.EXACTLY_ONCE
                : Streamiz.Kafka.Net.ProcessingGuarantee.AT_LEAST_ONCE,
            NumStreamThreads = processors.Threads,
            StateDir = processors.StateDirectory,
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
            Logger = StreamizLogging(logging),
        };
        if (processors.CommitInterval is { } interval)
        {
            config.CommitIntervalMs = (long)interval.TotalMilliseconds;
        }

        foreach (var (key, value) in kafka.Properties)
        {
            Apply(config, key, value);
        }

        return config;
    }

    /// <summary>
    /// The logger factory to give Streamiz (StreamConfig.Logger). Streamiz keeps the factory of the
    /// last stream application started in a process-wide static and takes the logger of every later
    /// StreamBuilder from it, whoever builds one: once its owner has disposed it, building any
    /// topology in the process would throw ObjectDisposedException. The loggers come from
    /// <paramref name="logging"/> while it lives, and log nothing after.
    /// </summary>
    public static ILoggerFactory? StreamizLogging(ILoggerFactory? logging) => logging is null ? null : new OutlivedLoggerFactory(logging);

    private sealed class OutlivedLoggerFactory(ILoggerFactory owned) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
        {
            try
            {
                return owned.CreateLogger(categoryName);
            }
            catch (ObjectDisposedException)
            {
                return NullLogger.Instance;
            }
        }

        public void AddProvider(ILoggerProvider provider) => owned.AddProvider(provider);

        // Its owner disposes the factory.
        public void Dispose()
        {
        }
    }

    private static void Apply(StreamConfig config, string key, string value)
    {
        if (!TypedProperties.TryGetValue(key, out var property))
        {
            foreach (var prefix in ClientPrefixes)
            {
                config.AddConfig(prefix + key, value);
            }

            return;
        }

        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        try
        {
            property.SetValue(config, type.IsEnum ? ParseEnum(type, value) : Convert.ChangeType(value, type, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new InvalidConfigurationException($"{KafkaOptions.SectionName}:Properties:{key}", $"'{value}' is not a valid {type.Name}.");
        }
    }

    /// <summary>librdkafka spells enum values sasl_ssl or cooperative-sticky; the .NET enums SaslSsl, CooperativeSticky.</summary>
    private static object ParseEnum(Type type, string value) =>
        Enum.GetNames(type).FirstOrDefault(name => string.Equals(name, value.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse(type, name)
            : throw new ArgumentException($"unknown {type.Name} '{value}'");
}
