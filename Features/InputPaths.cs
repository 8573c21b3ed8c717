namespace NetflixML.Features;

/// <summary>
/// What is wrong with a path the user gave for a file or a folder, in words that fit after the path: a folder
/// passed where a file belongs used to be reported as missing ("no such titles file"), and a file passed as a
/// folder as a folder that "does not exist".
/// </summary>
public static class InputPaths
{
    public const string Missing = "does not exist";

    /// <summary>Null when <paramref name="path"/> is a file; otherwise why it is not.</summary>
    public static string? FileProblem(string path) =>
        File.Exists(path) ? null : Directory.Exists(path) ? "is a folder, not a file" : Missing;

    /// <summary>Null when <paramref name="path"/> is a folder; otherwise why it is not.</summary>
    public static string? FolderProblem(string path) =>
        Directory.Exists(path) ? null : File.Exists(path) ? "is a file, not a folder" : Missing;
}
