using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Data.Sqlite;
using NetflixML.Features.Schema;
using NetflixML.Features.Storage;

namespace NetflixML.Features.Ingestion;

/// <summary>
/// Loads one raw CSV file: every row goes to bronze as read (personal columns hashed or dropped), and then either
/// to silver (typed, validated, first copy only), or to the duplicate count, or to quarantine with its reason.
/// </summary>
internal sealed class TableLoader
{
    private readonly SqliteConnection _db;
    private readonly SqliteTransaction _tx;
    private readonly TableSpec _table;
    private readonly IReadOnlyDictionary<string, HashSet<string>> _knownKeys;
    private readonly Dictionary<string, long> _anomalies = [];

    // The table holds personal data: a malformed row's text is never quoted in a reason, nor its fields kept in clear.
    private readonly bool _personal;

    // The latest an event may be dated: a day after the ingest started, as stored text ("yyyy-MM-dd HH:mm:ss"), which
    // orders like the dates and date-times silver stores.
    private readonly string _latestEvent;

    public TableLoader(SqliteConnection db, SqliteTransaction tx, TableSpec table, IReadOnlyDictionary<string, HashSet<string>> knownKeys, DateTime ingestedAt)
    {
        _db = db;
        _tx = tx;
        _table = table;
        _knownKeys = knownKeys;
        _personal = table.Columns.Any(c => c.Personal);
        _latestEvent = ingestedAt.AddDays(1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>Keys loaded into silver, kept for the tables that reference this one.</summary>
    public HashSet<string> LoadedKeys { get; } = new(StringComparer.Ordinal);

    public static string BronzeTable(TableSpec table) => "bronze_" + table.Name;

    public static string SilverTable(TableSpec table) => "silver_" + table.Name;

    /// <summary>Silver column names: personal columns are dropped, except hashed ones which become `name_hash`.</summary>
    public static IEnumerable<(ColumnSpec Column, string Name)> SilverColumns(TableSpec table) =>
        table.Columns.Where(c => !c.Personal || c.Hash).Select(c => (c, c.Personal ? c.Name + "_hash" : c.Name));

    public static void CreateTables(SqliteConnection db, SqliteTransaction tx, TableSpec table)
    {
        var bronzeColumns = string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\" TEXT"));
        db.Execute($"CREATE TABLE {BronzeTable(table)} (load_id TEXT NOT NULL, source_file TEXT NOT NULL, line INTEGER NOT NULL, {bronzeColumns})", tx);
        var silverColumns = string.Join(", ", SilverColumns(table).Select(c => $"\"{c.Name}\" {RawValueParser.SqlType(c.Column.Type)}"));
        db.Execute($"CREATE TABLE {SilverTable(table)} (line INTEGER NOT NULL, {silverColumns})", tx);
    }

    public TableQuality Load(string path)
    {
        var fileName = Path.GetFileName(path);
        var loadId = FileHash(path)[..16];
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = true,
            DetectDelimiter = false,
            IgnoreBlankLines = false, // skipped by CsvLines, which counts every line
            MissingFieldFound = null,
            BadDataFound = args => _badData ??= _personal ? "malformed quoting" : $"malformed quoting near '{CsvLines.Shorten(args.Field)}'",
        };

