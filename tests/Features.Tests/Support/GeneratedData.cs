using Microsoft.Data.Sqlite;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Storage;
using NetflixML.Features.Synthetic;

namespace NetflixML.Features.Tests.Support;

/// <summary>
/// The default data set (seed 42, scale 1.0), generated and ingested once for every test class that reads it.
/// </summary>
public sealed class GeneratedData : IDisposable
{
    private readonly TempDirectory _folder = new();

    public GeneratedData()
    {
        Generation = SyntheticGenerator.Generate(RawFolder, new GeneratorOptions(42, 1.0));
        Report = Ingestor.Ingest(RawFolder, DatabasePath);
    }

    public string RawFolder => _folder.File("raw");

    public string DatabasePath => _folder.File("netflix.db");

    public GenerationResult Generation { get; }

    public QualityReport Report { get; }

    public SqliteConnection OpenDatabase() => SqliteDatabase.Open(DatabasePath, readOnly: true, pooling: false);

    public void Dispose() => _folder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class GeneratedDataCollection : ICollectionFixture<GeneratedData>
{
    public const string Name = "generated data";
}
