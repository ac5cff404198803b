using System.Text.Json;

namespace StreamingCL.Cli.Tests;

public sealed class DriftCompareCommandTests
{
    private static readonly string Reference = Path.Combine(AppContext.BaseDirectory, "Data", "reference.csv");
    private static readonly string Current = Path.Combine(AppContext.BaseDirectory, "Data", "current.csv");

    [Fact]
    public async Task Each_common_column_gets_the_statistics_of_its_type_with_scipy_values()
    {
        var result = await CliRunner.RunAsync("drift", "compare", "--reference", Reference, "--current", Current, "--json");

        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Output).RootElement;
        var columns = json.GetProperty("columns").EnumerateArray().ToDictionary(column => column.GetProperty("name").GetString()!);
        Assert.Equal(["age", "country", "score"], columns.Keys);
        Assert.Equal(["only_in_reference"], json.GetProperty("skipped").EnumerateArray().Select(column => column.GetString()));

        // Expected values: Data/generate_drift_compare.py (scipy 1.10).
        var age = columns["age"];
        Assert.Equal("numeric", age.GetProperty("type").GetString());
        Assert.Equal(399, age.GetProperty("current_count").GetInt32()); // one empty cell
        Assert.Equal(0.2906416040100251, age.GetProperty("ks").GetProperty("statistic").GetDouble(), 1e-12);
        AssertRelative(4.879922666220521e-17, age.GetProperty("ks").GetProperty("p_value").GetDouble());
        Assert.Equal(5.694818947368422, age.GetProperty("wasserstein").GetDouble(), 1e-9);
        Assert.Equal(0.6077995291631285, age.GetProperty("wasserstein_norm").GetDouble(), 1e-9);
        Assert.True(age.GetProperty("drift").GetBoolean());

        var country = columns["country"];
        Assert.Equal("categorical", country.GetProperty("type").GetString());
        Assert.Equal(110.12638885417638, country.GetProperty("chi2").GetProperty("statistic").GetDouble(), 1e-9);
        Assert.Equal(3, country.GetProperty("chi2").GetProperty("dof").GetInt32());
        AssertRelative(1.0307076629768469e-23, country.GetProperty("chi2").GetProperty("p_value").GetDouble());
        Assert.True(country.GetProperty("drift").GetBoolean());

        var score = columns["score"];
        Assert.Equal(0.8748445706800229, score.GetProperty("ks").GetProperty("p_value").GetDouble(), 1e-10);
        Assert.Equal("stable", score.GetProperty("verdict").GetString());
        Assert.False(score.GetProperty("drift").GetBoolean());
    }

    [Fact]
    public async Task A_file_compared_with_itself_has_no_drift()
    {
        var result = await CliRunner.RunAsync("drift", "compare", "--reference", Reference, "--current", Reference, "--json");

        var columns = JsonDocument.Parse(result.Output).RootElement.GetProperty("columns").EnumerateArray().ToList();
        Assert.All(columns, column => Assert.Equal(0.0, column.GetProperty("psi").GetDouble(), 1e-12));
        Assert.All(columns, column => Assert.Equal("stable", column.GetProperty("verdict").GetString()));
    }

    [Fact]
    public async Task Thresholds_can_be_overridden()
    {
        var result = await CliRunner.RunAsync("drift", "compare", "--reference", Reference, "--current", Current, "--threshold", "ks_p_value=1e-30", "--threshold", "psi=5", "--threshold", "psi_warning=4", "--threshold", "js_distance=0.9", "--threshold", "wasserstein_norm=2", "--json");

        var age = JsonDocument.Parse(result.Output).RootElement.GetProperty("columns")[0];
        Assert.Equal("stable", age.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task The_table_lists_one_row_per_column()
    {
        var result = await CliRunner.RunAsync("drift", "compare", "--reference", Reference, "--current", Current);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"(?m)^age\s+numeric\s.*\sdrift$", result.Output);
        Assert.Matches(@"(?m)^score\s+numeric\s.*\sstable$", result.Output);
        Assert.Contains("not in both files (skipped): only_in_reference", result.Output);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("other\n1\n2\n", "have no column in common")]
    [InlineData("age\n1\n", "column 'age' has 1 value in the current file")]
    [InlineData("age\n1\nNaN\n", "column 'age' of")]
    [InlineData("age,country\n1\n", "row 2 has 1 fields, the header has 2")]
    [InlineData("age\n\"1\n", "ends inside a quoted field")]
    public async Task Bad_files_are_reported_in_one_line_with_exit_code_2(string current, string message)
    {
        using var file = CliRunner.TempFile(current);

        var result = await CliRunner.RunAsync("drift", "compare", "--reference", Reference, "--current", file.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--threshold", "psi=abc", "'abc' is not a number")]
    [InlineData("--threshold", "psy=0.3", "unknown threshold 'psy'")]
    [InlineData("--threshold", "psi_warning=0.5", "must not exceed")]
    [InlineData("--bins", "1", "--bins must be at least 2")]
    public async Task Bad_options_are_named(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync("drift", "compare", "--reference", Reference, "--current", Current, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    private static void AssertRelative(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-9 * Math.Abs(expected), $"expected {expected}, got {actual}");
}
