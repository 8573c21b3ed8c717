namespace NetflixML.Features;

/// <summary>
/// Recognises a CSV saved with another field separator, as a spreadsheet with a European locale does (';', or a
/// tab): read with commas, its header is a single field, and "no column user_id" would not say why.
/// </summary>
public static class CsvSeparator
{
    /// <summary>The error for <paramref name="file"/> when its header is one field holding ';', a tab or '|'; otherwise null.</summary>
    public static DataInputException? Foreign(string file, IReadOnlyList<string> header)
    {
        var separator = header.Count == 1 ? new[] { ';', '\t', '|' }.FirstOrDefault(header[0].Contains) : '\0';
        return separator == '\0'
            ? null
            : new DataInputException($"{file}: the header is one field separated by {(separator == '\t' ? "a tab" : $"'{separator}'")}, not by commas; save the file as comma-separated CSV and try again (header: {header[0]}).");
    }
}
