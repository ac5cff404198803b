using StreamingCL.Kafka;
using StreamingCL.Processors.Drift;

namespace StreamingCL.Processors.Tests.Drift;

public sealed class DriftOptionsTests
{
    public static TheoryData<Action<DriftOptions>, string, string> Invalid => new()
    {
        { options => options.WindowAdvance = TimeSpan.FromHours(2), "Processors:Drift:WindowAdvance", "no larger than WindowSize" },
        { options => options.WindowSize = TimeSpan.FromTicks(15_000), "Processors:Drift:WindowSize", "whole number of milliseconds" },
        { options => options.WindowGrace = TimeSpan.FromMinutes(-1), "Processors:Drift:WindowGrace", "non-negative" },
        { options => options.ReferenceSampleSize = 10, "Processors:Drift:ReferenceSampleSize", "at least MinSampleSize (30)" },
        { options => options.Thresholds = new() { PsiDrift = -1 }, "Processors:Drift:Thresholds:PsiDrift", "positive finite number" },
        { options => options.Thresholds = new() { PsiWarning = 0.3 }, "Processors:Drift:Thresholds", "must not exceed PsiDrift" },
        { options => options.Detector = "adwim", "Processors:Drift:Detector", "Unknown change detector 'adwim'" },
        { options => options.DetectorParameters["delta"] = "2", "Processors:Drift:DetectorParameters", "parameter 'delta'" },
        { options => (options.Detector, options.Error) = ("ddm", DriftErrorMeasure.AbsoluteError), "Processors:Drift:Detector", "takes only 0/1 errors" },
        { options => options.DecisionThreshold = 1, "Processors:Drift:DecisionThreshold", "strictly between 0 and 1" },
    };

    [Fact]
    public void The_defaults_are_valid_tumbling_windows_with_adwin() =>
        Assert.Equal((TimeSpan.FromHours(1), (TimeSpan?)null, "adwin"), Validated(new DriftOptions()));

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_value_is_refused_naming_its_key(Action<DriftOptions> change, string key, string problem)
    {
        var options = new DriftOptions();
        change(options);

        var error = Assert.Throws<InvalidConfigurationException>(options.Validate);

        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    private static (TimeSpan, TimeSpan?, string) Validated(DriftOptions options)
    {
        options.Validate();
        return (options.WindowSize, options.WindowAdvance, options.Detector);
    }
}