        using var stream = File.OpenRead(path);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        using var parser = new CsvParser(reader, config);
        return LoadRows(parser, config, path, loadId);
    }

    private string? _badData;

    private TableQuality LoadRows(CsvParser parser, CsvConfiguration config, string path, string loadId)
    {
        var fileName = Path.GetFileName(path);
        var records = new CsvLines(parser, () =>
        {
            _badData = null;
            return parser.Read();
        }, path);
        if (!records.Next())
        {
            throw new DataInputException($"{fileName}: the file is empty; expected a header row with: {string.Join(", ", _table.Header)}.");
        }

        var header = parser.Record!.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        var columnIndex = new int[_table.Columns.Count];
        for (var c = 0; c < _table.Columns.Count; c++)
        {
            var column = _table.Columns[c];
            columnIndex[c] = CsvHeader.IndexOf(fileName, header, column.Name);
            if (columnIndex[c] < 0 && !column.OptionalInHeader)
            {
                throw CsvSeparator.Foreign(fileName, header)
                    ?? new DataInputException($"{fileName}: header lacks required column '{column.Name}' (header has: {string.Join(", ", header)}).");
            }
        }

        var ignored = header.Where(h => _table.IndexOf(h) < 0 && !_table.Columns.Any(c => string.Equals(c.Name, h, StringComparison.OrdinalIgnoreCase))).ToList();

        using var bronze = PrepareInsert(BronzeTable(_table), ["load_id", "source_file", "line", .. _table.Columns.Select(c => c.Name)]);
        var silverColumns = SilverColumns(_table).ToList();
        using var silver = PrepareInsert(SilverTable(_table), ["line", .. silverColumns.Select(c => c.Name)]);
        using var quarantine = PrepareInsert("quarantine", ["load_id", "table_name", "source_file", "line", "reason", "raw_row"]);

        var seen = new Dictionary<string, (long Line, ulong Content)>(StringComparer.Ordinal);
        var raw = new string?[_table.Columns.Count];
        var values = new object?[_table.Columns.Count];
        long read = 0, duplicates = 0, quarantined = 0, loaded = 0;
        var keyColumns = _table.Key.Select(_table.IndexOf).ToArray();
        var sb = new StringBuilder();

        // One record, starting on `line`: to bronze as read, then to silver, the duplicate count or quarantine.
        void Take(string[] record, long line, string? badData)
        {
            read++;
            var malformed = badData ?? (record.Length != header.Length ? $"expected {header.Length} fields, found {record.Length}" : null);
            // A malformed row's fields cannot be told apart: one field too many before the email put a last name in
            // the age column, kept in clear in bronze and quarantine. In a table with personal data each is hashed.
            var conceal = _personal && malformed is not null;
            for (var c = 0; c < raw.Length; c++)
            {
                var i = columnIndex[c];
                var value = i >= 0 && i < record.Length ? record[i] : null;
                var column = _table.Columns[c];
                raw[c] = column.Personal ? Mask(column, value) : conceal ? Hash(column, value) : value;
            }

            bronze.Bind(0, loadId).Bind(1, fileName).Bind(2, line);
            for (var c = 0; c < raw.Length; c++)
            {
                bronze.Bind(3 + c, raw[c]);
            }

            bronze.Run();

            var reason = malformed ?? Parse(raw, values);
            string? key = null;
            var firstCopy = false;
            if (reason is null)
            {
                sb.Clear();
                foreach (var k in keyColumns)
                {
                    sb.Append(Convert.ToString(values[k], CultureInfo.InvariantCulture)).Append('\u001f');
                }

                key = sb.ToString();
                var content = ContentHash(record);
                if (seen.TryGetValue(key, out var first))
                {
                    if (first.Content == content)
                    {
                        duplicates++;
                        return;
                    }

                    reason = $"conflicting duplicate: {string.Join("+", _table.Key)} '{key.TrimEnd('\u001f').Replace('\u001f', '+')}' was first loaded from line {first.Line} with different values";
                }
                else
                {
                    seen[key] = (line, content);
                    firstCopy = true;
                    reason = CheckReferences(values);
                }
            }

            if (reason is not null)
            {
                quarantine.Bind(0, loadId).Bind(1, _table.Name).Bind(2, fileName).Bind(3, line).Bind(4, reason)
                    .Bind(5, string.Join(",", raw.Select(v => v ?? string.Empty)));
                quarantine.Run();
                quarantined++;
                if (firstCopy)
                {
                    // A quarantined first copy must not make later identical rows count as duplicates:
                    // they are checked (and quarantined) in their own right.
                    seen.Remove(key!);
                }

                return;
            }

            ApplyRanges(values);
            silver.Bind(0, line);
            var s = 1;
            foreach (var (column, _) in silverColumns)
            {
                silver.Bind(s++, values[_table.IndexOf(column.Name)]);
            }

            silver.Run();
            loaded++;
            if (_table.Key.Count == 1)
            {
                LoadedKeys.Add((string)values[keyColumns[0]]!);
            }
        }

        while (records.Next())
        {
            var record = parser.Record!;
            var line = records.Line;
            if ((_badData is not null || record.Length != header.Length) && CsvLines.Of(parser.RawRecord) is { Count: > 1 } lines)
            {
                // A record that runs over several lines and is malformed is a stray quote, not a field with line breaks:
                // the quote opened a field that ran on to the next quote, or to the end of the file. Read as one record,
                // that swallowed every row after it (one row quarantined, the rest of the table lost, and every row of
                // other tables pointing at them quarantined too). Each line is taken on its own instead.
                for (var i = 0; i < lines.Count; i++)
                {
                    if (lines[i].Length > 0)
                    {
                        var (fields, problem) = ParseAlone(lines[i], config, header);
                        Take(fields, line + i, problem);
                    }
                }

                continue;
            }

            Take(record, line, _badData);
        }

        using (var load = PrepareInsert("loads", ["load_id", "table_name", "source_file", "rows_read", "sha256"]))
        {
            load.Bind(0, loadId).Bind(1, _table.Name).Bind(2, fileName).Bind(3, read).Bind(4, _lastFileHash);
            load.Run();
        }

        return new TableQuality
        {
            Name = _table.Name,
            Source = fileName,
            Read = read,
            Loaded = loaded,
            Duplicates = duplicates,
            Quarantined = quarantined,
            Anomalies = new SortedDictionary<string, long>(_anomalies, StringComparer.Ordinal),
            IgnoredColumns = ignored,
        };
    }

    private string? _lastFileHash;

    private string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        _lastFileHash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return _lastFileHash;
    }

    private string? Parse(string?[] raw, object?[] values)
    {
        for (var c = 0; c < raw.Length; c++)
        {
            var column = _table.Columns[c];
            values[c] = null;
            if (column.Personal)
            {
                values[c] = raw[c];
                continue;
            }

            if (RawValueParser.IsMissing(raw[c]))
            {
                if (column.Required)
                {
                    return $"missing required value '{column.Name}'";
                }

                continue;
            }

            if (!RawValueParser.TryParse(column, raw[c]!, out var value, out var error))
            {
                return error;
            }

            values[c] = value;
            if (column.Required && value is long or double && OutOfRange(column, Convert.ToDouble(value, CultureInfo.InvariantCulture)))
            {
                // A required value cannot be nulled and imputed: the row is unusable.
                return $"'{column.Name}' {raw[c]!.Trim()} is outside {column.ValidMin?.ToString(CultureInfo.InvariantCulture) ?? "-inf"}..{column.ValidMax?.ToString(CultureInfo.InvariantCulture) ?? "inf"}";
            }

            if (column.Required && AfterIngest(column, value))
            {
                return $"'{column.Name}' {value} is after the ingest (events up to {_latestEvent[..10]}): an event cannot be dated in the future";
            }
        }

        return null;
    }

    private static bool OutOfRange(ColumnSpec column, double x) => x < column.ValidMin || x > column.ValidMax;

    private bool AfterIngest(ColumnSpec column, object? value) =>
        column.NotAfterIngest && value is string date && string.CompareOrdinal(date, _latestEvent) > 0;

    private string? CheckReferences(object?[] values)
    {
        for (var c = 0; c < values.Length; c++)
        {
            var target = _table.Columns[c].References;
            if (target is not null && _knownKeys.TryGetValue(target, out var keys) && !keys.Contains((string)values[c]!))
            {
                return $"unknown {_table.Columns[c].Name} '{values[c]}' (not in {target})";
            }
        }

        return null;
    }

    /// <summary>Implausible values are nulled (and imputed later); extreme but plausible ones are kept. Both are counted.</summary>
    private void ApplyRanges(object?[] values)
    {
        for (var c = 0; c < values.Length; c++)
        {
            var column = _table.Columns[c];
            if (AfterIngest(column, values[c]))
            {
                Count(column.Name + "_after_ingest");
                values[c] = null;
                continue;
            }

            if (values[c] is null || (column.ValidMin is null && column.ValidMax is null && column.OutlierAbove is null))
            {
                continue;
            }

            var x = Convert.ToDouble(values[c], CultureInfo.InvariantCulture);
            if (OutOfRange(column, x))
            {
                Count(column.Name + "_out_of_range");
                values[c] = null;
            }
            else if (x > column.OutlierAbove)
            {
                Count(column.Name + "_outlier");
            }
        }
    }

    private void Count(string anomaly) => _anomalies[anomaly] = _anomalies.GetValueOrDefault(anomaly) + 1;

    /// <summary>Personal data never reaches the database in clear: hashed (salted SHA-256) or dropped.</summary>
    private static string? Mask(ColumnSpec column, string? value) => column.Hash ? Hash(column, value) : null;

    private static string? Hash(ColumnSpec column, string? value)
    {
        if (RawValueParser.IsMissing(value))
        {
            return null;
        }

        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("netflixml/" + column.Name + "/" + value!.Trim().ToLowerInvariant()));
        return Convert.ToHexStringLower(bytes)[..24];
    }

    private static ulong ContentHash(string[] record)
    {
        // FNV-1a over every field and a separator: identical rows hash equal; used only within one load.
        var hash = 14695981039346656037UL;
        foreach (var field in record)
        {
            foreach (var ch in field)
            {
                hash = (hash ^ ch) * 1099511628211UL;
            }

            hash = (hash ^ 0x1f) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>One line parsed as a record of its own, with why it is malformed (null when it is not).</summary>
    private (string[] Fields, string? Problem) ParseAlone(string line, CsvConfiguration config, string[] header)
    {
        _badData = null;
        using var parser = new CsvParser(new StringReader(line), config);
        var fields = parser.Read() ? parser.Record! : [];
        return (fields, CsvLines.QuoteProblem(line, header, showText: !_personal) ?? _badData);
    }

    private PreparedInsert PrepareInsert(string table, IReadOnlyList<string> columns) => new(_db, _tx, table, columns);

    /// <summary>An INSERT prepared once and bound per row.</summary>
    private sealed class PreparedInsert : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter[] _parameters;

        public PreparedInsert(SqliteConnection db, SqliteTransaction tx, string table, IReadOnlyList<string> columns)
        {
            _command = db.CreateCommand();
            _command.Transaction = tx;
            _command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
            _parameters = columns.Select((_, i) => _command.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
            _command.Prepare();
        }

        public PreparedInsert Bind(int index, object? value)
        {
            _parameters[index].Value = value ?? DBNull.Value;
            return this;
        }

        public void Run() => _command.ExecuteNonQuery();

        public void Dispose() => _command.Dispose();
    }
}
