using System.Globalization;
using System.Text.Json;

namespace StreamingCL.Cli.Tests;

public sealed class DriftDetectCommandTests
{
    /// <summary>A mean shift from 0 to 1 at index 1000, with deterministic noise.</summary>
    private static readonly string ShiftedSeries = string.Join('\n', Enumerable.Range(0, 2000)
        .Select(i => ((i >= 1000 ? 1.0 : 0.0) + (((i * 7919) % 13) - 6) / 10.0).ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public async Task Adwin_reports_the_shift_shortly_after_it_happens_with_its_parameters_in_json()
    {
        using var input = CliRunner.TempFile(ShiftedSeries);

        var result = await CliRunner.RunAsync("drift", "detect", "--detector", "adwin", "--param", "delta=0.01", "--input", input.Path, "--json");

        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("adwin", json.GetProperty("detector").GetString());
        Assert.Equal(0.01, json.GetProperty("params").GetProperty("delta").GetDouble());
        Assert.Equal(32, json.GetProperty("params").GetProperty("clock").GetInt32());
        var changes = json.GetProperty("changes").EnumerateArray().Select(change => change.GetInt32()).ToList();
        var change = Assert.Single(changes);
        Assert.InRange(change, 1000, 1100);
        Assert.Empty(json.GetProperty("warnings").EnumerateArray());
    }

    [Theory]
    [InlineData("adwin", "0.5")]
    [InlineData("kswin", "0.5")]
    [InlineData("page-hinkley", "0.5")]
    [InlineData("ddm", "0")]
    [InlineData("eddm", "0")]
    [InlineData("hddm-a", "0")]
    [InlineData("hddm-w", "0")]
    public async Task A_constant_series_raises_nothing_with_any_detector(string detector, string value)
    {
        using var input = CliRunner.TempFile(string.Join('\n', Enumerable.Repeat(value, 5000)));

        var result = await CliRunner.RunAsync("drift", "detect", "--detector", detector, "--input", input.Path, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"changes\":[]", result.Output);
    }

    [Fact]
    public async Task Kswin_finds_the_shift_with_a_seed_and_reports_it()
    {
        using var input = CliRunner.TempFile(ShiftedSeries);

        var result = await CliRunner.RunAsync("drift", "detect", "--detector", "kswin", "--param", "seed=42", "--input", input.Path, "--json");

        var json = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(42, json.GetProperty("params").GetProperty("seed").GetInt32());
        Assert.Contains(json.GetProperty("changes").EnumerateArray(), change => change.GetInt32() is >= 1000 and <= 1100);
    }

    [Theory]
    [InlineData("", "has no values")]
    [InlineData("1.5", "has 1 value(s); at least 2 are needed")]
    [InlineData("1\n2\nabc\n", "line 3: 'abc' is not a number")]
    public async Task Bad_input_files_are_reported_in_one_line_with_exit_code_2(string content, string message)
    {
        using var input = CliRunner.TempFile(content);

        var result = await CliRunner.RunAsync("drift", "detect", "--detector", "adwin", "--input", input.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("kswim", "delta=0.1", "Unknown change detector 'kswim'")]
    [InlineData("adwin", "delt=0.1", "Unknown parameter 'delt'")]
    [InlineData("adwin", "delta=2", "Invalid value '2' for parameter 'delta'")]
    [InlineData("adwin", "delta", "--param 'delta' is not name=value")]
    public async Task Bad_detectors_and_parameters_are_named(string detector, string parameter, string message)
    {
        using var input = CliRunner.TempFile(ShiftedSeries);

        var result = await CliRunner.RunAsync("drift", "detect", "--detector", detector, "--param", parameter, "--input", input.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task A_binary_detector_refuses_values_other_than_0_and_1_naming_the_value()
    {
        using var input = CliRunner.TempFile("0\n1\n0.5\n");

        var result = await CliRunner.RunAsync("drift", "detect", "--detector", "ddm", "--input", input.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {input.Path} value 3 (0.5):", result.Error);
    }
}
