using NetflixML.Learning.Data;

namespace NetflixML.Features;

/// <summary>Finds the columns a reader of raw data needs in a CSV header, matched ignoring case.</summary>
public static class CsvHeader
{
    /// <summary>
    /// The index of <paramref name="name"/> in <paramref name="header"/>, or -1 when it is absent; a header that names
    /// the column twice is bad input (<see cref="HeaderColumns.IndexOf"/>).
    /// </summary>
    public static int IndexOf(string file, IReadOnlyList<string> header, string name) =>
        HeaderColumns.IndexOf(file, header, name, StringComparison.OrdinalIgnoreCase, message => new DataInputException(message));
}
