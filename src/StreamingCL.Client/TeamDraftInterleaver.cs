using StreamingCL.Kafka.Events;
using StreamingCL.Statistics.Interleaving;

namespace StreamingCL.Client;

/// <summary>
/// Team-draft interleaving for comparing two ranking models on live traffic: merges their rankings
/// into the one list a user sees, remembering which ranker (team) contributed each item, so that
/// clicks can be credited to a ranker. The draft is the statistics library's
/// (<see cref="TeamDraftInterleaving"/>); this class decides its coin flips from the unit, so the
/// same unit and rankings always give the same list, in every process.
/// </summary>
/// <remarks>
/// Log the served list with its teams (<see cref="InterleavedRanking.ToRankedItems"/> as the
/// prediction's ranking) and the clicks as feedback (clicked items): the experiment processor
/// credits each impression to the team with more clicks and tests the preference.
/// </remarks>
public sealed class TeamDraftInterleaver
{
    private readonly ulong _saltPrefix;

    /// <summary>Creates an interleaver whose coin flips are salted by <paramref name="salt"/> (e.g. the experiment id).</summary>
    public TeamDraftInterleaver(string salt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(salt);
        _saltPrefix = UnitHash.Prefix(salt);
    }

    /// <summary>
    /// Interleaves two rankings for a unit: the coin flips are seeded by the unit's stable hash
    /// under the salt. Pass a request id instead of a unit id for fresh flips per impression.
    /// </summary>
    /// <param name="unitId">The randomisation key.</param>
    /// <param name="rankingA">Ranking of the first ranker (team A), best first.</param>
    /// <param name="rankingB">Ranking of the second ranker (team B), best first.</param>
    /// <param name="maxLength">Longest list to return.</param>
    public InterleavedRanking Interleave(string unitId, IReadOnlyList<string> rankingA, IReadOnlyList<string> rankingB, int maxLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(unitId);
        var point = UnitHash.Point(_saltPrefix, unitId);
        return Interleave(rankingA, rankingB, maxLength, (int)(point * int.MaxValue));
    }

    /// <summary>Interleaves two rankings with coin flips from <paramref name="seed"/> (reproducible runs, tests).</summary>
    /// <param name="rankingA">Ranking of the first ranker (team A), best first.</param>
    /// <param name="rankingB">Ranking of the second ranker (team B), best first.</param>
    /// <param name="maxLength">Longest list to return.</param>
    /// <param name="seed">Seed of the coin flips.</param>
    public static InterleavedRanking Interleave(IReadOnlyList<string> rankingA, IReadOnlyList<string> rankingB, int maxLength, int seed)
    {
        ArgumentNullException.ThrowIfNull(rankingA);
        ArgumentNullException.ThrowIfNull(rankingB);
        if (rankingA.Concat(rankingB).Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Ranked item ids must not be empty.", nameof(rankingA));
        }

        return new InterleavedRanking(TeamDraftInterleaving.Interleave(rankingA, rankingB, maxLength, new Random(seed), StringComparer.Ordinal));
    }
}

/// <summary>An interleaved list: the items to show, in order, and the ranker that contributed each.</summary>
public sealed class InterleavedRanking
{
    private readonly InterleavedList<string> _list;
    private readonly Dictionary<string, int> _positions;
    private readonly InterleavingTeam[] _teams;

    internal InterleavedRanking(InterleavedList<string> list)
    {
        _list = list;
        _positions = list.Items.Select((item, position) => (item, position)).ToDictionary(pair => pair.item, pair => pair.position, StringComparer.Ordinal);
        _teams = [.. list.Teams.Select(team => team == Team.A ? InterleavingTeam.A : InterleavingTeam.B)];
    }

    /// <summary>The items to show, in order.</summary>
    public IReadOnlyList<string> Items => _list.Items;

    /// <summary>The ranker that contributed the item at each position.</summary>
    public IReadOnlyList<InterleavingTeam> Teams => _teams;

    /// <summary>The list as a prediction's ranking field: each item with its team.</summary>
    public IReadOnlyList<RankedItem> ToRankedItems() => [.. _list.Items.Zip(_teams, (item, team) => new RankedItem(item, team))];

    /// <summary>
    /// Which ranker the clicks preferred (the team whose items got more clicks), by the statistics
    /// library's team-draft credit; clicks on items not in the list count for nobody.
    /// </summary>
    public InterleavingOutcome Credit(IEnumerable<string> clickedItems)
    {
        ArgumentNullException.ThrowIfNull(clickedItems);
        var positions = clickedItems.Distinct(StringComparer.Ordinal)
            .Select(item => _positions.GetValueOrDefault(item, -1))
            .Where(position => position >= 0)
            .ToArray();
        return _list.Credit(positions);
    }
}
