using NetflixML.Features.Churn;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Storage;
using NetflixML.Features.Tests.Support;

namespace NetflixML.Features.Tests.Ingestion;

/// <summary>An event cannot be dated after the ingest that reads it: one mistyped year must not move the data's end.</summary>
public sealed class FutureDateTests : IDisposable
{
    // The ingest runs at 2026-01-10 12:00 UTC; events are accepted up to a day later (time zones).
    private static readonly DateTimeOffset IngestedAt = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly QualityReport _report;

    public FutureDateTests()
    {
        File.WriteAllText(_dir.File("users.csv"), """
            user_id,email,first_name,last_name,age,gender,country,state_province,city,subscription_plan,subscription_start_date,is_active,monthly_spend,primary_device,household_size,created_at
            u1,a@x.org,A,B,30,Female,USA,Ohio,Akron,Basic,2025-01-01,False,9.99,Mobile,2,2024-12-01 10:00:00
            u2,b@x.org,C,D,40,Male,Canada,Quebec,Laval,Premium,2024-06-15,True,19.99,Smart TV,4,2062-06-01 10:00:00
            """);
        File.WriteAllText(_dir.File("movies.csv"), """
            movie_id,title,content_type,genre_primary,genre_secondary,release_year,duration_minutes,rating,language,country_of_origin,imdb_rating,production_budget,box_office_revenue,number_of_seasons,number_of_episodes,is_netflix_original,added_to_platform,content_warning
            m1,One,Movie,Drama,,2020,100,PG,English,USA,7,,,,,False,2027-01-01,False
            """);
        File.WriteAllText(_dir.File("watch_history.csv"), """
            session_id,user_id,movie_id,watch_date,device_type,watch_duration_minutes,progress_percentage,action,quality,location_country,is_download,user_rating
            s1,u1,m1,2025-10-29 20:00:00,Mobile,50,50,stopped,HD,USA,False,
            s2,u2,m1,2025-12-20 20:00:00,Smart TV,100,100,completed,HD,Canada,False,
            s3,u2,m1,2052-12-21 20:00:00,Smart TV,100,100,completed,HD,Canada,False,
            s4,u1,m1,2026-01-11 06:00:00,Mobile,50,50,stopped,HD,USA,False,
            """);
        File.WriteAllText(_dir.File("reviews.csv"), """
            review_id,user_id,movie_id,rating,review_date,device_type,is_verified_watch,helpful_votes,total_votes,review_text,sentiment,sentiment_score
            r1,u1,m1,4,2025-11-01,Mobile,True,1,2,Good.,positive,0.7
            r2,u1,m1,4,2026-01-12,Mobile,True,1,2,Good.,positive,0.7
            """);
        _report = Ingestor.Ingest(_dir.Path, _dir.File("netflix.db"), time: new FixedTime(IngestedAt));
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_required_event_date_after_the_ingest_sends_its_row_to_quarantine()
    {
        Assert.Equal(
            [
                ("reviews", 3L, "'review_date' 2026-01-12 is after the ingest (events up to 2026-01-11): an event cannot be dated in the future"),
                ("watch_history", 4L, "'watch_date' 2052-12-21 20:00:00 is after the ingest (events up to 2026-01-11): an event cannot be dated in the future"),
            ],
            QuarantineTable.Read(_dir.File("netflix.db")));
        using var db = SqliteDatabase.Open(_dir.File("netflix.db"), readOnly: true, pooling: false);
        // Within the day's allowance: loaded.
        Assert.Equal(1, db.Scalar<long>($"SELECT count(*) FROM {GoldTables.WatchEvents} WHERE session_id = 's4'"));
    }

    [Fact]
    public void An_optional_one_is_nulled_and_counted_and_a_release_ahead_is_not_an_event()
    {
        Assert.Equal(1, _report.Table("users").Anomalies["created_at_after_ingest"]);
        Assert.Equal(2, _report.Table("users").Loaded);
        using var db = SqliteDatabase.Open(_dir.File("netflix.db"), readOnly: true, pooling: false);
        Assert.Equal(0, db.Scalar<long>("SELECT count(created_at) FROM silver_users WHERE user_id = 'u2'"));
        Assert.Equal("2027-01-01", db.Scalar<string>("SELECT added_to_platform FROM silver_movies WHERE movie_id = 'm1'"));
    }

    [Fact]
    public void The_churn_snapshot_follows_the_real_last_event_not_the_mistyped_year()
    {
        // Last accepted event 2026-01-11 06:00 (the 2052 one would have put the snapshot in 2052): the day after, minus 61 days.
        using var db = SqliteDatabase.Open(_dir.File("netflix.db"), readOnly: true, pooling: false);
        Assert.Equal(new DateTime(2025, 11, 12, 0, 0, 0, DateTimeKind.Unspecified), ChurnFeatures.ResolveSnapshot(db));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
