using System.Globalization;

namespace NetflixML.Learning.Data;

/// <summary>
/// Reads a simple comma-separated file with a header into a <see cref="TabularData"/>: the label column holds
/// 0/1, true/false or yes/no; every other column becomes numeric when all its non-empty values parse as numbers,
/// and categorical otherwise. Quoted fields with commas are supported; this is for benchmark files, not for the
/// messy raw data (Features/ ingests that).
/// </summary>
public static class CsvTableReader
{
    public static TabularData Read(string path, string labelColumn, TabularSchema? schema = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        using var reader = new StreamReader(path);
        var headerLine = reader.ReadLine() ?? throw new InvalidDataException($"{path}: the file is empty.");
        var header = Split(headerLine);
        for (var c = 0; c < header.Length; c++)
        {
            // Every column becomes a feature: the first one named again (by position) is refused.
            HeaderColumns.IndexOf(path, new ArraySegment<string>(header, 0, c + 1), header[c], StringComparison.Ordinal, message => new InvalidDataException(message));
        }

        var labelIndex = Array.IndexOf(header, labelColumn);
        if (labelIndex < 0)
        {
            throw new InvalidDataException($"{path}: no label column '{labelColumn}' (columns: {string.Join(", ", header)}).");
        }

        var raw = header.Select(_ => new List<string>()).ToArray();
        string? line;
        var lineNumber = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = Split(line);
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: {fields.Length} fields, the header has {header.Length}.");
            }

            for (var c = 0; c < fields.Length; c++)
            {
                raw[c].Add(fields[c]);
            }
        }

        var labels = raw[labelIndex].Select((v, i) => ParseLabel(v, path, i + 2)).ToArray();
        var builder = new TabularDataBuilder();
        for (var c = 0; c < header.Length; c++)
        {
            if (c == labelIndex)
            {
                continue;
            }

            var values = raw[c];
            var kind = schema?.Columns[schema.IndexOf(header[c])].Kind
                ?? (values.All(v => v.Length == 0 || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) ? ColumnKind.Numeric : ColumnKind.Categorical);
            if (kind == ColumnKind.Numeric)
            {
                builder.AddNumeric(header[c], values.Select(v => v.Length == 0 ? double.NaN : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : double.NaN).ToArray());
            }
            else
            {
                builder.AddCategorical(header[c], values.Select(v => v.Length == 0 ? null : v).ToArray());
            }
        }

        return builder.WithLabels(labels).Build();
    }

    private static float ParseLabel(string value, string path, int line) => value.Trim().ToUpperInvariant() switch
    {
        "1" or "1.0" or "TRUE" or "YES" or "Y" => 1f,
        "0" or "0.0" or "FALSE" or "NO" or "N" => 0f,
        _ => throw new InvalidDataException($"{path}:{line}: label '{value}' is not 0/1, true/false or yes/no."),
    };

    private static string[] Split(string line)
    {
        if (!line.Contains('"', StringComparison.Ordinal))
        {
            return line.Split(',');
        }

        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        fields.Add(current.ToString());
        return [.. fields];
    }
}
