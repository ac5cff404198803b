using CsCheck;
using StreamingCL.Statistics.Interleaving;
using StreamingCL.Statistics.Tests.Reference;

namespace StreamingCL.Statistics.Tests.Interleaving;

/// <summary>
/// Team-draft interleaving against mpkato/interleaving's tests/test_team_draft.py (the sets of
/// possible interleavings and the evaluation cases), plus the method's invariants.
/// </summary>
public sealed class TeamDraftInterleavingTests
{
    public static TheoryData<int[], int[], int, int[][]> PossibleInterleavings() => new()
    {
        { [1, 2], [2, 3], 2, [[1, 2], [2, 1]] },
        { [1, 2], [2, 3], 3, [[1, 2, 3], [2, 1, 3]] },
        { [1, 2], [2, 3], 4, [[1, 2, 3], [2, 1, 3]] },
        { [1, 2], [3, 4], 2, [[1, 3], [3, 1]] },
        { [1, 2], [3, 4], 3, [[1, 3, 2], [1, 3, 4], [3, 1, 2], [3, 1, 4]] },
    };

    [Theory]
    [MemberData(nameof(PossibleInterleavings))]
    public void Produces_exactly_the_interleavings_of_the_reference_tests(int[] a, int[] b, int maxLength, int[][] expected)
    {
        var seen = Enumerable.Range(0, 100)
            .Select(seed => string.Join(",", TeamDraftInterleaving.Interleave(a, b, maxLength, new Random(seed)).Items))
            .ToHashSet();
        Assert.Equal(expected.Select(e => string.Join(",", e)).ToHashSet(), seen);
    }

    [Fact]
    public void Records_the_team_of_each_item()
    {
        var list = TeamDraftInterleaving.Interleave([1, 2], [2, 3], 2, new Random(0));
        Assert.Equal(Team.A, list.Teams[list.Items.ToList().IndexOf(1)]);
        Assert.Equal(Team.B, list.Teams[list.Items.ToList().IndexOf(2)]);
    }

    [Fact]
    public void Credits_clicks_as_the_reference_evaluate_tests()
    {
        var two = new InterleavedList<int>([1, 2], [Team.A, Team.B]);
        Assert.Equal(InterleavingOutcome.Tie, two.Credit([0, 1]));
        Assert.Equal(InterleavingOutcome.AWins, two.Credit([0]));
        Assert.Equal(InterleavingOutcome.BWins, two.Credit([1]));
        Assert.Equal(InterleavingOutcome.Tie, two.Credit([]));

        var three = new InterleavedList<int>([1, 3, 4], [Team.A, Team.B, Team.B]);
        Assert.Equal(InterleavingOutcome.BWins, three.Credit([0, 1, 2]));
        Assert.Equal(InterleavingOutcome.Tie, three.Credit([0, 1]));
        Assert.Equal(InterleavingOutcome.Tie, three.Credit([0, 2]));
        Assert.Equal(InterleavingOutcome.BWins, three.Credit([1, 2]));
        Assert.Equal(InterleavingOutcome.AWins, three.Credit([0]));
        Assert.Equal(InterleavingOutcome.BWins, three.Credit([2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => three.Credit([3]));
    }

    [Fact]
    public void Keeps_the_draft_invariants_for_any_rankings() =>
        Gen.Select(Gen.Int[0, 30].Array[0, 20], Gen.Int[0, 30].Array[0, 20], Gen.Int[0, 45], Gen.Int).Sample((a, b, maxLength, seed) =>
        {
            int[] rankingA = [.. a.Distinct()], rankingB = [.. b.Distinct()];
            var list = TeamDraftInterleaving.Interleave(rankingA, rankingB, maxLength, new Random(seed));

            Assert.Equal(list.Items.Count, list.Items.Distinct().Count());
            Assert.Equal(Math.Min(maxLength, rankingA.Union(rankingB).Count()), list.Items.Count);
            foreach (var (ranking, team) in new[] { (rankingA, Team.A), (rankingB, Team.B) })
            {
                var picks = list.Items.Where((_, i) => list.Teams[i] == team).Select(item => Array.IndexOf(ranking, item)).ToList();
                Assert.DoesNotContain(-1, picks);
                Assert.Equal(picks.Order(), picks);
            }

            // While both rankings still had items to offer, the teams never differ by more than one pick.
            var bothAvailable = Math.Min(rankingA.Length, rankingB.Length);
            var difference = 0;
            for (var i = 0; i < Math.Min(list.Items.Count, bothAvailable); i++)
            {
                difference += list.Teams[i] == Team.A ? 1 : -1;
                Assert.InRange(difference, -1, 1);
            }
        });

    [Fact]
    public void Is_reproducible_with_a_seeded_generator()
    {
        int[] a = [.. Enumerable.Range(0, 20)], b = [.. Enumerable.Range(10, 20)];
        Assert.Equal(
            TeamDraftInterleaving.Interleave(a, b, 15, new Random(99)).Teams,
            TeamDraftInterleaving.Interleave(a, b, 15, new Random(99)).Teams);
    }

    [Fact]
    public void Sign_test_matches_scipy_binomtest()
    {
        foreach (var c in ReferenceData.Cases("distributions.json", "binomtest"))
        {
            long k = c.Long("k"), n = c.Long("n");
            var tally = new InterleavingTally();
            for (var i = 0; i < k; i++)
            {
                tally.Record(InterleavingOutcome.AWins);
            }

            for (var i = 0; i < n - k; i++)
            {
                tally.Record(InterleavingOutcome.BWins);
            }

            tally.Record(InterleavingOutcome.Tie);
            Assert.Equal(n + 1, tally.Impressions);
            Close.To(c.Number("pvalue"), tally.PValue, 1e-12, context: $"binomtest({k}, {n})");
        }
    }

    [Fact]
    public void A_served_list_needs_one_known_team_per_item()
    {
        Assert.Throws<ArgumentException>(() => new InterleavedList<int>([1, 2], [Team.A]));
        Assert.Throws<ArgumentException>(() => new InterleavedList<int>([1], [(Team)7]));
    }

    [Fact]
    public void A_tally_restored_from_its_counts_equals_the_recorded_one()
    {
        var recorded = new InterleavingTally();
        foreach (var outcome in new[] { InterleavingOutcome.AWins, InterleavingOutcome.BWins, InterleavingOutcome.BWins, InterleavingOutcome.BWins, InterleavingOutcome.Tie })
        {
            recorded.Record(outcome);
        }

        var restored = new InterleavingTally(aWins: 1, bWins: 3, ties: 1);
        Assert.Equal((recorded.AWins, recorded.BWins, recorded.Ties, recorded.PValue), (restored.AWins, restored.BWins, restored.Ties, restored.PValue));
        Assert.Equal(0.625, restored.PValue, 12); // 2 P(Binomial(4, 1/2) <= 1) = 2 * 5/16
        Assert.Throws<ArgumentOutOfRangeException>(() => new InterleavingTally(-1, 0, 0));
    }

    [Fact]
    public void Sign_test_ignores_ties_and_is_one_without_preferences()
    {
        var tally = new InterleavingTally();
        Assert.Equal(1.0, tally.PValue);
        tally.Record(InterleavingOutcome.Tie);
        Assert.Equal(1.0, tally.PValue);
        Assert.Equal(1, tally.Ties);
    }
}
