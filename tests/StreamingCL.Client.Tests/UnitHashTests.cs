namespace StreamingCL.Client.Tests;

public sealed class UnitHashTests
{
    [Theory]
    // Expected points computed independently (Python): FNV-1a 64 of UTF-8 "salt:unit", fmix64, top 53 bits / 2^53.
    [InlineData("rollout:m:2", "user-42", 0.25021008130877975)]
    [InlineData("exp", "ü-unit", 0.2826054363199767)]
    public void A_units_point_is_the_documented_hash_so_every_process_and_language_agrees(string salt, string unit, double expected) =>
        Assert.Equal(expected, UnitHash.Point(UnitHash.Prefix(salt), unit));

    [Fact]
    public void Points_are_uniform_over_the_unit_interval()
    {
        var prefix = UnitHash.Prefix("uniformity");
        var counts = new int[10];
        for (var unit = 0; unit < 100_000; unit++)
        {
            counts[(int)(UnitHash.Point(prefix, $"u{unit}") * 10)]++;
        }

        // Chi-square with 9 degrees of freedom: 27.88 is its 0.999 quantile.
        var chiSquare = counts.Sum(count => Math.Pow(count - 10_000, 2) / 10_000);
        Assert.InRange(chiSquare, 0, 27.88);
    }
}
