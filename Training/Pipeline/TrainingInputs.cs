using System.Security.Cryptography;
using System.Text;
using NetflixML.Features;
using NetflixML.Features.Churn;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Recommend;
using NetflixML.Features.Storage;
using NetflixML.Features.Top10;

namespace NetflixML.Training.Pipeline;

/// <summary>
/// Where a training run reads from: the database (default data/netflix.db), or a user's raw CSV folder ingested into
/// a database of its own (so the default one is untouched), and optionally a user's title CSV for the Top-10 task.
/// </summary>
public sealed class TrainingInputs
{
    private TrainingInputs(string database, string? rawFolder, string? titlesFile, TruthFile? truth)
    {
        Database = database;
        RawFolder = rawFolder;
        TitlesFile = titlesFile;
        Truth = truth;
    }

    public string Database { get; }

    public string? RawFolder { get; }

    public string? TitlesFile { get; }

    /// <summary>The planted truth, when the data came from our generator (truth.json beside the raw CSVs).</summary>
    public TruthFile? Truth { get; }

    public static TrainingInputs Resolve(string database, string? rawFolder, string? titlesFile, IProgress<string>? progress)
    {
        if (rawFolder is not null)
        {
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(rawFolder))))[..10];
            var own = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database))!, "user-" + key, "netflix.db");
            progress?.Report($"ingesting {rawFolder} into {own}");
            var report = Ingestor.Ingest(rawFolder, own, progress);
            foreach (var ignored in report.IgnoredFiles)
            {
                progress?.Report($"not read: {ignored.File}: {ignored.Reason}");
            }

            return new TrainingInputs(own, rawFolder, titlesFile, TruthFile.TryRead(rawFolder, progress));
        }

        var defaultRaw = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database))!, "raw");
        return new TrainingInputs(database, null, titlesFile, TruthFile.TryRead(defaultRaw, progress));
    }

    /// <summary>The database path, checked: only the tasks that read it need it (Top-10 can come from --titles).</summary>
    private string RequireDatabase() => InputPaths.FileProblem(Database) != InputPaths.Missing
        ? Database
        : throw new DataInputException($"Database '{Database}' does not exist. Run `dotnet run --project Training -- ingest` first, or pass --raw DIR.");

    public BinaryTaskData Top10()
    {
        var titles = TitlesFile is not null ? TitleTable.FromCsv(TitlesFile) : TitleTable.FromDatabase(RequireDatabase());
        if (titles.Count == 0)
        {
            throw new TaskDataException($"No titles in {Database} (its raw folder had no top10_titles.csv): pass --titles FILE.");
        }

        return BinaryTaskData.Top10(titles, TitlesFile is null ? Truth?.Top10 : null);
    }

    public BinaryTaskData Churn(int seed)
    {
        using var db = SqliteDatabase.Open(RequireDatabase(), readOnly: true, pooling: false);
        var snapshot = ChurnFeatures.ResolveSnapshot(db);
        return BinaryTaskData.Churn(ChurnFeatures.Compute(db, snapshot), snapshot, seed, Truth?.Churn);
    }

    public RecommendSplit Recommend()
    {
        using var db = SqliteDatabase.Open(RequireDatabase(), readOnly: true, pooling: false);
        return RecommendData.Load(db);
    }
}
