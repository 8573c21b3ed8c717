using System.Text.RegularExpressions;

namespace NetflixML.Features.Reporting;

/// <summary>
/// An exclusive hold on a models folder for a run that writes it (train, leakage, the pipeline). Two runs into one
/// folder each merged the leaderboard they read into the file, so whichever finished last dropped the other's
/// entries, and a champion file could come from one run while the leaderboard came from the other. The hold is an
/// operating-system lock on <see cref="FileName"/>, which the system releases when the process ends however it
/// ends, so a crashed run leaves nothing to clear by hand (the next hold also removes the temporary files of the
/// writes it was making); the file itself stays (deleting it would let a third run lock a new file while a second
/// still holds the old one). The API reads the hold (<see cref="IsHeld"/>) to swap a run's models in together when
/// the run ends rather than file by file while it writes them.
/// </summary>
public sealed partial class ModelsFolderLock : IDisposable
{
    public const string FileName = ".lock";

    private readonly FileStream _hold;
    private readonly string _folder;
    private readonly string? _createdTop;

    private ModelsFolderLock(FileStream hold, string folder, string? createdTop)
    {
        _hold = hold;
        _folder = folder;
        _createdTop = createdTop;
    }

    /// <summary>
    /// Takes the hold on <paramref name="folder"/>, creating it if needed, or throws an <see cref="IOException"/> that
    /// names the folder when another run holds it. <paramref name="option"/> names the option that chose the folder.
    /// </summary>
    public static ModelsFolderLock Take(string folder, string? option = null) => Take(folder, option, TimeSpan.FromSeconds(1));

    /// <summary>
    /// True while a run holds <paramref name="folder"/>. Asking takes a shared hold for an instant, so a run starting
    /// at that instant waits for it (<see cref="Take(string, string?)"/> tries for a second) rather than failing.
    /// </summary>
    public static bool IsHeld(string folder)
    {
        try
        {
            using (new FileStream(Path.Combine(folder, FileName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                return false;
            }
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false; // cannot tell; answer as though no run were writing, as before there was a lock
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>As <see cref="Take(string, string?)"/>, trying for <paramref name="patience"/> while another holds it.</summary>
    public static ModelsFolderLock Take(string folder, string? option, TimeSpan patience)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string? createdTop = null;
        for (var missing = full; missing is not null && !Directory.Exists(missing); missing = Path.GetDirectoryName(missing))
        {
            createdTop = missing;
        }

        Directory.CreateDirectory(full);
        var path = Path.Combine(folder, FileName);
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                var hold = new ModelsFolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), full, createdTop);
                DeleteAbandonedWrites(full);
                return hold;
            }
            catch (IOException) when (File.Exists(path) && DateTime.UtcNow < until)
            {
                Thread.Sleep(50);
            }
            catch (IOException e) when (File.Exists(path))
            {
                var named = option is null ? $"'{folder}'" : $"{option} '{folder}'";
                throw new IOException($"{named} is being written by another train, leakage or pipeline run (it holds {path}); wait for that run to finish{(option is null ? string.Empty : $" or pass another {option}")}.", e);
            }
        }
    }

    /// <summary>
    /// Removes the temporary files of writes a killed run left (a report or model is written beside its name, as
    /// <c>leaderboard.json.&lt;guid&gt;.tmp</c> or <c>.top10.zip.&lt;guid&gt;.tmp</c>, and renamed over it). With the hold
    /// taken no other run is writing, so every such file is abandoned; before, they stayed for good.
    /// </summary>
    private static void DeleteAbandonedWrites(string folder)
    {
        foreach (var directory in new[] { folder, Path.Combine(folder, "candidates") }.Where(Directory.Exists))
        {
            foreach (var file in Directory.GetFiles(directory, "*.tmp").Where(f => AbandonedWrite().IsMatch(Path.GetFileName(f))))
            {
                File.Delete(file);
            }
        }
    }

    [GeneratedRegex(@"\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex AbandonedWrite();

    public void Dispose()
    {
        _hold.Dispose();
        // A run that stopped before writing anything leaves none of the folders it made behind.
        if (_createdTop is null || !Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).SequenceEqual([FileName]))
        {
            return;
        }

        try
        {
            File.Delete(Path.Combine(_folder, FileName));
            for (var folder = _folder; ; folder = Path.GetDirectoryName(folder)!)
            {
                Directory.Delete(folder);
                if (folder == _createdTop)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // Another run wrote there meanwhile; what is left is theirs.
        }
    }
}
