namespace StreamingCL.Kafka;

/// <summary>A configuration value is missing or wrong; <see cref="Key"/> names it (e.g. Topics:Predictions:Partitions).</summary>
public sealed class InvalidConfigurationException : Exception
{
    /// <summary>Creates the exception; the message starts with the key.</summary>
    public InvalidConfigurationException(string key, string problem)
        : base($"{key}: {problem}") => Key = key;

    /// <summary>The configuration key, in section:key form.</summary>
    public string Key { get; }

    /// <summary>Throws unless <paramref name="condition"/> holds.</summary>
    public static void ThrowUnless(bool condition, string key, string problem)
    {
        if (!condition)
        {
            throw new InvalidConfigurationException(key, problem);
        }
    }
}
