namespace NetflixML.Learning.Data;

/// <summary>Finds a named column in a CSV header.</summary>
public static class HeaderColumns
{
    /// <summary>
    /// The index of <paramref name="name"/> in <paramref name="header"/> under <paramref name="comparison"/>, or -1 when
    /// it is absent. A header that names the column twice is refused with the exception <paramref name="fail"/> makes of
    /// the message: which of the two holds the data would be a guess, and reading either would silently drop the other.
    /// </summary>
    public static int IndexOf(string file, IReadOnlyList<string> header, string name, StringComparison comparison, Func<string, Exception> fail)
    {
        var found = -1;
        for (var i = 0; i < header.Count; i++)
        {
            if (!string.Equals(header[i], name, comparison))
            {
                continue;
            }

            if (found >= 0)
            {
                throw fail($"{file}: the header names column '{name}' twice (fields {found + 1} and {i + 1}); keep one and try again.");
            }

            found = i;
        }

        return found;
    }
}
