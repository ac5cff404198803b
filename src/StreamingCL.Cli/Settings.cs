using Microsoft.Extensions.Configuration;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors;

namespace StreamingCL.Cli;

/// <summary>Typed, validated settings read from configuration; failures name the key.</summary>
internal static class Settings
{
    public static KafkaOptions Kafka(IConfiguration configuration, string? bootstrapServers = null)
    {
        var options = Bind<KafkaOptions>(configuration, KafkaOptions.SectionName);
        if (bootstrapServers is not null)
        {
            options.BootstrapServers = bootstrapServers;
        }

        options.Validate();
        return options;
    }

    /// <summary>The event topics, plus the internal topics of every stream application.</summary>
    public static TopicCatalog Topics(IConfiguration configuration, KafkaOptions kafka)
    {
        var catalog = new TopicCatalog(Bind<Dictionary<string, TopicSettings>>(configuration, "Topics"), kafka.ReplicationFactor);
        using var serdes = new EventSerdes(kafka);
        var planning = new ProcessorEnvironment(catalog, serdes, TimeProvider.System, new ProcessorMetrics(Prometheus.Metrics.NewCustomRegistry()));
        return Processors(configuration).Applications()
            .Aggregate(catalog, (withInternal, application) => withInternal.With(application.InternalTopics(planning)));
    }

    public static ProcessorsOptions Processors(IConfiguration configuration)
    {
        var options = Bind<ProcessorsOptions>(configuration, ProcessorsOptions.SectionName);
        options.Validate();
        return options;
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidConfigurationException(section, e.Message);
        }
    }
}
