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
/// folder finishes those moves rather than deleting them (<see cref="FinishStopped"/>). Readers that hold no lock (the
/// API, `bench serve`) read each file as the commit leaves it (<see cref="ReadCommitted"/>): the staged copy while a
/// marked staging folder still holds it, else the models folder's. That is the committed set at every instant of the
/// moves, and after a stop among them; before, the API loaded the mix at start-up. Writers hold the folder's
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
        var completed = FinishStopped(modelsFolder);
        foreach (var stale in StagingFolders(modelsFolder))
        {
            Directory.Delete(stale, recursive: true);
        }

        var folder = Path.Combine(modelsFolder, Prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return new StagedRun(modelsFolder, folder, completed);
    }

    /// <summary>
    /// Moves into place the files of a run stopped among its moves (a marked staging folder) and removes that folder;
    /// returns the files moved. The caller holds the folder's <see cref="ModelsFolderLock"/>.
    /// </summary>
    public static IReadOnlyList<string> FinishStopped(string modelsFolder)
    {
        var completed = new List<string>();
        foreach (var stopped in MarkedFolders(modelsFolder))
        {
            completed.AddRange(MoveInto(stopped, modelsFolder));
            Directory.Delete(stopped, recursive: true);
        }

        return completed;
    }

    /// <summary>The line a run prints for what <see cref="FinishStopped"/> or <see cref="Begin"/> moved into place.</summary>
    public static string DescribeFinished(string modelsFolder, IReadOnlyList<string> completed) =>
        $"finished moving into {modelsFolder} the files of a run stopped while it moved them: {string.Join(", ", completed)}";

    /// <summary>Whether a run's commit into <paramref name="modelsFolder"/> is under way or was stopped part-way.</summary>
    public static bool CommitPending(string modelsFolder) => MarkedFolders(modelsFolder).Any();

    /// <summary>
    /// The bytes of <paramref name="relative"/> (a path inside the models folder) as the latest commit leaves them: the
    /// staged copy while a marked staging folder holds it, else the models folder's. A file that moves between the two
    /// looks is read from where it went. Throws <see cref="FileNotFoundException"/> when neither has it.
    /// </summary>
    public static byte[] ReadCommitted(string modelsFolder, string relative)
    {
        foreach (var staging in MarkedFolders(modelsFolder))
        {
            try
            {
                return File.ReadAllBytes(Path.Combine(staging, relative));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // not staged, or moved into place since the folder was listed
            }
        }

        return File.ReadAllBytes(Path.Combine(modelsFolder, relative));
    }

    /// <summary>
    /// Every file of the models folder as the latest commit leaves it (paths relative to it), staged ones included and
    /// staging folders themselves left out; read each with <see cref="ReadCommitted"/>.
    /// </summary>
    public static IReadOnlyList<string> CommittedFiles(string modelsFolder)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(modelsFolder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(modelsFolder, file);
            if (!relative.StartsWith(Prefix, StringComparison.Ordinal))
            {
                files.Add(relative);
            }
        }

        foreach (var staging in MarkedFolders(modelsFolder))
        {
            files.UnionWith(Directory.GetFiles(staging, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(staging, f)).Where(f => f != CommitMarker));
        }

        return [.. files];
    }

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

    private static string[] StagingFolders(string modelsFolder) =>
        Directory.Exists(modelsFolder) ? Directory.GetDirectories(modelsFolder, Prefix + "*") : [];

    private static IEnumerable<string> MarkedFolders(string modelsFolder) =>
        StagingFolders(modelsFolder).Where(d => File.Exists(Path.Combine(d, CommitMarker)));
}
