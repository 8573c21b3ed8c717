using Microsoft.Data.Sqlite;
using NetflixML.Features.Ingestion;

namespace NetflixML.Features.Storage;

/// <summary>Opens the SQLite database (native e_sqlite3 from SQLitePCLRaw, initialised once).</summary>
public static class SqliteDatabase
{
    private static readonly Lazy<bool> Initialised = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    public static SqliteConnection Open(string path, bool readOnly = false, bool pooling = true)
    {
        _ = Initialised.Value;
        if (readOnly && InputPaths.FileProblem(path) is { } problem)
        {
            throw new DataInputException(problem == InputPaths.Missing
                ? $"Database '{path}' does not exist. Run `dotnet run --project Training -- ingest` to create it."
                : $"Database '{path}' {problem}: pass the database file ingest wrote (such as data/netflix.db).");
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = pooling,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        if (readOnly)
        {
            RequireIngested(connection, path);
        }

        return connection;
    }

    /// <summary>
    /// A database to read must be one this version of ingest built: any other file (not SQLite at all, empty, another
    /// program's database, or one whose gold tables lack a column) would fail later at its first query with SQLite's
    /// words and a stack trace.
    /// </summary>
    private static void RequireIngested(SqliteConnection connection, string path)
    {
        const int NotADatabase = 26;
        string? problem;
        try
        {
            problem = connection.TableExists(MetaTable) ? GoldTables.SchemaProblem(connection) : $"it has no '{MetaTable}' table, so ingest did not build it";
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == NotADatabase)
        {
            problem = "it is not a SQLite database";
        }

        if (problem is not null)
        {
            connection.Dispose();
            throw new DataInputException($"Database '{path}' cannot be read: {problem}. Build it with `dotnet run --project Training -- ingest --raw DIR --db {path}`.");
        }
    }

    /// <summary>The table ingest writes its time, raw folder and quality report to.</summary>
    public const string MetaTable = "meta";

    public static void Execute(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static T Scalar<T>(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static bool TableExists(this SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", table);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
