using Microsoft.Extensions.Configuration;
using StreamingCL.Cli.Hosting;
using StreamingCL.Cli.Simulation;
using StreamingCL.Client;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Kafka.Topics;
using StreamingCL.Processors;
using StreamingCL.Registry;
using StreamingCL.Trainer;

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

    public static ProcessorsOptions Processors(IConfiguration configuration) => Validated(Bind<ProcessorsOptions>(configuration, ProcessorsOptions.SectionName), options => options.Validate());

    /// <summary>The trainer's options, not yet validated: a command may complete them first (the model, inferred features).</summary>
    public static TrainerOptions Trainer(IConfiguration configuration) => Bind<TrainerOptions>(configuration, TrainerOptions.SectionName);

    /// <summary>Whether a model to train is configured (Trainer:ModelName).</summary>
    public static bool TrainerConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{TrainerOptions.SectionName}:{nameof(TrainerOptions.ModelName)}"]);

    public static RegistryOptions Registry(IConfiguration configuration)
    {
        var options = Bind<RegistryOptions>(configuration, RegistryOptions.SectionName);
        // The binder appends configured list items to the defaults; configured steps replace them.
        var steps = configuration.GetSection($"{RegistryOptions.SectionName}:{nameof(RegistryOptions.RampSteps)}");
        if (steps.Exists())
        {
            options.RampSteps = steps.Get<List<double>>() ?? [];
        }

        options.Validate();
        return options;
    }

    public static TrainerWorkerOptions TrainerWorker(IConfiguration configuration) => Validated(Bind<TrainerWorkerOptions>(configuration, TrainerWorkerOptions.SectionName), options => options.Validate());

    public static ModelRouterOptions Router(IConfiguration configuration) => Validated(Bind<ModelRouterOptions>(configuration, ModelRouterOptions.SectionName), options => options.Validate());

    public static PublisherOptions Publisher(IConfiguration configuration) => Validated(Bind<PublisherOptions>(configuration, PublisherOptions.SectionName), options => options.Validate());

    public static SimulationOptions Simulation(IConfiguration configuration) => Validated(Bind<SimulationOptions>(configuration, SimulationOptions.SectionName), options => options.Validate());

    private static T Validated<T>(T options, Action<T> validate)
    {
        validate(options);
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
