namespace StreamingCL.Statistics.ChangeDetection;

/// <summary>
/// Constructor argument checks. The requirement travels in <see cref="Exception.Data"/> so that
/// <see cref="ChangeDetectorFactory"/> can restate it under River's parameter name.
/// </summary>
internal static class ParameterGuard
{
    public const string RequirementKey = "requirement";

    public static void Probability(double value, string name)
    {
        if (!(value is > 0.0 and < 1.0))
        {
            throw OutOfRange(value, name, "must be in (0, 1)");
        }
    }

    public static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw OutOfRange(value, name, $"must be at least {minimum}");
        }
    }

    public static void Positive(double value, string name)
    {
        if (!(value > 0.0 && double.IsFinite(value)))
        {
            throw OutOfRange(value, name, "must be positive and finite");
        }
    }

    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0.0 && double.IsFinite(value)))
        {
            throw OutOfRange(value, name, "must be non-negative and finite");
        }
    }

    public static void InUnitInterval(double value, string name, bool includeZero)
    {
        var inRange = includeZero ? value is >= 0.0 and <= 1.0 : value is > 0.0 and <= 1.0;
        if (!inRange)
        {
            throw OutOfRange(value, name, includeZero ? "must be in [0, 1]" : "must be in (0, 1]");
        }
    }

    public static ArgumentOutOfRangeException OutOfRange(object value, string name, string requirement)
    {
        var exception = new ArgumentOutOfRangeException(name, value, $"{name} {requirement}.");
        exception.Data[RequirementKey] = requirement;
        return exception;
    }
}
