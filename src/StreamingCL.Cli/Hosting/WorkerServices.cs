using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using StreamingCL.Kafka;
using StreamingCL.Kafka.Serialization;
using StreamingCL.Processors;

namespace StreamingCL.Cli.Hosting;

/// <summary>The workers as hosted services: what `run` and `demo` host the same way.</summary>
internal static class WorkerServices
{
    /// <summary>Each stream application, restarted on failure, against the cluster the endpoint names once the host has started.</summary>
    public static IServiceCollection AddStreamApplications(
        this IServiceCollection services,
        IEnumerable<StreamApplicationDefinition> applications,
        ClusterEndpoint endpoint,
        KafkaOptions kafka,
        ProcessorsOptions processors,
        ProcessorEnvironment environment,
        bool embedded)
    {
        foreach (var application in applications)
        {
            services.AddSingleton<IHostedService>(provider => new StreamApplicationService(
                application,
                () => StreamsConfiguration.For(application, endpoint.BootstrapServers, kafka, processors, embedded, provider.GetRequiredService<ILoggerFactory>()),
                environment,
                provider.GetRequiredService<ILogger<StreamApplicationService>>()));
        }

        return services;
    }

    /// <summary>The trainer worker of one model, with the registry policy.</summary>
    public static IServiceCollection AddTrainer(
        this IServiceCollection services, TrainerWorkerSettings settings, ClusterEndpoint endpoint, EventSerdes serdes, CollectorRegistry metrics) =>
        services.AddSingleton<IHostedService>(provider => new TrainerWorker(
            settings, endpoint, serdes, new TrainerMetrics(metrics), TimeProvider.System, provider.GetRequiredService<ILogger<TrainerWorker>>()));
}
