namespace NetflixML.Tests;

/// <summary>
/// Where the repository is, and the real datasets in ../shared/data beside it. One file linked into every test
/// project (each csproj's Compile item), so the search for NetflixML.sln is written once.
/// </summary>
internal static class Repository
{
    /// <summary>The repository root (the folder holding NetflixML.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A real dataset folder beside the repository; tests that need it fail loudly without it.</summary>
    public static string SharedData(string dataset)
    {
        var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", dataset));
        if (!Directory.Exists(path))
        {
            throw new InvalidOperationException($"The real dataset folder '{path}' is missing; clone the repository beside ../shared.");
        }

        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetflixML.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("NetflixML.sln not found above " + AppContext.BaseDirectory);
    }
}
