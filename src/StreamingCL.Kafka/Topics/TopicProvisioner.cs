using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace StreamingCL.Kafka.Topics;

/// <summary>What provisioning did with one topic.</summary>
public enum ProvisioningOutcome
{
    /// <summary>The topic was created.</summary>
    Created,

    /// <summary>The topic already existed and was left alone.</summary>
    Exists,

    /// <summary>The topic exists with another partition count than the catalog's; it was left alone.</summary>
    ExistsWithOtherPartitions,

    /// <summary>Creating the topic failed.</summary>
    Failed,
}

/// <summary>The outcome for one topic.</summary>
/// <param name="Spec">The catalog's topic.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Detail">Partition count found, or the error.</param>
public sealed record ProvisioningResult(TopicSpec Spec, ProvisioningOutcome Outcome, string Detail);

/// <summary>
/// Creates the catalog's topics on a cluster through the admin API, idempotently: topics that
/// exist (by cluster metadata, which every broker answers) are reported and never altered.
/// </summary>
public static class TopicProvisioner
{
    /// <summary>Creates the missing topics and reports every topic's outcome, in catalog order.</summary>
    public static async Task<IReadOnlyList<ProvisioningResult>> EnsureAsync(IAdminClient admin, IReadOnlyList<TopicSpec> topics, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(topics);
        var existing = admin.GetMetadata(timeout).Topics
            .Where(topic => topic.Error.Code == ErrorCode.NoError)
            .ToDictionary(topic => topic.Topic, topic => topic.Partitions.Count);
        var missing = topics.Where(spec => !existing.ContainsKey(spec.Name)).ToList();
        var failures = missing.Count == 0 ? [] : await CreateAsync(admin, missing, timeout).ConfigureAwait(false);

        return topics.Select(spec => Outcome(spec, existing, failures)).ToList();
    }

    private static ProvisioningResult Outcome(TopicSpec spec, Dictionary<string, int> existing, Dictionary<string, Error> failures)
    {
        if (existing.TryGetValue(spec.Name, out var partitions))
        {
            var outcome = partitions == spec.Partitions ? ProvisioningOutcome.Exists : ProvisioningOutcome.ExistsWithOtherPartitions;
            return new ProvisioningResult(spec, outcome, $"{partitions} partitions");
        }

        if (!failures.TryGetValue(spec.Name, out var error))
        {
            return new ProvisioningResult(spec, ProvisioningOutcome.Created, $"{spec.Partitions} partitions");
        }

        return error.Code == ErrorCode.TopicAlreadyExists
            ? new ProvisioningResult(spec, ProvisioningOutcome.Exists, "created meanwhile by another client")
            : new ProvisioningResult(spec, ProvisioningOutcome.Failed, error.Reason);
    }

    private static async Task<Dictionary<string, Error>> CreateAsync(IAdminClient admin, List<TopicSpec> missing, TimeSpan timeout)
    {
        var specifications = missing.Select(spec => new TopicSpecification
        {
            Name = spec.Name,
            NumPartitions = spec.Partitions,
            ReplicationFactor = spec.ReplicationFactor,
            Configs = spec.Configs.ToDictionary(),
        });
        try
        {
            await admin.CreateTopicsAsync(specifications, new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout }).ConfigureAwait(false);
            return [];
        }
        catch (CreateTopicsException e)
        {
            return e.Results.Where(result => result.Error.IsError).ToDictionary(result => result.Topic, result => result.Error);
        }
        catch (KafkaException e)
        {
            return missing.ToDictionary(spec => spec.Name, _ => e.Error);
        }
    }
}
