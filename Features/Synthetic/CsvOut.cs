using System.Globalization;
using System.Text;

namespace NetflixML.Features.Synthetic;

/// <summary>
/// Writes one CSV file row by row (so large tables stream), quoting as RFC 4180 requires, and formats values
/// the way the public dataset does (pandas style: "43.0", "True", "2024-04-08").
/// </summary>
internal sealed class CsvOut : IDisposable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly StreamWriter _writer;
    private readonly string[] _row;
    private int _column;

    public CsvOut(string path, IEnumerable<string> header)
    {
        _writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        var names = header.ToArray();
        _row = new string[names.Length];
        _writer.WriteLine(string.Join(',', names));
    }

    public long Rows { get; private set; }

    public CsvOut Add(string? value)
    {
        _row[_column++] = value ?? string.Empty;
        return this;
    }

    /// <summary>A float as pandas writes it: shortest round-trip digits, with ".0" on whole numbers; NaN is empty.</summary>
    public CsvOut Add(double value) => Add(Float(value));

    public CsvOut Add(int value) => Add(value.ToString(Inv));

    public CsvOut Add(bool value) => Add(value ? "True" : "False");

    public CsvOut AddDate(DateTime value) => Add(value.ToString("yyyy-MM-dd", Inv));

    public CsvOut AddDateTime(DateTime value) => Add(value.ToString("yyyy-MM-dd HH:mm:ss", Inv));

    /// <summary>Ends the row being built and writes it.</summary>
    public string[] End()
    {
        if (_column != _row.Length)
        {
            throw new InvalidOperationException($"Row has {_column} values, header has {_row.Length}.");
        }

        WriteRow(_row);
        _column = 0;
        return _row;
    }

    /// <summary>Writes a row that was built before (used for the planted duplicate rows).</summary>
    public void WriteRow(IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                _writer.Write(',');
            }

            WriteField(values[i]);
        }

        _writer.Write('\n');
        Rows++;
    }

    public static string Float(double value)
    {
        if (double.IsNaN(value))
        {
            return string.Empty;
        }

        var s = value.ToString("R", Inv);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('E', StringComparison.Ordinal) ? s : s + ".0";
    }

    private void WriteField(string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\n\r") < 0)
        {
            _writer.Write(value);
            return;
        }

        _writer.Write('"');
        _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }

    public void Dispose() => _writer.Dispose();
}
