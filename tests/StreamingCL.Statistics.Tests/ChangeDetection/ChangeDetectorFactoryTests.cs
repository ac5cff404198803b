using StreamingCL.Statistics.ChangeDetection;

namespace StreamingCL.Statistics.Tests.ChangeDetection;

public sealed class ChangeDetectorFactoryTests
{
    [Fact]
    public void Knows_the_implemented_detectors()
    {
        Assert.Equal(["adwin", "ddm", "eddm", "hddm-a", "hddm-w", "kswin", "page-hinkley"], ChangeDetectorFactory.DetectorNames);
    }

    [Theory]
    [InlineData("adwin", typeof(Adwin))]
    [InlineData("DDM", typeof(Ddm))]
    [InlineData("eddm", typeof(Eddm))]
    [InlineData("hddm-a", typeof(HddmA))]
    [InlineData("Hddm-W", typeof(HddmW))]
    [InlineData("KSWIN", typeof(Kswin))]
    [InlineData("page-hinkley", typeof(PageHinkley))]
    public void Creates_each_detector_by_name_ignoring_case(string name, Type expected)
    {
        Assert.IsType(expected, ChangeDetectorFactory.Create(name));
    }

    [Fact]
    public void Passes_river_named_parameters_to_the_detector()
    {
        var stream = DetectorReference.Stream("long_integer_levels");
        var parameters = new Dictionary<string, string>
        {
            ["delta"] = "0.1", ["clock"] = "8", ["max_buckets"] = "3", ["min_window_length"] = "7", ["grace_period"] = "50",
        };

        var fromFactory = DetectorReference.Run(ChangeDetectorFactory.Create("adwin", parameters), stream);
        var direct = DetectorReference.Run(new Adwin(delta: 0.1, clock: 8, maxBuckets: 3, minWindowLength: 7, gracePeriod: 50), stream);
        var defaults = DetectorReference.Run(new Adwin(), stream);

        Assert.Equal(direct.Drifts, fromFactory.Drifts);
        Assert.NotEqual(defaults.Drifts, fromFactory.Drifts);
    }

    [Fact]
    public void Parses_booleans_and_modes()
    {
        var stream = DetectorReference.Stream("river_test_stream_3");

        var hddm = ChangeDetectorFactory.Create("hddm-a", new Dictionary<string, string> { ["two_sided_test"] = "True" });
        var pageHinkley = ChangeDetectorFactory.Create("page-hinkley", new Dictionary<string, string> { ["mode"] = "down" });

        Assert.Equal([531, 1015, 1545], DetectorReference.Run(hddm, stream).Drifts);
        Assert.Equal([1172], DetectorReference.Run(pageHinkley, stream).Drifts);
    }

    [Fact]
    public void Rejects_an_unknown_detector_naming_it_and_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ChangeDetectorFactory.Create("kswim"));

        Assert.Equal("Unknown change detector 'kswim'; known detectors: adwin, ddm, eddm, hddm-a, hddm-w, kswin, page-hinkley.", error.Message);
    }

    [Fact]
    public void Rejects_an_unknown_parameter_naming_it_and_the_valid_ones()
    {
        var error = Assert.Throws<ArgumentException>(
            () => ChangeDetectorFactory.Create("adwin", new Dictionary<string, string> { ["window_size"] = "100" }));

        Assert.Equal(
            "Unknown parameter 'window_size' for change detector 'adwin'; its parameters are: delta, clock, max_buckets, min_window_length, grace_period.",
            error.Message);
    }

    [Theory]
    [InlineData("adwin", "delta", "abc", "expected a number")]
    [InlineData("adwin", "clock", "1.5", "expected an integer")]
    [InlineData("hddm-w", "two_sided_test", "yes", "expected true or false")]
    [InlineData("page-hinkley", "mode", "sideways", "expected one of up, down, both")]
    [InlineData("page-hinkley", "mode", "0", "expected one of up, down, both")]
    [InlineData("adwin", "delta", "2", "must be in (0, 1)")]
    [InlineData("adwin", "delta", "NaN", "must be in (0, 1)")]
    [InlineData("adwin", "max_buckets", "1", "must be at least 2")]
    [InlineData("adwin", "clock", "0", "must be at least 1")]
    [InlineData("ddm", "drift_threshold", "-3", "must be positive and finite")]
    [InlineData("eddm", "beta", "0.99", "must not exceed alpha")]
    [InlineData("hddm-a", "warning_confidence", "1", "must be in (0, 1)")]
    [InlineData("hddm-w", "lambda_val", "0", "must be in (0, 1]")]
    [InlineData("page-hinkley", "delta", "-0.5", "must be non-negative and finite")]
    [InlineData("page-hinkley", "alpha", "1.5", "must be in (0, 1]")]
    [InlineData("kswin", "alpha", "-0.1", "must be in [0, 1]")]
    [InlineData("kswin", "alpha", "1.1", "must be in [0, 1]")]
    [InlineData("kswin", "window_size", "59", "must be at least twice stat_size (60)")]
    [InlineData("kswin", "window_size", "-10", "must be at least twice stat_size (60)")]
    [InlineData("kswin", "stat_size", "0", "must be at least 1")]
    [InlineData("kswin", "seed", "0.5", "expected an integer or none")]
    [InlineData("kswin", "seed", "null", "expected an integer or none")]
    public void Rejects_a_bad_value_with_a_one_line_message_naming_the_parameter(string detector, string parameter, string value, string problem)
    {
        var error = Assert.Throws<ArgumentException>(
            () => ChangeDetectorFactory.Create(detector, new Dictionary<string, string> { [parameter] = value }));

        Assert.Equal($"Invalid value '{value}' for parameter '{parameter}' of change detector '{detector}': {problem}.", error.Message);
    }

    [Fact]
    public void Constructors_reject_out_of_range_arguments_by_their_own_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new HddmW(lambdaVal: 2));

        Assert.Equal("lambdaVal", error.ParamName);
    }
}
