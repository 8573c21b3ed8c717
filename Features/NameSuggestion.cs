namespace NetflixML.Features;

/// <summary>The name someone most likely meant when they gave one that is not there ("sesions7d", "cuont", "watch_histroy.csv").</summary>
public static class NameSuggestion
{
    /// <summary>The candidate nearest <paramref name="name"/> (ignoring case), when it is within a typo's reach.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        var closest = candidates.Select(c => (Name: c, Distance: EditDistance(name.ToLowerInvariant(), c.ToLowerInvariant())))
            .OrderBy(c => c.Distance).FirstOrDefault();
        return closest.Name is not null && closest.Distance <= Math.Max(2, name.Length / 4) ? closest.Name : null;
    }

    // Levenshtein distance: insertions, deletions and substitutions each cost 1.
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
