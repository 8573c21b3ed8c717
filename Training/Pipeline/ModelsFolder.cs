using NetflixML.Features.Reporting;

namespace NetflixML.Training.Pipeline;

/// <summary>Writes the reports in models/: merged with what is there (other tasks keep their entries), atomically.</summary>
public static class ModelsFolder
{
    /// <summary>
    /// Writes this run's task entries over the file's, keeping other tasks' entries; <paramref name="skipped"/> is this
    /// run's alone. With <paramref name="staging"/>, the merged file is written there, to be committed with the models.
    /// </summary>
    public static Leaderboard WriteLeaderboard(string folder, IReadOnlyList<TaskEntry> tasks, int seed, DateTimeOffset createdAt, IEnumerable<SkippedTask>? skipped = null, string? staging = null)
    {
        var path = Path.Combine(folder, Leaderboard.FileName);
        var existing = File.Exists(path) ? TryRead(() => Leaderboard.FromJson(File.ReadAllText(path))) : null;
        var merged = (existing?.Tasks ?? []).Where(t => tasks.All(n => n.Task != t.Task)).Concat(tasks).OrderBy(t => Order(t.Task)).ToList();
        var leaderboard = new Leaderboard { CreatedAt = createdAt, Seed = seed, Tasks = merged, Skipped = Listed(skipped) };
        WriteAtomically(staging is null ? path : Path.Combine(staging, Leaderboard.FileName), leaderboard.ToJson());
        return leaderboard;
    }

    /// <summary>Writes this audit's task entries over the file's, keeping other tasks' entries; <paramref name="skipped"/> is this audit's alone.</summary>
    public static LeakageReport WriteLeakageReport(string folder, IReadOnlyList<LeakageTask> tasks, DateTimeOffset createdAt, IEnumerable<SkippedTask>? skipped = null)
    {
        var path = Path.Combine(folder, LeakageReport.FileName);
        var existing = File.Exists(path) ? TryRead(() => LeakageReport.FromJson(File.ReadAllText(path))) : null;
        var merged = (existing?.Tasks ?? []).Where(t => tasks.All(n => n.Task != t.Task)).Concat(tasks).OrderBy(t => Order(t.Task)).ToList();
        var report = new LeakageReport { CreatedAt = createdAt, Tasks = merged, Skipped = Listed(skipped) };
        WriteAtomically(path, report.ToJson());
        return report;
    }

    public static void WriteAtomically(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    // Absent from the file when the run skipped nothing.
    private static List<SkippedTask>? Listed(IEnumerable<SkippedTask>? skipped) => skipped?.ToList() is { Count: > 0 } list ? list : null;

    private static int Order(string task) => Array.IndexOf(new[] { "top10", "churn", "recommend" }, task);

    private static T? TryRead<T>(Func<T> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (System.Text.Json.JsonException)
        {
            // An unreadable old report is replaced, not merged.
            return null;
        }
    }
}
