using NetflixML.Features.Reporting;

namespace NetflixML.Training.Pipeline;

/// <summary>Writes the reports in models/: merged with what is there (other tasks keep their entries), atomically.</summary>
public static class ModelsFolder
{
    /// <summary>
    /// Writes this run's task entries over the file's, keeping other tasks' entries; <paramref name="skipped"/> is this
    /// run's alone. With <paramref name="staging"/>, the merged file is written there, to be committed with the models.
    /// </summary>
    public static Leaderboard WriteLeaderboard(string folder, IReadOnlyList<TaskEntry> tasks, int seed, DateTimeOffset createdAt, IEnumerable<SkippedTask>? skipped = null, string? staging = null, IProgress<string>? progress = null)
    {
        var path = Path.Combine(folder, Leaderboard.FileName);
        var existing = TryRead(path, Leaderboard.FromJson, progress, Replaced(tasks.Select(t => t.Task)));
        var merged = (existing?.Tasks ?? []).Where(t => tasks.All(n => n.Task != t.Task)).Concat(tasks).OrderBy(t => Order(t.Task)).ToList();
        var leaderboard = new Leaderboard { CreatedAt = createdAt, Seed = seed, Tasks = merged, Skipped = Listed(skipped) };
        WriteAtomically(staging is null ? path : Path.Combine(staging, Leaderboard.FileName), leaderboard.ToJson());
        return leaderboard;
    }

    /// <summary>Writes this audit's task entries over the file's, keeping other tasks' entries; <paramref name="skipped"/> is this audit's alone.</summary>
    public static LeakageReport WriteLeakageReport(string folder, IReadOnlyList<LeakageTask> tasks, DateTimeOffset createdAt, IEnumerable<SkippedTask>? skipped = null, IProgress<string>? progress = null)
    {
        var path = Path.Combine(folder, LeakageReport.FileName);
        var existing = TryRead(path, LeakageReport.FromJson, progress, Replaced(tasks.Select(t => t.Task)));
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

    /// <summary>The leaderboard in <paramref name="folder"/>; null when there is none, or when it cannot be read, which is said with what follows.</summary>
    public static Leaderboard? ReadLeaderboard(string folder, IProgress<string>? progress, string consequence) =>
        TryRead(Path.Combine(folder, Leaderboard.FileName), Leaderboard.FromJson, progress, consequence);

    private static string Replaced(IEnumerable<string> tasks) => $"it is written again with this run's entries alone ({string.Join(", ", tasks)})";

    /// <summary>
    /// A report, or null when there is none or it cannot be read (a truncated or hand-edited file). That used to be
    /// passed over without a word, dropping the other tasks' entries, or, for leakage, to crash with a stack trace.
    /// </summary>
    private static T? TryRead<T>(string path, Func<string, T> parse, IProgress<string>? progress, string consequence)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return parse(File.ReadAllText(path));
        }
        catch (System.Text.Json.JsonException ex)
        {
            progress?.Report($"{path} cannot be read ({ex.Message}); {consequence}");
            return null;
        }
    }
}
