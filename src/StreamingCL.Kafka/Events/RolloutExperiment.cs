using System.Globalization;

namespace StreamingCL.Kafka.Events;

/// <summary>
/// The experiment a registry rollout is analysed as. Its experiment_id is
/// {prefix}{model}:{version} while the version serves a canary share of the traffic, and
/// {prefix}{model}:{version}:shadow while it scores, as a shadow, requests production serves. The
/// serving client tags requests with it, the experiments processor picks the analysis from it
/// (canary guardrail or paired shadow comparison) and the registry reads the verdicts by it.
/// </summary>
/// <param name="Model">The model rolled out.</param>
/// <param name="Version">The version rolled out.</param>
/// <param name="Shadow">Whether the version is a shadow (else a canary).</param>
public readonly record struct RolloutExperiment(string Model, int Version, bool Shadow)
{
    private const string ShadowSuffix = ":shadow";

    /// <summary>The experiment_id under <paramref name="prefix"/>.</summary>
    public string Id(string prefix) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{Model}:{Version}{(Shadow ? ShadowSuffix : string.Empty)}");

    /// <summary>The rollout an experiment_id names under <paramref name="prefix"/>, or null when it names none.</summary>
    public static RolloutExperiment? Parse(string prefix, string? experimentId)
    {
        if (experimentId is null || !experimentId.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = experimentId[prefix.Length..];
        var shadow = rest.EndsWith(ShadowSuffix, StringComparison.Ordinal);
        if (shadow)
        {
            rest = rest[..^ShadowSuffix.Length];
        }

        var colon = rest.LastIndexOf(':');
        return colon > 0 && int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && new RolloutExperiment(rest[..colon], version, shadow) is var rollout && rollout.Id(prefix) == experimentId // no leading zeros: one id per rollout
            ? rollout
            : null;
    }
}
