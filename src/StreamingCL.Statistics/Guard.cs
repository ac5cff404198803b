using System.Runtime.CompilerServices;

namespace StreamingCL.Statistics;

/// <summary>Argument checks shared by the public entry points; messages name the offending value.</summary>
internal static class Guard
{
    internal static void Positive(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive (and not NaN).");
        }
    }

    internal static void Probability(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be a probability in [0, 1].");
        }
    }

    internal static void OpenProbability(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be strictly between 0 and 1.");
        }
    }

    internal static void NotNaN(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException("Must not be NaN.", name);
        }
    }

    /// <summary>Rejects samples that are too small or hold NaN or infinite values (never skipped silently).</summary>
    internal static void Sample(ReadOnlySpan<double> values, int minimumCount, [CallerArgumentExpression(nameof(values))] string? name = null)
    {
        if (values.Length < minimumCount)
        {
            var what = values.IsEmpty ? "is empty" : $"has {values.Length} value(s)";
            throw new ArgumentException($"The sample {what}; at least {minimumCount} value(s) are needed.", name);
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"The sample holds a non-finite value ({values[i]}) at index {i}; clean the data before comparing.", name);
            }
        }
    }
}
