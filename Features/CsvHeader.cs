namespace NetflixML.Features;

/// <summary>Finds the columns a reader needs in a CSV header, matched ignoring case.</summary>
public static class CsvHeader
{
    /// <summary>
    /// The index of <paramref name="name"/> in <paramref name="header"/>, or -1 when it is absent. A header that names
    /// the column twice is refused: which of the two holds the data would be a guess, and reading either would
    /// silently drop the other.
    /// </summary>
    public static int IndexOf(string file, IReadOnlyList<string> header, string name)
    {
        var found = -1;
        for (var i = 0; i < header.Count; i++)
        {
            if (!string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (found >= 0)
            {
                throw new DataInputException($"{file}: the header names column '{name}' twice (fields {found + 1} and {i + 1}); keep one and try again.");
            }

            found = i;
        }

        return found;
    }
}
