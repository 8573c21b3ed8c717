namespace NetflixML.Training.Pipeline;

/// <summary>
/// Where a training run writes its champions and candidates until every task has finished: a folder inside the
/// models folder (the same file system, so each file then moves into place by a rename). A run used to write each
/// task's files as it finished them and the leaderboard at the end, so a run stopped part-way (Ctrl-C, a crash, a
/// killed job) left a new top10.zip beside the leaderboard of the run before it, and half of churn's candidates
/// replaced. Now such a run leaves the models folder as it was; its staging folder is removed when the run fails, or
/// by the next run into the folder when the process was killed. Callers hold the folder's
/// <see cref="Features.Reporting.ModelsFolderLock"/>, so no other run's staging folder can be in use.
/// </summary>
public sealed class StagedRun : IDisposable
{
    /// <summary>The start of a staging folder's name: hidden, and ignored by git and by the API's watcher.</summary>
    public const string Prefix = ".run-";

    private readonly string _modelsFolder;
    private bool _committed;

    private StagedRun(string modelsFolder, string folder)
    {
        _modelsFolder = modelsFolder;
        Folder = folder;
    }

    /// <summary>The folder this run writes into, laid out as the models folder (champions, candidates/).</summary>
    public string Folder { get; }

    /// <summary>Removes what killed runs left in <paramref name="modelsFolder"/> and creates this run's staging folder.</summary>
    public static StagedRun Begin(string modelsFolder)
    {
        foreach (var stale in Directory.Exists(modelsFolder) ? Directory.GetDirectories(modelsFolder, Prefix + "*") : [])
        {
            Directory.Delete(stale, recursive: true);
        }

        var folder = Path.Combine(modelsFolder, Prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return new StagedRun(modelsFolder, folder);
    }

    /// <summary>Moves every staged file to the same place in the models folder, replacing what is there.</summary>
    public void Commit()
    {
        foreach (var file in Directory.GetFiles(Folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var target = Path.Combine(_modelsFolder, Path.GetRelativePath(Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file, target, overwrite: true);
        }

        _committed = true;
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>Discards an uncommitted run's files.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
