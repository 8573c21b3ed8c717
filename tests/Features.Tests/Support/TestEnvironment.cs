using System.Globalization;
using System.Runtime.CompilerServices;

namespace NetflixML.Features.Tests.Support;

internal static class TestEnvironment
{
    [ModuleInitializer]
    internal static void UseInvariantCulture()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
    }

    /// <summary>The repository root (the folder holding NetflixML.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetflixML.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("NetflixML.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>../shared/data beside the repository (the real datasets); tests that need it fail loudly without it.</summary>
    public static string SharedData(string dataset)
    {
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", dataset));
        if (!Directory.Exists(path))
        {
            throw new InvalidOperationException($"The real dataset folder '{path}' is missing; clone the repository beside ../shared.");
        }

        return path;
    }
}

/// <summary>A fresh folder under the system temp directory, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netflixml-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still open on another thread is left for the OS to clean.
        }
    }
}
