namespace NetflixML.Training.Cli;

/// <summary>Default paths and seed, relative to the folder the CLI runs in (the repository root).</summary>
public static class Defaults
{
    public const int Seed = 42;
    public const string RawFolder = "data/raw";
    public const string Database = "data/netflix.db";
    public const string QualityReport = "data/quality-report.json";
    public const string ModelsFolder = "models";
}
