namespace StreamingCL.Statistics.Tests;

/// <summary>Tolerance assertions with messages that show both values and the error.</summary>
internal static class Close
{
    /// <summary>Asserts |actual - expected| &lt;= absolute + relative * |expected| (numpy's isclose).</summary>
    internal static void To(double expected, double actual, double relative, double absolute = 0.0, string? context = null)
    {
        if (double.IsInfinity(expected) || double.IsNaN(expected))
        {
            Assert.Equal(expected, actual);
            return;
        }

        var error = Math.Abs(actual - expected);
        var allowed = absolute + relative * Math.Abs(expected);
        Assert.True(
            error <= allowed,
            $"{context} expected {expected:R}, got {actual:R}: error {error:E3} > allowed {allowed:E3} (relative error {error / Math.Abs(expected):E3}).");
    }
}
