namespace StreamingCL.Statistics.Interleaving;

/// <summary>Which of the two compared rankers contributed an item.</summary>
public enum Team
{
    /// <summary>The first ranking.</summary>
    A = 0,

    /// <summary>The second ranking.</summary>
    B = 1,
}

/// <summary>Which ranker an impression's clicks preferred.</summary>
public enum InterleavingOutcome
{
    /// <summary>As many clicks on both teams' items (including no click).</summary>
    Tie = 0,

    /// <summary>More clicks on team A's items.</summary>
    AWins = 1,

    /// <summary>More clicks on team B's items.</summary>
    BWins = 2,
}

/// <summary>An interleaved result list, remembering which team contributed each position.</summary>
/// <typeparam name="T">Item identifier.</typeparam>
public sealed class InterleavedList<T>
{
    private readonly T[] _items;
    private readonly Team[] _teams;

    /// <summary>
    /// A list as it was served, with the team of each position: clicks are usually credited in
    /// another process than the one that interleaved (from the served list logged with its teams).
    /// </summary>
    /// <param name="items">The items shown, in order.</param>
    /// <param name="teams">The team that contributed the item at each position.</param>
    public InterleavedList(IReadOnlyList<T> items, IReadOnlyList<Team> teams)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(teams);
        if (items.Count != teams.Count)
        {
            throw new ArgumentException($"Got {items.Count} items but {teams.Count} teams.", nameof(teams));
        }

        foreach (var team in teams)
        {
            if (!Enum.IsDefined(team))
            {
                throw new ArgumentException($"Unknown team {team}.", nameof(teams));
            }
        }

        _items = [.. items];
        _teams = [.. teams];
    }

    /// <summary>The items to show, in order.</summary>
    public IReadOnlyList<T> Items => _items;

    /// <summary>The team that contributed the item at each position.</summary>
    public IReadOnlyList<Team> Teams => _teams;

    /// <summary>
    /// Credits the clicks (positions in <see cref="Items"/>) to the teams that contributed the
    /// clicked items: the team with more clicks wins the impression.
    /// </summary>
    public InterleavingOutcome Credit(ReadOnlySpan<int> clickedPositions)
    {
        var balance = 0;
        foreach (var position in clickedPositions)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(position, nameof(clickedPositions));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, _items.Length, nameof(clickedPositions));
            balance += _teams[position] == Team.A ? 1 : -1;
        }

        return balance > 0 ? InterleavingOutcome.AWins : balance < 0 ? InterleavingOutcome.BWins : InterleavingOutcome.Tie;
    }
}

/// <summary>
/// Team-draft interleaving (Radlinski, Kurup and Joachims, "How does clickthrough data reflect
/// retrieval quality?", CIKM 2008), as mpkato/interleaving's TeamDraft: the team with fewer picks
/// (a fair coin when even) adds its highest-ranked item not yet shown; a team whose ranking is
/// exhausted drops out and the other continues, up to the requested length.
/// </summary>
public static class TeamDraftInterleaving
{
    /// <summary>Interleaves two rankings; <paramref name="random"/> (seed it for reproducibility) tosses the coins.</summary>
    public static InterleavedList<T> Interleave<T>(
        IReadOnlyList<T> rankingA,
        IReadOnlyList<T> rankingB,
        int maxLength,
        Random random,
        IEqualityComparer<T>? comparer = null)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(rankingA);
        ArgumentNullException.ThrowIfNull(rankingB);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);

        var shown = new HashSet<T>(comparer);
        var items = new List<T>(maxLength);
        var teams = new List<Team>(maxLength);
        int nextA = 0, nextB = 0, picksA = 0, picksB = 0;
        while (items.Count < maxLength)
        {
            // Skip items the other team already contributed; a team with none left drops out.
            nextA = NextUnshown(rankingA, nextA, shown);
            nextB = NextUnshown(rankingB, nextB, shown);
            bool aAvailable = nextA < rankingA.Count, bAvailable = nextB < rankingB.Count;
            if (!aAvailable && !bAvailable)
            {
                break;
            }

            var pickA = aAvailable && (!bAvailable || picksA < picksB || (picksA == picksB && random.Next(2) == 0));
            var item = pickA ? rankingA[nextA] : rankingB[nextB];
            shown.Add(item);
            items.Add(item);
            teams.Add(pickA ? Team.A : Team.B);
            if (pickA)
            {
                picksA++;
            }
            else
            {
                picksB++;
            }
        }

        return new InterleavedList<T>([.. items], [.. teams]);
    }

    private static int NextUnshown<T>(IReadOnlyList<T> ranking, int index, HashSet<T> shown)
    {
        while (index < ranking.Count && shown.Contains(ranking[index]))
        {
            index++;
        }

        return index;
    }
}
