using Microsoft.Data.Sqlite;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Storage;
using NetflixML.Features.Synthetic;
using NetflixML.Features.Tests.Support;

namespace NetflixML.Features.Tests.Ingestion;

[Collection(GeneratedDataCollection.Name)]
public sealed class GeneratedIngestionTests(GeneratedData data)
{
    [Fact]
    public void Every_row_read_is_loaded_counted_as_duplicate_or_quarantined()
    {
        foreach (var table in data.Report.Tables)
        {
            Assert.Equal(table.Read, table.Loaded + table.Duplicates + table.Quarantined);
        }

        Assert.Equal(10_000, data.Report.Table("users").Loaded);
        Assert.Equal(300, data.Report.Table("users").Duplicates);
        Assert.Equal(100_000, data.Report.Table("watch_history").Loaded);
        using var db = data.OpenDatabase();
        Assert.Equal(10_000, db.Scalar<long>("SELECT count(*) FROM gold_users"));
        Assert.Equal(10_300, db.Scalar<long>("SELECT count(*) FROM bronze_users"));
        Assert.Equal(0, db.Scalar<long>("SELECT count(*) FROM (SELECT user_id FROM silver_users GROUP BY user_id HAVING count(*) > 1)"));
    }

    [Fact]
    public void Quality_report_counts_missing_values_before_and_after_and_anomalies()
    {
        var users = data.Report.Table("users");
        Assert.InRange(users.Missing["age"].Before, 1_000, 1_500);
        Assert.Equal(0, users.Missing["age"].After);
        Assert.Equal("median", users.Missing["age"].Strategy);
        Assert.InRange(users.Anomalies["age_out_of_range"], 20, 150);
        Assert.True(users.Anomalies["monthly_spend_outlier"] > 0);
        var watch = data.Report.Table("watch_history");
        Assert.Equal(watch.Missing["user_rating"].Before, watch.Missing["user_rating"].After); // left missing on purpose
        var report = QualityReport.FromJson(File.ReadAllText(Path.Combine(Path.GetDirectoryName(data.DatabasePath)!, Ingestor.QualityReportFileName)));
        Assert.Equal(data.Report.Quarantined, report.Quarantined);
        Assert.Equal(users.Missing["age"], report.Table("users").Missing["age"]);
    }

    [Fact]
    public void Out_of_range_ages_are_nulled_then_imputed_in_silver()
    {
        using var db = data.OpenDatabase();
        Assert.Equal(0, db.Scalar<long>("SELECT count(*) FROM silver_users WHERE age < 5 OR age > 110 OR age IS NULL"));
        Assert.True(db.Scalar<long>("SELECT count(*) FROM bronze_users WHERE CAST(age AS REAL) < 5") > 0);
    }

    [Fact]
    public void Personal_data_is_absent_from_silver_and_gold_and_only_hashed_in_bronze()
    {
        var raw = Csv.Read(Path.Combine(data.RawFolder, "users.csv"));
        var emails = raw.Select(r => r["email"]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = raw.DistinctBy(r => r["user_id"]).ToDictionary(r => r["user_id"], r => (r["first_name"], r["last_name"]), StringComparer.Ordinal);
        using var db = data.OpenDatabase();
        var tables = Tables(db).Where(t => t.StartsWith("silver_", StringComparison.Ordinal) || t.StartsWith("gold_", StringComparison.Ordinal) || t.StartsWith("bronze_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tables);
        foreach (var table in tables)
        {
            var columns = Columns(db, table);
            if (!table.StartsWith("bronze_", StringComparison.Ordinal))
            {
                Assert.DoesNotContain(columns, c => c is "email" or "first_name" or "last_name");
            }

            using var command = db.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            using var reader = command.ExecuteReader();
            var userColumn = columns.IndexOf("user_id");
            var nameMatches = new int[columns.Count];
            var rows = 0;
            while (reader.Read())
            {
                rows++;
                (string First, string Last) person = default;
                var hasPerson = table.EndsWith("_users", StringComparison.Ordinal) && userColumn >= 0 && names.TryGetValue(reader.GetString(userColumn), out person);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i) || reader.GetFieldType(i) != typeof(string))
                    {
                        continue;
                    }

                    var value = reader.GetString(i);
                    Assert.DoesNotContain("@", value, StringComparison.Ordinal);
                    Assert.DoesNotContain(value, emails);
                    if (hasPerson && (value == person.First || value == person.Last))
                    {
                        nameMatches[i]++;
                    }
                }
            }

            // A name column would match on every row; a coincidence (a surname that is also a city) on very few.
            for (var i = 0; i < columns.Count; i++)
            {
                Assert.True(nameMatches[i] <= rows / 100, $"{table}.{columns[i]} holds subscribers' names in {nameMatches[i]} of {rows} rows");
            }
        }

        Assert.Equal(10_300, db.Scalar<long>("SELECT count(*) FROM bronze_users WHERE email IS NOT NULL AND length(email) = 24 AND first_name IS NULL AND last_name IS NULL"));
    }

