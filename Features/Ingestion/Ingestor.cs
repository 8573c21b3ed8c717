using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using NetflixML.Features.Schema;
using NetflixML.Features.Storage;

namespace NetflixML.Features.Ingestion;

/// <summary>
/// Raw CSV folder -> SQLite bronze / silver / gold, with quarantine and a quality report.
/// The database is built in a temporary file and renamed over the old one only when complete, so a reader never
/// sees half a load, a failed load leaves the previous database in place, and re-running on the same input gives
/// the same tables (nothing is appended twice).
/// </summary>
public static class Ingestor
{
    public const string QualityReportFileName = "quality-report.json";

    /// <summary>
    /// Loads the CSVs of <paramref name="rawFolder"/> into a new database at <paramref name="databasePath"/>, replacing
    /// it only once every table is built. <paramref name="time"/> is the clock (the system's unless a test fixes it): an
    /// event dated more than a day after the ingest is impossible (see <see cref="Schema.ColumnSpec.NotAfterIngest"/>).
    /// </summary>
    public static QualityReport Ingest(string rawFolder, string databasePath, IProgress<string>? progress = null, TimeProvider? time = null)
    {
        var clock = Stopwatch.StartNew();
        var ingestedAt = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var (files, ignored) = FindFiles(rawFolder);
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        Directory.CreateDirectory(directory);
        DeleteAbandonedBuilds(databasePath);
        var temp = databasePath + TempMarker + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        DeleteDatabaseFiles(temp);
        QualityReport report;
        try
        {
            using (var db = SqliteDatabase.Open(temp, pooling: false))
            {
                db.Execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;");
                using var tx = db.BeginTransaction();
                CreateCatalogTables(db, tx);
                var tables = new List<TableQuality>();
                var knownKeys = new Dictionary<string, HashSet<string>>();
                foreach (var table in RawSchema.Tables)
                {
                    TableLoader.CreateTables(db, tx, table);
                    if (!files.TryGetValue(table.Name, out var path))
                    {
                        tables.Add(new TableQuality { Name = table.Name });
                        continue;
                    }

                    progress?.Report($"loading {Path.GetFileName(path)}");
                    var loader = new TableLoader(db, tx, table, knownKeys, ingestedAt);
                    var quality = loader.Load(path);
                    knownKeys[table.Name] = loader.LoadedKeys;
                    tables.Add(quality);
                }

                progress?.Report("imputing missing values");
                tables = tables.Select(t => t with { Missing = Impute(db, tx, RawSchema.Get(t.Name), t.Source is not null) }).ToList();
                progress?.Report("building gold tables");
                GoldTables.Build(db, tx);
                report = new QualityReport(tables, tables.Sum(t => t.Quarantined), Math.Round(clock.Elapsed.TotalSeconds, 3)) { IgnoredFiles = ignored };
                using (var meta = db.CreateCommand())
                {
                    meta.Transaction = tx;
                    meta.CommandText = $"INSERT INTO {SqliteDatabase.MetaTable} (key, value) VALUES ('ingested_at', $at), ('raw_folder', $raw), ('quality_report', $report)";
                    meta.Parameters.AddWithValue("$at", ingestedAt.ToString("O", CultureInfo.InvariantCulture));
                    meta.Parameters.AddWithValue("$raw", Path.GetFullPath(rawFolder));
                    meta.Parameters.AddWithValue("$report", report.ToJson());
                    meta.ExecuteNonQuery();
                }

                tx.Commit();
                db.Execute("PRAGMA journal_mode = DELETE;");
            }

            SqliteConnection.ClearAllPools();
            File.Move(temp, databasePath, overwrite: true);
        }
        catch
        {
            DeleteDatabaseFiles(temp);
            throw;
        }

        File.WriteAllText(Path.Combine(directory, QualityReportFileName), report.ToJson());
        return report;
    }

