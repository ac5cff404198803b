using System.Text.Json;

namespace StreamingCL.Cli.Tests;

/// <summary>Expected values are GrowthBook's own, from gbstats' tests (see the statistics tests for the sources).</summary>
public sealed class ExperimentCommandTests
{
    private const double FiveDecimals = 0.5e-5 + 1e-12;

    [Fact]
    public async Task Proportions_give_gbstats_lifts_the_chance_to_win_and_no_srm()
    {
        var result = await Analyze("""
            {"control":"A","metric":"proportion","variants":[{"name":"A","users":28,"conversions":14},{"name":"B","users":30,"conversions":16}]}
            """);

        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Output).RootElement;
        Assert.False(json.GetProperty("srm_detected").GetBoolean());
        var b = json.GetProperty("results").EnumerateArray().Single();
        Assert.Equal("B", b.GetProperty("variant").GetString());
        var relative = b.GetProperty("relative");
        Assert.Equal(0.06667, relative.GetProperty("lift").GetDouble(), FiveDecimals);
        Assert.Equal(-0.47767, relative.GetProperty("ci")[0].GetDouble(), FiveDecimals);
        Assert.Equal(0.61101, relative.GetProperty("ci")[1].GetDouble(), FiveDecimals);
        Assert.Equal(0.80707, relative.GetProperty("p_value").GetDouble(), FiveDecimals);
        Assert.Equal(16.0 / 30 - 0.5, b.GetProperty("absolute").GetProperty("lift").GetDouble(), 1e-12);
        Assert.InRange(b.GetProperty("chance_to_beat_control").GetDouble(), 0.55, 0.75);
        Assert.False(b.TryGetProperty("sequential", out _));
    }

    [Fact]
    public async Task Means_with_a_sequential_tuning_give_gbstats_values()
    {
        var result = await Analyze("""
            {"control":"A","metric":"mean","sequential":{"tuning":1000},
             "variants":[{"name":"A","n":3000,"sum":1396.87,"sum_squares":52377.9767},{"name":"B","n":3461,"sum":2422.7,"sum_squares":134698.29}]}
            """);

        var b = JsonDocument.Parse(result.Output).RootElement.GetProperty("results")[0];
        var sequential = b.GetProperty("sequential");
        Assert.Equal(-0.55844, sequential.GetProperty("ci")[0].GetDouble(), FiveDecimals);
        Assert.Equal(1.56516, sequential.GetProperty("ci")[1].GetDouble(), FiveDecimals);
        Assert.Equal(1.0, sequential.GetProperty("p_value").GetDouble(), FiveDecimals);
        Assert.False(b.TryGetProperty("chance_to_beat_control", out _));
    }

    [Fact]
    public async Task A_1000_to_1200_split_on_50_50_weights_is_a_sample_ratio_mismatch()
    {
        var result = await Analyze("""
            {"control":"A","metric":"proportion","weights":[0.5,0.5],"variants":[{"name":"A","users":1000,"conversions":100},{"name":"B","users":1200,"conversions":120}]}
            """);

        var json = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(0.000020079, json.GetProperty("srm_p_value").GetDouble(), 0.5e-9);
        Assert.True(json.GetProperty("srm_detected").GetBoolean());
    }

    [Fact]
    public async Task The_table_shows_one_row_per_treatment_and_the_srm_verdict()
    {
        using var input = CliRunner.TempFile("""
            {"control":"A","metric":"proportion","variants":[{"name":"A","users":1000,"conversions":100},{"name":"B","users":1200,"conversions":120},{"name":"C","users":1100,"conversions":150}]}
            """);

        var result = await CliRunner.RunAsync("experiment", "analyze", "--input", input.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("MISMATCH", result.Output);
        Assert.Matches(@"(?m)^B\s", result.Output);
        Assert.Matches(@"(?m)^C\s", result.Output);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("""{"control":"A","metric":"mean"}""", "missing property: 'variants'")]
    [InlineData("""{"control":"A","metrc":"mean","variants":[]}""", "unknown property at $.metrc")]
    [InlineData("""{"control":"A","metric":"median","variants":[]}""", "metric must be \"proportion\" or \"mean\"")]
    [InlineData("""{"control":"A","metric":"proportion","variants":[{"name":"A","users":10,"conversions":5}]}""", "at least 2 variants")]
    [InlineData("""{"control":"Z","metric":"proportion","variants":[{"name":"A","users":10,"conversions":5},{"name":"B","users":10,"conversions":5}]}""", "control \"Z\" is not one of the variants")]
    [InlineData("""{"control":"A","metric":"proportion","variants":[{"name":"A","users":10},{"name":"B","users":10,"conversions":5}]}""", "variant \"A\" has no \"conversions\"")]
    [InlineData("""{"control":"A","metric":"proportion","variants":[{"name":"A","users":10,"conversions":11},{"name":"B","users":10,"conversions":5}]}""", "variant \"A\"")]
    [InlineData("""{"control":"A","metric":"proportion","weights":[0.7,0.7],"variants":[{"name":"A","users":10,"conversions":5},{"name":"B","users":10,"conversions":5}]}""", "weights must be 2 non-negative numbers summing to 1")]
    [InlineData("""{"control":"A","metric":"proportion","alpha":2,"variants":[{"name":"A","users":10,"conversions":5},{"name":"B","users":10,"conversions":5}]}""", "Alpha must be strictly between 0 and 1")]
    [InlineData("""{"control":"A","metric":"mean","variants":[{"name":"A","n":"ten"}]}""", "invalid value or JSON syntax at $.variants[0].n")]
    public async Task Bad_input_is_reported_in_one_line_with_exit_code_2(string json, string message)
    {
        var result = await Analyze(json, asJson: false);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    private static async Task<CliRunner.Result> Analyze(string json, bool asJson = true)
    {
        using var input = CliRunner.TempFile(json);
        return asJson
            ? await CliRunner.RunAsync("experiment", "analyze", "--input", input.Path, "--json")
            : await CliRunner.RunAsync("experiment", "analyze", "--input", input.Path);
    }
}