    [Fact]
    public void Gold_tables_hold_what_features_need()
    {
        using var db = data.OpenDatabase();
        Assert.Equal(100_000, db.Scalar<long>("SELECT count(*) FROM gold_watch_events"));
        Assert.Equal(2_000, db.Scalar<long>("SELECT count(*) FROM gold_titles"));
        Assert.Equal(1_040, db.Scalar<long>("SELECT count(*) FROM gold_top10_weekly"));
        var ratings = db.Scalar<long>("SELECT count(*) FROM gold_ratings");
        var expected = db.Scalar<long>("SELECT count(*) FROM silver_watch_history WHERE user_rating IS NOT NULL") + db.Scalar<long>("SELECT count(*) FROM silver_reviews");
        Assert.Equal(expected, ratings);
        Assert.Contains("certificate", Columns(db, "gold_movies"));
        Assert.Equal(0, db.Scalar<long>("SELECT count(*) FROM gold_watch_events w LEFT JOIN gold_users u ON u.user_id = w.user_id WHERE u.user_id IS NULL"));
    }

    [Fact]
    public void A_database_whose_gold_tables_lack_a_column_is_refused_naming_what_is_missing()
    {
        // Training and the API used to crash at their first query with "no such column: country" and a stack trace.
        using var dir = new TempDirectory();
        var copy = dir.File("older.db");
        File.Copy(data.DatabasePath, copy);
        using (var db = SqliteDatabase.Open(copy, pooling: false))
        {
            db.Execute("ALTER TABLE gold_users DROP COLUMN country");
            db.Execute("ALTER TABLE gold_titles RENAME COLUMN imdb_rating TO rating");
            db.Execute("DROP TABLE gold_ratings");
        }

        var error = Assert.Throws<DataInputException>(() => SqliteDatabase.Open(copy, readOnly: true, pooling: false));
        Assert.Equal(
            $"Database '{copy}' cannot be read: it lacks gold_users.country, gold_titles.imdb_rating, table gold_ratings, so another version of ingest built it or it was changed since. Build it with `dotnet run --project Training -- ingest --raw DIR --db {copy}`.",
            error.Message);
        using var intact = data.OpenDatabase(); // the same check passes on what ingest built
        Assert.Equal(10_000, intact.Scalar<long>("SELECT count(*) FROM gold_users"));
    }

    internal static List<string> Tables(SqliteConnection db)
    {
        var tables = new List<string>();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    internal static List<string> Columns(SqliteConnection db, string table)
    {
        var columns = new List<string>();
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }
}

public sealed class IdempotencyTests
{
    [Fact]
    public void Ingesting_the_same_folder_twice_gives_the_same_database()
    {
        using var dir = new TempDirectory();
        var raw = dir.File("raw");
        SyntheticGenerator.Generate(raw, new GeneratorOptions(3, 0.02));
        var db = dir.File("netflix.db");
        Ingestor.Ingest(raw, db);
        var first = Dump(db);
        Ingestor.Ingest(raw, db);
        var second = Dump(db);
        Assert.Equal(first.Keys, second.Keys);
        foreach (var table in first.Keys)
        {
            Assert.Equal(first[table], second[table]);
        }

        using var connection = SqliteDatabase.Open(db, readOnly: true, pooling: false);
        Assert.Equal(8, connection.Scalar<long>("SELECT count(*) FROM loads")); // one load per file, not two
        Assert.False(File.Exists(db + ".tmp-" + Environment.ProcessId));
    }

    [Fact]
    public void A_failed_ingest_leaves_the_previous_database_in_place()
    {
        using var dir = new TempDirectory();
        var raw = dir.File("raw");
        SyntheticGenerator.Generate(raw, new GeneratorOptions(3, 0.02));
        var db = dir.File("netflix.db");
        Ingestor.Ingest(raw, db);
        var before = File.ReadAllBytes(db);
        File.WriteAllText(Path.Combine(raw, "movies.csv"), "movie_id,title\nmovie_1,A\n");
        Assert.Throws<DataInputException>(() => Ingestor.Ingest(raw, db));
        Assert.Equal(before, File.ReadAllBytes(db));
        Assert.Empty(Directory.GetFiles(dir.Path, "netflix.db.tmp-*"));
    }

    [Fact]
    public void The_half_built_database_of_a_killed_ingest_is_removed_by_the_next_and_a_running_ones_is_kept()
    {
        using var dir = new TempDirectory();
        var raw = dir.File("raw");
        SyntheticGenerator.Generate(raw, new GeneratorOptions(3, 0.02));
        var db = dir.File("netflix.db");
        // Each ingest builds in netflix.db.tmp-<its process id>; a killed one's stayed for good, as no later ingest has its id.
        int dead;
        using (var finished = System.Diagnostics.Process.Start("true"))
        {
            finished.WaitForExit();
            dead = finished.Id;
        }

        using var running = System.Diagnostics.Process.Start("sleep", "60");
        try
        {
            File.WriteAllText($"{db}.tmp-{dead}", "half a database");
            File.WriteAllText($"{db}.tmp-{dead}-journal", "its journal");
            File.WriteAllText($"{db}.tmp-{running.Id}", "another ingest's, still building");

            Ingestor.Ingest(raw, db);

            Assert.Equal([$"netflix.db.tmp-{running.Id}"], Directory.GetFiles(dir.Path, "netflix.db.tmp-*").Select(Path.GetFileName));
        }
        finally
        {
            running.Kill();
        }
    }

    /// <summary>Every table's rows as text, except meta (it records when the ingest ran).</summary>
    private static Dictionary<string, List<string>> Dump(string path)
    {
        using var db = SqliteDatabase.Open(path, readOnly: true, pooling: false);
        var dump = new Dictionary<string, List<string>>();
        foreach (var table in GeneratedIngestionTests.Tables(db).Where(t => t != "meta"))
        {
            var rows = new List<string>();
            using var command = db.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }

            dump[table] = rows;
        }

        return dump;
    }
}
