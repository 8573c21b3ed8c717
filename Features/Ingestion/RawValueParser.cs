using System.Globalization;
using NetflixML.Features.Schema;

namespace NetflixML.Features.Ingestion;

/// <summary>
/// Parses one raw CSV field into the value stored in silver: long for integers and booleans (0/1), double for
/// reals, ISO text for dates. Empty means missing; anything else that does not parse is malformed (the row is
/// quarantined with the reason).
/// </summary>
public static class RawValueParser
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ"];

    /// <summary>True when the text stands for a missing value (empty, or the NaN spellings pandas and others write).</summary>
    public static bool IsMissing(string? raw) =>
        raw is null || raw.Length == 0 || raw.AsSpan().Trim().IsEmpty
        || raw.Trim() is "NaN" or "nan" or "NA" or "N/A" or "null" or "NULL" or "None";

    /// <summary>Parses <paramref name="raw"/>; returns false with a reason when it is malformed.</summary>
    public static bool TryParse(ColumnSpec column, string raw, out object? value, out string? error)
    {
        error = null;
        value = null;
        var text = raw.Trim();
        switch (column.Type)
        {
            case ColumnType.Text:
                value = text;
                return true;
            case ColumnType.Real:
                if (double.TryParse(text, NumberStyles.Float, Inv, out var real) && double.IsFinite(real))
                {
                    value = real;
                    return true;
                }

                error = $"'{column.Name}' is not a number: '{Shorten(raw)}'";
                return false;
            case ColumnType.Integer:
                if (double.TryParse(text, NumberStyles.Float, Inv, out var number) && double.IsFinite(number)
                    && Math.Abs(number - Math.Round(number)) < 1e-9 && Math.Abs(number) < 9e15)
                {
                    value = (long)Math.Round(number);
                    return true;
                }

                error = $"'{column.Name}' is not a whole number: '{Shorten(raw)}'";
                return false;
            case ColumnType.Boolean:
                switch (text.ToUpperInvariant())
                {
                    case "TRUE" or "1" or "YES" or "Y" or "T" or "1.0":
                        value = 1L;
                        return true;
                    case "FALSE" or "0" or "NO" or "N" or "F" or "0.0":
                        value = 0L;
                        return true;
                    default:
                        error = $"'{column.Name}' is not true/false: '{Shorten(raw)}'";
                        return false;
                }

            case ColumnType.Date:
            case ColumnType.DateTime:
                if (DateTime.TryParseExact(text, DateFormats, Inv, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
                    && date.Year is >= 1900 and <= 2100)
                {
                    value = column.Type == ColumnType.Date ? date.ToString("yyyy-MM-dd", Inv) : date.ToString("yyyy-MM-dd HH:mm:ss", Inv);
                    return true;
                }

                error = $"'{column.Name}' is not a date (yyyy-MM-dd{(column.Type == ColumnType.DateTime ? " [HH:mm:ss]" : string.Empty)}): '{Shorten(raw)}'";
                return false;
            default:
                throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown column type.");
        }
    }

    public static string SqlType(ColumnType type) => type switch
    {
        ColumnType.Integer or ColumnType.Boolean => "INTEGER",
        ColumnType.Real => "REAL",
        _ => "TEXT",
    };

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..37] + "...";
}
