using NetflixML.Features.Catalog;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Reporting;
using NetflixML.Features.Synthetic;
using NetflixML.Training.Cli;
using NetflixML.Training.Pipeline;

namespace NetflixML.Training.Tests;

/// <summary>Generated data (seed 7, scale 0.1), ingested, trained for every task, and audited, once for the collection.</summary>
public sealed class TrainedModels : IDisposable
{
    public static readonly DateTimeOffset CreatedAt = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public TrainedModels()
    {
        SyntheticGenerator.Generate(Raw, new GeneratorOptions(7, 0.1));
        Ingestor.Ingest(Raw, Database);
        var io = new ConsoleIo(new StringWriter(), new StringWriter());
        var inputs = TrainingInputs.Resolve(Database, null, null, null);
        Leaderboard = TrainCommand.Run(io, FeatureCatalog.Tasks, inputs, new RunSettings(Models, 7, CreatedAt));
        Leakage = LeakageCommand.Run(io, [FeatureCatalog.Top10, FeatureCatalog.Churn], inputs, Models, 7, CreatedAt);
    }

    public TempDirectory Folder { get; } = new();

    public string Raw => Folder.File("data/raw");

    public string Database => Folder.File("data/netflix.db");

    public string Models => Folder.File("models");

    public Leaderboard Leaderboard { get; }

    public LeakageReport Leakage { get; }

    public void Dispose() => Folder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TrainedModelsCollection : ICollectionFixture<TrainedModels>
{
    public const string Name = "trained models";
}
