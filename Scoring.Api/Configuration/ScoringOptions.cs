namespace NetflixML.Scoring.Api.Configuration;

/// <summary>The "Scoring" configuration section (appsettings.json or environment variables such as Scoring__AdminApiKey).</summary>
public sealed class ScoringOptions
{
    public const string Section = "Scoring";

    /// <summary>Folder holding the champions (top10.zip, churn.zip, recommend.zip) and the reports.</summary>
    public string ModelsFolder { get; set; } = "models";

    /// <summary>The SQLite database built by `ingest` (users, titles and events for the by-id endpoints).</summary>
    public string Database { get; set; } = "data/netflix.db";

    /// <summary>Key the X-Api-Key header must match for POST /api/models/reload; the endpoint is off without one.</summary>
    public string? AdminApiKey { get; set; }

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1_048_576;

    /// <summary>Most titles or subscribers in one batch request.</summary>
    public int MaxBatchSize { get; set; } = 1_000;

    /// <summary>Quiet time after the last change in the models folder before reloading.</summary>
    public int ReloadDebounceMilliseconds { get; set; } = 500;

    /// <summary>
    /// "json": structured JSON lines on standard output, written in batches (the default; what a log collector reads).
    /// "console": the framework's human-readable console log (appsettings.Development.json).
    /// </summary>
    public string LogFormat { get; set; } = "json";

    /// <summary>Load the database and compute churn features in the background at start-up (otherwise on first use).</summary>
    public bool WarmUpDatabase { get; set; } = true;

    /// <summary>Watch the models folder and reload on change.</summary>
    public bool WatchModels { get; set; } = true;
}

/// <summary>
/// Resolves configured paths: absolute as given; relative ones against the content root, or, when they do not exist
/// there, against the repository root above it (so `dotnet run --project Scoring.Api` from the repository serves the
/// repository's own models/ and data/netflix.db with no set-up).
/// </summary>
public sealed class ScoringPaths
{
    public ScoringPaths(ScoringOptions options, string contentRoot)
    {
        ModelsFolder = Resolve(options.ModelsFolder, contentRoot, directory: true);
        Database = Resolve(options.Database, contentRoot, directory: false);
    }

    public string ModelsFolder { get; }

    public string Database { get; }

    public string ModelPath(string task) => Path.Combine(ModelsFolder, task + ".zip");

    private static string Resolve(string path, string contentRoot, bool directory)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var direct = Path.GetFullPath(Path.Combine(contentRoot, path));
        bool Exists(string p) => directory ? Directory.Exists(p) : File.Exists(p);
        if (Exists(direct))
        {
            return direct;
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetflixML.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, path));
            }
        }

        return direct;
    }
}
