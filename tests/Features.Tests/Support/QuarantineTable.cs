using NetflixML.Features.Storage;

namespace NetflixML.Features.Tests.Support;

internal static class QuarantineTable
{
    /// <summary>Every quarantined row of a database, by table and line.</summary>
    public static List<(string Table, long Line, string Reason)> Read(string databasePath)
    {
        using var db = SqliteDatabase.Open(databasePath, readOnly: true, pooling: false);
        using var command = db.CreateCommand();
        command.CommandText = "SELECT table_name, line, reason FROM quarantine ORDER BY table_name, line";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        }

        return rows;
    }
}
