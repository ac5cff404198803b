using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Interleaving;

namespace StreamingCL.Client.Tests;

public sealed class TeamDraftInterleaverTests
{
    private static readonly string[] RankingA = ["a1", "a2", "shared", "a4", "a5", "a6"];
    private static readonly string[] RankingB = ["b1", "shared", "b3", "b4", "b5", "b6"];

    [Fact]
    public void The_same_unit_or_seed_gives_the_same_list_in_any_instance_and_units_differ()
    {
        var first = new TeamDraftInterleaver("exp-1");
        var second = new TeamDraftInterleaver("exp-1");
        var otherSalt = new TeamDraftInterleaver("exp-2");

        Assert.Equal(Teams(first.Interleave("user-1", RankingA, RankingB, 6)), Teams(second.Interleave("user-1", RankingA, RankingB, 6)));
        Assert.Equal(Teams(TeamDraftInterleaver.Interleave(RankingA, RankingB, 6, seed: 11)), Teams(TeamDraftInterleaver.Interleave(RankingA, RankingB, 6, seed: 11)));
        var lists = Enumerable.Range(0, 200).Select(unit => Teams(first.Interleave($"user-{unit}", RankingA, RankingB, 6))).Distinct().Count();
        Assert.True(lists >= 4, $"only {lists} distinct interleavings over 200 units");
        var changed = Enumerable.Range(0, 200).Count(unit => Teams(first.Interleave($"user-{unit}", RankingA, RankingB, 6)) != Teams(otherSalt.Interleave($"user-{unit}", RankingA, RankingB, 6)));
        Assert.True(changed > 50, $"a new salt changed only {changed} of 200 units' lists");
    }

    [Fact]
    public void Teams_draft_fairly_each_list_is_balanced_and_each_team_picks_first_half_the_time()
    {
        var interleaver = new TeamDraftInterleaver("fairness");
        var lists = Enumerable.Range(0, 4_000).Select(unit => interleaver.Interleave($"user-{unit}", RankingA, RankingB, 6)).ToList();

        Assert.All(lists, list =>
        {
            Assert.Equal(6, list.Items.Count);
            Assert.Equal(list.Items.Count, list.Items.Distinct().Count());
            Assert.InRange(list.Teams.Count(team => team == InterleavingTeam.A) - list.Teams.Count(team => team == InterleavingTeam.B), -1, 1);
            // A team adds its best item not yet shown: each team's picks keep its ranking's order.
            Assert.Equal(Picks(list, InterleavingTeam.A), RankingA.Where(Picks(list, InterleavingTeam.A).Contains));
            Assert.Equal(Picks(list, InterleavingTeam.B), RankingB.Where(Picks(list, InterleavingTeam.B).Contains));
        });
        var firstPickA = lists.Count(list => list.Teams[0] == InterleavingTeam.A) / 4_000.0;
        Assert.InRange(firstPickA, 0.47, 0.53);
    }

    [Fact]
    public void Clicks_are_credited_by_the_statistics_librarys_team_draft_credit_and_the_ranking_carries_the_teams()
    {
        var list = TeamDraftInterleaver.Interleave(RankingA, RankingB, 6, seed: 3);
        var ranked = list.ToRankedItems();
        var aItems = Picks(list, InterleavingTeam.A);
        var bItems = Picks(list, InterleavingTeam.B);
        var reference = new InterleavedList<string>(list.Items, [.. list.Teams.Select(team => team == InterleavingTeam.A ? Team.A : Team.B)]);

        Assert.Equal(list.Items, ranked.Select(item => item.ItemId));
        Assert.Equal(list.Teams, ranked.Select(item => item.Team!.Value));
        Assert.Equal(InterleavingOutcome.AWins, list.Credit([aItems[0], aItems[1], bItems[0]]));
        Assert.Equal(InterleavingOutcome.BWins, list.Credit([bItems[0], "never-shown", "never-shown-2"]));
        Assert.Equal(InterleavingOutcome.Tie, list.Credit([aItems[0], bItems[0], aItems[0]]));
        Assert.Equal(reference.Credit([list.Items.ToList().IndexOf(bItems[1])]), list.Credit([bItems[1]]));
    }

    [Fact]
    public void Empty_item_ids_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TeamDraftInterleaver.Interleave(["a", ""], ["b"], 2, seed: 1));
        Assert.Throws<ArgumentException>(() => new TeamDraftInterleaver(" "));
    }

    private static string Teams(InterleavedRanking list) => string.Join(",", list.Items.Zip(list.Teams, (item, team) => $"{item}:{team}"));

    private static List<string> Picks(InterleavedRanking list, InterleavingTeam team) =>
        [.. list.Items.Where((_, position) => list.Teams[position] == team)];
}
