using Microsoft.Extensions.Configuration;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Topics;

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

    public static TopicCatalog Topics(IConfiguration configuration, KafkaOptions kafka) =>
        new(Bind<Dictionary<string, TopicSettings>>(configuration, "Topics"), kafka.ReplicationFactor);

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