    /// <summary>
    /// The schema tables present in the folder, and the CSV files no table reads; fails when the folder, or a table
    /// another needs, is missing. A file's name is matched ignoring case (Users.csv is users.csv, as a column's name is
    /// matched), and a name that is not the schema's is reported with the one it is nearest: before, a Reviews.csv or a
    /// misspelt watch_histroy.csv was passed over without a word and its table left empty.
    /// </summary>
    public static (Dictionary<string, string> Files, List<IgnoredFile> Ignored) FindFiles(string rawFolder)
    {
        if (InputPaths.FolderProblem(rawFolder) is { } problem)
        {
            throw new DataInputException(problem == InputPaths.Missing
                ? $"Raw data folder '{rawFolder}' does not exist. Run `dotnet run --project Training -- generate --out {rawFolder}` or pass --raw with your own CSV folder."
                : $"Raw data folder '{rawFolder}' {problem}: pass the folder that holds the CSV files.");
        }

        var present = Directory.GetFiles(rawFolder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var files = new Dictionary<string, string>();
        foreach (var table in RawSchema.Tables)
        {
            var matches = present.Where(f => f.Equals(table.FileName, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count > 1)
            {
                throw new DataInputException($"Raw data folder '{rawFolder}' has {string.Join(" and ", matches)}, which differ only in case; keep the one that holds {table.Name}.");
            }

            if (matches.Count == 1)
            {
                files[table.Name] = Path.Combine(rawFolder, matches[0]);
            }
        }

        var known = RawSchema.Tables.Select(t => t.FileName).ToList();
        var ignored = present
            .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !files.ContainsValue(Path.Combine(rawFolder, f)))
            .Select(f => new IgnoredFile(f, NameSuggestion.Closest(f, known) is { } near
                ? $"not a file of the schema; did you mean {near}?"
                : $"not a file of the schema ({string.Join(", ", known)})"))
            .ToList();

        if (files.Count == 0)
        {
            throw new DataInputException($"Raw data folder '{rawFolder}' has none of the expected files: {string.Join(", ", RawSchema.Tables.Select(t => t.FileName))}.");
        }

        foreach (var table in RawSchema.Tables.Where(t => files.ContainsKey(t.Name)))
        {
            foreach (var dependency in table.Dependencies.Where(d => !files.ContainsKey(d)))
            {
                throw new DataInputException($"{table.FileName} references {dependency}, but {RawSchema.Get(dependency).FileName} is missing from '{rawFolder}'.");
            }
        }

        return (files, ignored);
    }

    private static void CreateCatalogTables(SqliteConnection db, SqliteTransaction tx)
    {
        db.Execute($"CREATE TABLE {SqliteDatabase.MetaTable} (key TEXT PRIMARY KEY, value TEXT)", tx);
        db.Execute("CREATE TABLE loads (load_id TEXT NOT NULL, table_name TEXT NOT NULL, source_file TEXT NOT NULL, rows_read INTEGER NOT NULL, sha256 TEXT NOT NULL)", tx);
        db.Execute("CREATE TABLE quarantine (load_id TEXT NOT NULL, table_name TEXT NOT NULL, source_file TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL, raw_row TEXT)", tx);
        db.Execute("CREATE TABLE imputations (table_name TEXT NOT NULL, column_name TEXT NOT NULL, strategy TEXT NOT NULL, missing_before INTEGER NOT NULL, missing_after INTEGER NOT NULL)", tx);
    }

    /// <summary>Fills missing silver values by each column's rule, and counts missing values before and after.</summary>
    private static IReadOnlyDictionary<string, MissingCount> Impute(SqliteConnection db, SqliteTransaction tx, TableSpec table, bool present)
    {
        var result = new SortedDictionary<string, MissingCount>(StringComparer.Ordinal);
        if (!present)
        {
            return result;
        }

        var silver = TableLoader.SilverTable(table);
        foreach (var (column, name) in TableLoader.SilverColumns(table))
        {
            if (column.Required || column.Personal)
            {
                continue;
            }

            var before = db.Scalar<long>($"SELECT count(*) FROM {silver} WHERE \"{name}\" IS NULL", tx);
            var rule = ImputationRule.All.FirstOrDefault(r => r.Table == table.Name && r.Column == name)
                ?? new ImputationRule(table.Name, name, ImputationKind.None, Reason: "no rule for this column");
            if (before == 0)
            {
                continue;
            }

            if (before > 0)
            {
                Fill(db, tx, silver, name, column.Type, rule);
            }

            var after = db.Scalar<long>($"SELECT count(*) FROM {silver} WHERE \"{name}\" IS NULL", tx);
            result[name] = new MissingCount(before, after, rule.Describe());
            using var record = db.CreateCommand();
            record.Transaction = tx;
            record.CommandText = "INSERT INTO imputations VALUES ($t, $c, $s, $b, $a)";
            record.Parameters.AddWithValue("$t", table.Name);
            record.Parameters.AddWithValue("$c", name);
            record.Parameters.AddWithValue("$s", rule.Describe());
            record.Parameters.AddWithValue("$b", before);
            record.Parameters.AddWithValue("$a", after);
            record.ExecuteNonQuery();
        }

        return result;
    }

    private static void Fill(SqliteConnection db, SqliteTransaction tx, string silver, string column, ColumnType type, ImputationRule rule)
    {
        var c = $"\"{column}\"";
        var round = type is ColumnType.Integer or ColumnType.Boolean;
        switch (rule.Kind)
        {
            case ImputationKind.None:
                return;
            case ImputationKind.Constant:
                using (var command = db.CreateCommand())
                {
                    command.Transaction = tx;
                    command.CommandText = $"UPDATE {silver} SET {c} = $v WHERE {c} IS NULL";
                    command.Parameters.AddWithValue("$v", rule.Constant);
                    command.ExecuteNonQuery();
                }

                return;
            case ImputationKind.Mode:
                db.Execute($"UPDATE {silver} SET {c} = (SELECT {c} FROM {silver} WHERE {c} IS NOT NULL GROUP BY {c} ORDER BY count(*) DESC, {c} LIMIT 1) WHERE {c} IS NULL", tx);
                return;
            case ImputationKind.Median:
                var median = Median(db, tx, silver, column, null, null);
                if (median is not null)
                {
                    db.Execute($"UPDATE {silver} SET {c} = {Literal(median.Value, round)} WHERE {c} IS NULL", tx);
                }

                return;
            case ImputationKind.MedianByGroup:
                var overall = Median(db, tx, silver, column, null, null);
                var groups = new List<object?>();
                using (var command = db.CreateCommand())
                {
                    command.Transaction = tx;
                    command.CommandText = $"SELECT DISTINCT \"{rule.GroupBy}\" FROM {silver} WHERE {c} IS NULL ORDER BY 1";
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        groups.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
                    }
                }

                foreach (var group in groups)
                {
                    // A group with no observed values falls back to the overall median.
                    var value = Median(db, tx, silver, column, rule.GroupBy, group) ?? overall;
                    if (value is null)
                    {
                        continue;
                    }

                    using var command = db.CreateCommand();
                    command.Transaction = tx;
                    command.CommandText = group is null
                        ? $"UPDATE {silver} SET {c} = {Literal(value.Value, round)} WHERE {c} IS NULL AND \"{rule.GroupBy}\" IS NULL"
                        : $"UPDATE {silver} SET {c} = {Literal(value.Value, round)} WHERE {c} IS NULL AND \"{rule.GroupBy}\" = $g";
                    command.Parameters.AddWithValue("$g", group ?? DBNull.Value);
                    command.ExecuteNonQuery();
                }

                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule.Kind, "Unknown imputation.");
        }
    }

    private static double? Median(SqliteConnection db, SqliteTransaction tx, string silver, string column, string? groupBy, object? group)
    {
        var c = $"\"{column}\"";
        var where = groupBy is null ? string.Empty : group is null ? $" AND \"{groupBy}\" IS NULL" : $" AND \"{groupBy}\" = $g";
        using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT {c} FROM {silver} WHERE {c} IS NOT NULL{where} ORDER BY {c} LIMIT 2 - (SELECT count(*) FROM {silver} WHERE {c} IS NOT NULL{where}) % 2 OFFSET (SELECT (count(*) - 1) / 2 FROM {silver} WHERE {c} IS NOT NULL{where})";
        command.Parameters.AddWithValue("$g", group ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        double sum = 0;
        var n = 0;
        while (reader.Read())
        {
            sum += reader.GetDouble(0);
            n++;
        }

        return n == 0 ? null : sum / n;
    }

    private static string Literal(double value, bool round) =>
        round ? Math.Round(value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);

    private const string TempMarker = ".tmp-";

    /// <summary>
    /// Removes the half-built databases of ingests that were killed (each builds in "netflix.db.tmp-PID", which a
    /// killed one leaves behind, a few hundred MB at scale 10, and which no later ingest, having another process id,
    /// would touch). A build whose process is still running is left alone: it is another ingest into the same file.
    /// </summary>
    private static void DeleteAbandonedBuilds(string databasePath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        var prefix = Path.GetFileName(databasePath) + TempMarker;
        foreach (var file in Directory.GetFiles(directory, prefix + "*"))
        {
            var id = Path.GetFileName(file)[prefix.Length..].Split('-')[0];
            if (int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId && !IsRunning(pid))
            {
                File.Delete(file);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void DeleteDatabaseFiles(string path)
    {
        foreach (var suffix in new[] { string.Empty, "-journal", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
