using StreamingCL.Cli.Simulation;

namespace StreamingCL.Cli.Tests;

public sealed class ClickConceptTests
{
    private const int Requests = 20_000;

    [Fact]
    public void After_the_change_users_click_unpopular_items_more_than_popular_ones()
    {
        static double ClickRateGap(double driftShare)
        {
            var requests = Sample(driftShare);
            double Rate(Func<Request, bool> which) => requests.Where(which).Average(request => request.ClickProbability);
            return Rate(request => request.Numeric["popularity"] > 0.7) - Rate(request => request.Numeric["popularity"] < 0.3);
        }

        Assert.True(ClickRateGap(0) > 0.2, $"{ClickRateGap(0)}"); // popular items get the clicks
        Assert.True(ClickRateGap(1) < -0.1, $"{ClickRateGap(1)}"); // the same features, other clicks: concept drift
    }

    [Theory]
    [InlineData(0.0, 12.0)]
    [InlineData(1.0, 3.0)]
    [InlineData(0.5, 7.5)] // half the users follow the new trend: a gradual drift, halfway
    public void Fresher_items_fill_the_feed_as_the_trend_changes(double driftShare, double meanFreshnessHours) =>
        Assert.InRange(Sample(driftShare).Average(request => request.Numeric["freshness_hours"]), meanFreshnessHours * 0.95, meanFreshnessHours * 1.05);

    [Fact]
    public void Requests_carry_every_declared_feature_and_a_probability()
    {
        Assert.All(Sample(0.5).Take(1000), request =>
        {
            Assert.Equal(ClickConcept.NumericFeatures.Order(), request.Numeric.Keys.Order());
            Assert.Equal(ClickConcept.CategoricalFeatures.Order(), request.Categorical.Keys.Order());
            Assert.InRange(request.ClickProbability, 0, 1);
        });
    }

    private static List<Request> Sample(double driftShare)
    {
        var random = new Random(11);
        return [.. Enumerable.Range(0, Requests).Select(_ => ClickConcept.Sample(random, driftShare))];
    }
}
