namespace StreamingCL.Cli.Simulation;

/// <summary>
/// Ground truth of the simulated "trending now" feed: whether a user clicks the item shown. Before
/// the trend changes, popular items and news get the clicks; after it, users turn away from what
/// everyone has seen towards fresh sports and music (a concept drift: the same features, other
/// clicks), and the feed fills with fresher items (a covariate shift of freshness_hours).
/// </summary>
internal static class ClickConcept
{
    /// <summary>The model's name in the simulation.</summary>
    public const string Model = "ctr";

    public static readonly string[] NumericFeatures = ["popularity", "affinity", "freshness_hours", "position"];
    public static readonly string[] CategoricalFeatures = ["category", "device"];

    private static readonly string[] Categories = ["news", "sports", "music", "tech", "movies"];
    private static readonly string[] Devices = ["mobile", "desktop"];

    private static readonly Trend Before = new(Popularity: 3.0, CategoryEffects: [1.2, -1.2, 0.0, 0.6, -0.6], MeanFreshnessHours: 12);
    private static readonly Trend After = new(Popularity: -2.5, CategoryEffects: [-1.2, 1.4, 0.8, -0.6, 0.0], MeanFreshnessHours: 3);

    /// <summary>
    /// One request: its features and the probability that the user clicks. <paramref name="driftShare"/>
    /// is the share of users already following the new trend (0 before the change, 1 after it; in
    /// between during a gradual drift).
    /// </summary>
    public static Request Sample(Random random, double driftShare)
    {
        var trend = random.NextDouble() < driftShare ? After : Before;
        var category = random.Next(Categories.Length);
        var device = random.Next(Devices.Length);
        var popularity = random.NextDouble();
        var affinity = Gaussian(random);
        var freshness = -trend.MeanFreshnessHours * Math.Log(1 - random.NextDouble());
        var position = 1 + random.Next(10);
        var logit = 0.5 + (trend.Popularity * (popularity - 0.5)) + (1.3 * affinity) - (0.04 * freshness) - (0.08 * position)
            + trend.CategoryEffects[category] + (device == 0 ? 0.3 : 0);
        return new Request(
            new Dictionary<string, double> { ["popularity"] = popularity, ["affinity"] = affinity, ["freshness_hours"] = freshness, ["position"] = position },
            new Dictionary<string, string> { ["category"] = Categories[category], ["device"] = Devices[device] },
            1 / (1 + Math.Exp(-logit)));
    }

    /// <summary>The serving app's score before the model's first version: popular items first.</summary>
    public static double ColdStartScore(Request request) => request.Numeric["popularity"];

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed record Trend(double Popularity, double[] CategoryEffects, double MeanFreshnessHours);
}

/// <summary>A simulated request: the features the serving app sees and the true click probability it does not.</summary>
internal sealed record Request(Dictionary<string, double> Numeric, Dictionary<string, string> Categorical, double ClickProbability);
