using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using StreamingCL.Tests.Shared;

namespace StreamingCL.Cli.Tests;

/// <summary>docker-compose.yml and k8s/ cannot be started here (no container engine); they are validated instead.</summary>
public sealed class DeploymentFilesTests
{
    [Fact]
    public void Docker_compose_accepts_the_compose_file()
    {
        var (exitCode, output) = Run("docker-compose", "-f", Path.Combine(RepositoryPaths.Root, "docker-compose.yml"), "config", "-q");

        Assert.True(exitCode == 0, output);
    }

    public static TheoryData<string> Manifests() => new(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "k8s"), "*.yaml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_manifest_is_a_kubernetes_object(string file)
    {
        foreach (var manifest in ReadYaml(Path.Combine(RepositoryPaths.Root, "k8s", file)))
        {
            Assert.False(string.IsNullOrEmpty(manifest.GetProperty("apiVersion").GetString()));
            Assert.False(string.IsNullOrEmpty(manifest.GetProperty("kind").GetString()));
            if (file != "kustomization.yaml")
            {
                Assert.False(string.IsNullOrEmpty(manifest.GetProperty("metadata").GetProperty("name").GetString()));
            }
        }
    }

    [Fact]
    public void The_kustomization_lists_every_manifest()
    {
        var kustomization = ReadYaml(Path.Combine(RepositoryPaths.Root, "k8s", "kustomization.yaml")).Single();
        var listed = kustomization.GetProperty("resources").EnumerateArray().Select(resource => resource.GetString()).Order();

        var manifests = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "k8s"), "*.yaml").Select(Path.GetFileName).Where(file => file != "kustomization.yaml").Order();
        Assert.Equal(manifests, listed);
    }

    [Fact]
    public void The_config_map_holds_only_keys_the_workers_know()
    {
        var configMap = ReadYaml(Path.Combine(RepositoryPaths.Root, "k8s", "10-configmap.yaml")).Single();
        var data = configMap.GetProperty("data").EnumerateObject()
            .ToDictionary(entry => entry.Name.Replace("__", ":", StringComparison.Ordinal), entry => (string?)entry.Value.GetString());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(data).Build();

        var kafka = Settings.Kafka(configuration);

        Assert.Equal("kafka-bootstrap.kafka.svc:9092", kafka.BootstrapServers);
        Assert.Equal(3, kafka.ReplicationFactor);
    }

    [Fact]
    public void Every_worker_runs_a_command_the_cli_accepts_with_settings_it_knows()
    {
        var workers = ComposeWorkers().Concat(KubernetesWorkers()).ToList();

        Assert.Equal(["compose/processors", "compose/simulator", "compose/topics", "compose/trainer", "k8s/processors", "k8s/topics", "k8s/trainer"], workers.Select(worker => worker.Name).Order());
        foreach (var (name, args, environment) in workers)
        {
            var parsed = Cli.Build().Parse(args);
            Assert.True(parsed.Errors.Count == 0, $"{name}: {string.Join("; ", parsed.Errors.Select(error => error.Message))}");
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(environment.ToDictionary(pair => pair.Key.Replace("__", ":", StringComparison.Ordinal), pair => (string?)pair.Value))
                .Build();
            Settings.Processors(configuration);
            Settings.Simulation(configuration);
            if (args.Contains("trainer"))
            {
                Settings.Trainer(configuration).Validate();
            }

            Assert.NotEmpty(Settings.Kafka(configuration).BootstrapServers);
        }
    }

    [Fact]
    public void Prometheus_scrapes_every_compose_worker_on_its_metrics_port()
    {
        var prometheus = ReadYaml(Path.Combine(RepositoryPaths.Root, "monitoring", "prometheus.yml")).Single();
        var targets = prometheus.GetProperty("scrape_configs").EnumerateArray()
            .SelectMany(job => job.GetProperty("static_configs").EnumerateArray())
            .SelectMany(config => config.GetProperty("targets").EnumerateArray().Select(target => target.GetString()!));

        // `run` serves /metrics on Metrics:Port, 9464 unless configured.
        var workers = ComposeWorkers().Where(worker => worker.Args[0] == "run" && !worker.Environment.ContainsKey("Metrics__Port"));
        Assert.Equal(workers.Select(worker => $"{worker.Name["compose/".Length..]}:9464").Order(), targets.Order());
    }

    [Fact]
    public void Compose_mounts_files_of_the_repository()
    {
        var compose = ReadYaml(Path.Combine(RepositoryPaths.Root, "docker-compose.yml")).Single();
        var mounts = compose.GetProperty("services").EnumerateObject()
            .SelectMany(service => service.Value.TryGetProperty("volumes", out var volumes) ? volumes.EnumerateArray().Select(volume => volume.GetString()!.Split(':')[0]) : [])
            .Select(source => Path.GetFullPath(source, RepositoryPaths.Root))
            .ToList();

        Assert.NotEmpty(mounts);
        Assert.All(mounts, source => Assert.True(File.Exists(source) || Directory.Exists(source), $"{source} does not exist"));
    }

    [Fact]
    public void The_dashboard_shows_only_metrics_the_workers_export()
    {
        var declared = Directory.GetFiles(RepositoryPaths.Root, "*.cs", SearchOption.AllDirectories)
            .Where(file => Path.GetRelativePath(RepositoryPaths.Root, file).Split(Path.DirectorySeparatorChar)[0] is "src" or "processors")
            .SelectMany(file => Regex.Matches(File.ReadAllText(file), "\"(streamingcl_[a-z_]+)\"").Select(match => match.Groups[1].Value))
            .ToHashSet();
        var used = Dashboard.Expressions()
            .SelectMany(expression => Regex.Matches(expression, "streamingcl_[a-z_]+").Select(match => Regex.Replace(match.Value, "_(bucket|sum|count)$", "")))
            .ToHashSet();

        Assert.True(used.Count >= 10, string.Join(", ", used));
        Assert.Subset(declared, used);
    }

    private static IEnumerable<(string Name, string[] Args, Dictionary<string, string> Environment)> ComposeWorkers()
    {
        var compose = ReadYaml(Path.Combine(RepositoryPaths.Root, "docker-compose.yml")).Single();
        foreach (var service in compose.GetProperty("services").EnumerateObject().Where(service => service.Value.TryGetProperty("build", out _)))
        {
            yield return (
                $"compose/{service.Name}",
                [.. service.Value.GetProperty("command").EnumerateArray().Select(arg => arg.GetString()!)],
                service.Value.GetProperty("environment").EnumerateObject().ToDictionary(pair => pair.Name, pair => pair.Value.GetString()!));
        }
    }

    private static IEnumerable<(string Name, string[] Args, Dictionary<string, string> Environment)> KubernetesWorkers()
    {
        var shared = ReadYaml(Path.Combine(RepositoryPaths.Root, "k8s", "10-configmap.yaml")).Single().GetProperty("data").EnumerateObject()
            .ToDictionary(pair => pair.Name, pair => pair.Value.GetString()!);
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "k8s"), "*.yaml"))
        {
            foreach (var manifest in ReadYaml(file).Where(manifest => manifest.GetProperty("kind").GetString() is "Deployment" or "Job"))
            {
                foreach (var container in manifest.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers").EnumerateArray())
                {
                    var environment = new Dictionary<string, string>(shared);
                    foreach (var variable in container.TryGetProperty("env", out var env) ? env.EnumerateArray() : default(JsonElement.ArrayEnumerator))
                    {
                        environment[variable.GetProperty("name").GetString()!] = variable.GetProperty("value").GetString()!;
                    }

                    yield return ($"k8s/{container.GetProperty("name").GetString()}", [.. container.GetProperty("args").EnumerateArray().Select(arg => arg.GetString()!)], environment);
                }
            }
        }
    }

    private static List<JsonElement> ReadYaml(string path)
    {
        var (exitCode, output) = Run(
            "/usr/bin/python3",
            "-c",
            "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))",
            path);
        Assert.True(exitCode == 0, output);
        return JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
    }

    private static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
