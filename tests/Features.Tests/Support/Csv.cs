using System.Globalization;
using CsvHelper;

namespace NetflixML.Features.Tests.Support;

/// <summary>Reads a CSV written by the generator into header-keyed rows (small files only).</summary>
internal static class Csv
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string>(header.Length);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = csv.GetField(i) ?? string.Empty;
            }

            rows.Add(row);
        }

        return rows;
    }

    public static string[] Header(string path) => File.ReadLines(path).First().Split(',');
}
