namespace NetflixML.Training.Cli;

/// <summary>
/// Checks, before any work, that a command can write where it was told to. Without it a `--models` that names a
/// file failed at the first save, after the first candidate's cross-validation, with a stack trace.
/// </summary>
public static class OutputLocation
{
    /// <summary>The folder <paramref name="folder"/> takes new files, or can be created.</summary>
    public static void RequireFolder(string option, string folder) => RequireWritable(option, folder, folder);

    /// <summary>The file <paramref name="file"/> can be written: it is not a folder, and its folder takes new files.</summary>
    public static void RequireFile(string option, string file)
    {
        if (Directory.Exists(file))
        {
            throw new OptionValueException($"{option} '{file}' is a folder; it must name a file.");
        }

        RequireWritable(option, file, Path.GetDirectoryName(Path.GetFullPath(file))!);
    }

    // Checks the nearest folder that exists (creating nothing, so a command that fails later leaves no trace).
    private static void RequireWritable(string option, string value, string folder)
    {
        var existing = Path.GetFullPath(folder);
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new OptionValueException($"{option} '{value}': '{existing}' is a file, not a folder.");
            }

            existing = Path.GetDirectoryName(existing)!;
        }

        try
        {
            using (File.Create(Path.Combine(existing, $".write-check-{Guid.NewGuid():N}"), 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionValueException($"{option} '{value}': cannot write to '{existing}': {e.Message}");
        }
    }
}
