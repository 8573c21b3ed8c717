using NetflixML.Features.Ingestion;
using NetflixML.Features.Storage;
using NetflixML.Features.Tests.Support;

namespace NetflixML.Features.Tests.Ingestion;

/// <summary>The four real tables of the public dataset (../shared/data), ingested as a user would bring them.</summary>
public sealed class RealDataTests
{
    [Fact]
    public void Real_users_duplicate_ids_are_loaded_once_and_counted()
    {
        using var dir = new TempDirectory();
        var report = Ingestor.Ingest(Repository.SharedData("netflix-2025-user-behavior"), dir.File("real.db"));
        var users = report.Table("users");
        Assert.Equal(10_300, users.Read);
        Assert.Equal(10_000, users.Loaded);
        Assert.Equal(300, users.Duplicates);
        Assert.Equal(0, users.Quarantined);
        Assert.Equal(48, users.Anomalies["age_out_of_range"]); // ages below 5, including negative ones
        Assert.Null(report.Table("watch_history").Source); // not among the real files
        Assert.Equal(15_000, report.Table("reviews").Loaded);
        using var db = SqliteDatabase.Open(dir.File("real.db"), readOnly: true, pooling: false);
        Assert.Equal(10_000, db.Scalar<long>("SELECT count(DISTINCT user_id) FROM gold_users"));
        Assert.InRange(db.Scalar<long>("SELECT count(*) FROM gold_users WHERE is_active = 0"), 1_400, 1_524);
    }
}
