namespace NetflixML.Features.Reporting;

/// <summary>
/// Where a training run writes its champions, candidates and leaderboard until every task has finished: a folder
/// inside the models folder (the same file system, so each file then moves into place by a rename). A run used to
/// write each task's files as it finished them and the leaderboard at the end, so a run stopped part-way (Ctrl-C, a
/// crash, a killed job) left a new top10.zip beside the leaderboard of the run before it, and half of churn's
/// candidates replaced. Now such a run leaves the models folder as it was; its staging folder is removed when the run
/// fails, or by the next run into the folder when the process was killed.
/// <para>
/// The moves themselves are a commit: before the first, a <see cref="CommitMarker"/> file says every file is staged.
/// A run stopped among the moves (a few milliseconds) left some files moved and some not; the next run into the
/// folder finishes those moves rather than deleting them, and the API's watcher keeps serving the previous set while
/// a marked staging folder is there (<see cref="CommitPending"/>). Callers hold the folder's
/// <see cref="ModelsFolderLock"/>, so no other run's staging folder can be in use.
/// </para>
/// </summary>
public sealed class StagedRun : IDisposable
{
    /// <summary>The start of a staging folder's name: hidden, and ignored by git and by the API's watcher.</summary>
    public const string Prefix = ".run-";

    /// <summary>Written into the staging folder once every file is staged, just before they are moved into place.</summary>
    public const string CommitMarker = "COMMITTING";

    private readonly string _modelsFolder;
    private bool _committed;

    private StagedRun(string modelsFolder, string folder, IReadOnlyList<string> completed)
    {
        _modelsFolder = modelsFolder;
        Folder = folder;
        Completed = completed;
    }

    /// <summary>The folder this run writes into, laid out as the models folder (champions, candidates/, leaderboard.json).</summary>
    public string Folder { get; }

    /// <summary>The files of an earlier run's interrupted commit that <see cref="Begin"/> moved into place.</summary>
    public IReadOnlyList<string> Completed { get; }

    /// <summary>
    /// Finishes the commit of a run stopped among its moves, removes what runs killed before committing left in
    /// <paramref name="modelsFolder"/>, and creates this run's staging folder.
    /// </summary>
    public static StagedRun Begin(string modelsFolder)
    {
        var completed = new List<string>();
        foreach (var stale in Directory.Exists(modelsFolder) ? Directory.GetDirectories(modelsFolder, Prefix + "*") : [])
        {
            if (File.Exists(Path.Combine(stale, CommitMarker)))
            {
                completed.AddRange(MoveInto(stale, modelsFolder));
            }

            Directory.Delete(stale, recursive: true);
        }

        var folder = Path.Combine(modelsFolder, Prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return new StagedRun(modelsFolder, folder, completed);
    }

    /// <summary>Whether a run's commit into <paramref name="modelsFolder"/> is under way or was stopped part-way.</summary>
    public static bool CommitPending(string modelsFolder) =>
        Directory.Exists(modelsFolder) && Directory.GetDirectories(modelsFolder, Prefix + "*").Any(d => File.Exists(Path.Combine(d, CommitMarker)));

    /// <summary>Moves every staged file to the same place in the models folder, replacing what is there.</summary>
    public void Commit()
    {
        File.WriteAllBytes(Path.Combine(Folder, CommitMarker), []);
        MoveInto(Folder, _modelsFolder);
        _committed = true;
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>Discards an uncommitted run's files.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(Folder) && !File.Exists(Path.Combine(Folder, CommitMarker)))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static List<string> MoveInto(string staging, string modelsFolder)
    {
        var moved = new List<string>();
        foreach (var file in Directory.GetFiles(staging, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(staging, file);
            if (relative == CommitMarker)
            {
                continue;
            }

            var target = Path.Combine(modelsFolder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file, target, overwrite: true);
            moved.Add(relative);
        }

        return moved;
    }
}
