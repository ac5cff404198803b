using StreamingCL.Kafka.Events;
using StreamingCL.Processors.Experiments;
using StreamingCL.Statistics.Interleaving;

namespace StreamingCL.Processors.Tests.Experiments;

public sealed class InterleavingTests : IDisposable
{
    private static readonly DateTimeOffset Start = ExperimentTraffic.Start;

    private readonly ExperimentTraffic _traffic = new(new ExperimentDefinition { Id = "ranking", Kind = ExperimentKind.Interleaving, Control = "A" });

    [Fact]
    public void Each_impression_is_credited_to_the_team_whose_items_got_more_clicks()
    {
        Impression([("x", InterleavingTeam.A), ("y", InterleavingTeam.B), ("z", InterleavingTeam.A)], "y");      // B
        Impression([("x", InterleavingTeam.B), ("y", InterleavingTeam.A)], "x", "y");                            // tie
        Impression([("x", InterleavingTeam.A), ("y", InterleavingTeam.B)], "x");                                 // A
        Impression([("x", InterleavingTeam.A), ("y", InterleavingTeam.B)], "y", "not-shown");                    // B: a click on an item not shown credits nobody
        Impression([("x", InterleavingTeam.A), ("y", InterleavingTeam.B)]);                                      // tie: no click
        Impression([("a", InterleavingTeam.A), ("b", InterleavingTeam.B), ("c", InterleavingTeam.B)], "b", "c", "a"); // B, 2 to 1
        _traffic.Tick(Start.AddMinutes(5));

        var metric = _traffic.Metrics().Latest("ranking", "B");
        Assert.Equal(("A", ExperimentKind.Interleaving, ExperimentVerdict.Continue), (metric.ControlVariant, metric.Kind, metric.Verdict));
        Assert.Equal((6, 3.0), (metric.Units, metric.MetricSum));
        Assert.Equal((3.0, 1.0, 2.0), (metric.Statistics["wins"], metric.Statistics["losses"], metric.Statistics["ties"]));
        Assert.Equal(new InterleavingTally(aWins: 1, bWins: 3, ties: 2).PValue, metric.Statistics["p_value"]);
        Assert.Equal(0.625, metric.Statistics["p_value"], 12); // two-sided sign test: 2 P(Binomial(4, 1/2) <= 1) = 10/16
    }

    [Fact]
    public void A_ranking_without_teams_or_with_an_item_twice_is_dead_lettered()
    {
        _traffic.Label("ranking", "u", null, Start, ranking: [new RankedItem("x", InterleavingTeam.A), new RankedItem("y")], clicked: ["x"]);
        _traffic.Label("ranking", "u", null, Start, ranking: [new RankedItem("x", InterleavingTeam.A), new RankedItem("x", InterleavingTeam.B)], clicked: ["x"]);
        _traffic.Label("ranking", "u", null, Start, clicked: ["x"]);

        var deadLetters = _traffic.DeadLetters();
        Assert.Equal([DeadLetterKind.MissingField, DeadLetterKind.InvalidValue, DeadLetterKind.MissingField], deadLetters.Select(letter => letter.ErrorKind));
        Assert.Contains("ranking[1].team", deadLetters[0].Reason);
    }

    public void Dispose() => _traffic.Dispose();

    private void Impression((string Item, InterleavingTeam Team)[] ranking, params string[] clicked) =>
        _traffic.Label("ranking", "u", null, Start, ranking: ranking.Select(item => new RankedItem(item.Item, item.Team)).ToList(), clicked: clicked);
}
