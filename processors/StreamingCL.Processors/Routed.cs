using StreamingCL.Kafka.Events;

namespace StreamingCL.Processors;

/// <summary>A record a stage accepted, or the dead letter that says why it rejected it.</summary>
/// <typeparam name="T">The accepted value's type.</typeparam>
/// <param name="Value">The accepted value, or null.</param>
/// <param name="Rejection">The dead letter, or null.</param>
internal sealed record Routed<T>(T? Value, DeadLetter? Rejection)
    where T : class;

/// <summary>Builds <see cref="Routed{T}"/> values.</summary>
internal static class Routed
{
    /// <summary>An accepted value.</summary>
    public static Routed<T> Accept<T>(T value)
        where T : class => new(value, null);

    /// <summary>A rejected record.</summary>
    public static Routed<T> Reject<T>(DeadLetter rejection)
        where T : class => new(null, rejection);
}
