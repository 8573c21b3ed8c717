using NetflixML.Features.Catalog;
using NetflixML.Features.Churn;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Storage;
using NetflixML.Features.Tests.Support;

namespace NetflixML.Features.Tests.Catalog;

/// <summary>Churn features computed by hand on a tiny hand-written dataset, snapshot 2025-11-01.</summary>
public sealed class ChurnFeatureTests : IDisposable
{
    private static readonly DateTime Snapshot = new(2025, 11, 1, 0, 0, 0, DateTimeKind.Unspecified);
    private readonly TempDirectory _dir = new();

    public ChurnFeatureTests()
    {
        File.WriteAllText(_dir.File("users.csv"), """
            user_id,email,first_name,last_name,age,gender,country,state_province,city,subscription_plan,subscription_start_date,is_active,monthly_spend,primary_device,household_size,created_at
            u1,a@x.org,A,B,30,Female,USA,Ohio,Akron,Basic,2025-01-01,False,9.99,Mobile,2,2024-12-01 10:00:00
            u2,b@x.org,C,D,40,Male,Canada,Quebec,Laval,Premium,2024-06-15,True,19.99,Smart TV,4,2024-06-01 10:00:00
            u3,c@x.org,E,F,22,Male,USA,Ohio,Akron,Basic,2025-12-01,True,9.99,Mobile,1,2025-11-20 10:00:00
            """);
        File.WriteAllText(_dir.File("movies.csv"), """
            movie_id,title,content_type,genre_primary,genre_secondary,release_year,duration_minutes,rating,language,country_of_origin,imdb_rating,production_budget,box_office_revenue,number_of_seasons,number_of_episodes,is_netflix_original,added_to_platform,content_warning
            m1,One,Movie,Drama,,2020,100,PG,English,USA,7,,,,,False,2021-01-01,False
            m2,Two,Movie,Comedy,,2020,100,PG,English,USA,7,,,,,False,2021-01-01,False
            """);
        File.WriteAllText(_dir.File("watch_history.csv"), """
            session_id,user_id,movie_id,watch_date,device_type,watch_duration_minutes,progress_percentage,action,quality,location_country,is_download,user_rating
            s1,u1,m1,2025-10-29 20:00:00,Mobile,50,50,stopped,HD,USA,False,
            s2,u1,m2,2025-10-10 20:00:00,Mobile,100,100,completed,HD,USA,False,4
            s3,u1,m1,2025-08-20 20:00:00,Mobile,30,30,stopped,HD,USA,False,
            s4,u1,m1,2025-11-05 20:00:00,Mobile,30,30,stopped,HD,USA,False,
            s5,u2,m2,2025-06-01 20:00:00,Smart TV,100,100,completed,HD,Canada,False,
            s6,u2,m2,2025-12-20 20:00:00,Smart TV,100,100,completed,HD,Canada,False,
            """);
        File.WriteAllText(_dir.File("search_logs.csv"), """
            search_id,user_id,search_query,search_date,results_returned,clicked_result_position,device_type,search_duration_seconds,had_typo,used_filters,location_country
            q1,u1,drama,2025-10-20,10,1,Mobile,5,False,False,USA
            q2,u2,comedy,2025-11-15,10,,Tablet,5,False,False,Canada
            """);
        Ingestor.Ingest(_dir.Path, _dir.File("netflix.db"));
    }

    public void Dispose() => _dir.Dispose();

    private IReadOnlyList<ChurnRow> Compute()
    {
        using var db = SqliteDatabase.Open(_dir.File("netflix.db"), readOnly: true, pooling: false);
        return ChurnFeatures.Compute(db, Snapshot);
    }

    [Fact]
    public void Behaviour_features_match_a_hand_count_of_events_before_the_snapshot()
    {
        var rows = Compute();
        Assert.Equal(["u1", "u2"], rows.Select(r => r.UserId)); // u3 subscribed after the snapshot
        var u1 = rows[0].Numeric;
        Assert.True(rows[0].Churned);
        Assert.Equal(1, u1["sessions_7d"]);       // Oct 29
        Assert.Equal(2, u1["sessions_30d"]);      // Oct 29, Oct 10
        Assert.Equal(3, u1["sessions_90d"]);      // + Aug 20
        Assert.Equal(3, u1["sessions_total"]);    // the Nov 5 session is after the snapshot
        Assert.Equal(Math.Log(3) - Math.Log(1.5), u1["watch_trend"], 12); // 2 in 30 days, 1 in the 60 before
        Assert.Equal(3 - 20.0 / 24, u1["days_since_last_watch"], 9);     // Oct 29 20:00
        Assert.Equal(0.6, u1["completion_rate_90d"], 12);                 // (50 + 100 + 30) / 3 / 100
        Assert.Equal(150, u1["minutes_30d"]);
        Assert.Equal(2, u1["titles_90d"]);
        Assert.Equal(1, u1["searches_30d"]);
        Assert.Equal(304, u1["tenure_days"]);     // Jan 1 to Nov 1
        Assert.Equal(1, u1["sessions_after_snapshot"]);
        Assert.Equal(4 + 20.0 / 24, u1["last_activity_days_after_snapshot"], 9); // Nov 5 20:00
        var u2 = rows[1].Numeric;
        Assert.False(rows[1].Churned);
        Assert.Equal(0, u2["sessions_30d"]);
        Assert.Equal(0, u2["searches_90d"]);
        Assert.Equal(1, u2["searches_after_snapshot"]);
        Assert.Equal(153 - 20.0 / 24, u2["days_since_last_watch"], 9); // Jun 1 20:00
        Assert.True(double.IsNaN(u2["completion_rate_90d"]), $"{u2["completion_rate_90d"]}"); // no session in 90 days: the average is NULL
        Assert.Equal(0, u2["minutes_30d"]); // total() of no rows is 0, not NULL
        Assert.Equal("Premium", rows[1].Categorical["subscription_plan"]);
    }

    [Fact]
    public void An_event_after_the_snapshot_changes_no_behaviour_feature()
    {
        var before = Compute();
        using (var db = SqliteDatabase.Open(_dir.File("netflix.db"), pooling: false))
        {
            db.Execute($"INSERT INTO {GoldTables.WatchEvents} (session_id, user_id, movie_id, watch_date, progress_percentage, watch_duration_minutes) VALUES ('late', 'u2', 'm1', '2025-11-01 00:00:00', 100, 90)");
            db.Execute($"INSERT INTO {GoldTables.Searches} (search_id, user_id, search_date) VALUES ('late-q', 'u1', '2025-11-01')");
        }

        var after = Compute();
        var behaviour = FeatureCatalog.Set(FeatureCatalog.Churn, "behaviour").Features.Where(f => f.Kind == Learning.Data.ColumnKind.Numeric).Select(f => f.Name).ToList();
        for (var r = 0; r < before.Count; r++)
        {
            foreach (var feature in behaviour)
            {
                Assert.Equal(before[r].Numeric[feature], after[r].Numeric[feature]);
            }
        }

        Assert.Equal(before[1].Numeric["sessions_after_snapshot"] + 1, after[1].Numeric["sessions_after_snapshot"]);
        Assert.Equal(before[0].Numeric["searches_after_snapshot"] + 1, after[0].Numeric["searches_after_snapshot"]);
    }

    [Fact]
    public void The_snapshot_is_two_months_before_the_data_ends()
    {
        using var db = SqliteDatabase.Open(_dir.File("netflix.db"), readOnly: true, pooling: false);
        // Last activity Dec 20: the day after, minus 61 days.
        Assert.Equal(new DateTime(2025, 10, 21, 0, 0, 0, DateTimeKind.Unspecified), ChurnFeatures.ResolveSnapshot(db));
    }

    [Theory]
    [InlineData("searches")]
    [InlineData("reviews")]
    [InlineData("recommendations")]
    public void The_data_ends_with_the_latest_event_of_any_kind(string kind)
    {
        using (var db = SqliteDatabase.Open(_dir.File("netflix.db"), pooling: false))
        {
            db.Execute(kind switch
            {
                "searches" => $"INSERT INTO {GoldTables.Searches} (search_id, user_id, search_date) VALUES ('late-q', 'u1', '2026-01-09')",
                "reviews" => $"INSERT INTO {GoldTables.Reviews} (review_id, user_id, movie_id, rating, review_date) VALUES ('late-r', 'u1', 'm1', 4, '2026-01-09')",
                _ => $"INSERT INTO {GoldTables.Recommendations} (recommendation_id, user_id, movie_id, recommendation_date, was_clicked) VALUES ('late-c', 'u1', 'm1', '2026-01-09 23:59:59', 0)",
            });
        }

        using var read = SqliteDatabase.Open(_dir.File("netflix.db"), readOnly: true, pooling: false);
        // Jan 10, minus 61 days; a date-only Jan 9 and a Jan 9 23:59:59 end the same day.
        Assert.Equal(new DateTime(2025, 11, 10, 0, 0, 0, DateTimeKind.Unspecified), ChurnFeatures.ResolveSnapshot(read));
    }

    [Fact]
    public void Every_aggregate_but_the_watch_one_is_answered_from_an_index_alone()
    {
        using var db = SqliteDatabase.Open(_dir.File("netflix.db"), readOnly: true, pooling: false);
        var queries = ChurnFeatures.Aggregates(Snapshot);
        foreach (var sql in queries.All)
        {
            var plan = QueryPlan(db, sql);
            Assert.Contains("USING", plan); // never a scan of the bare table
            if (sql != queries.Watch)
            {
                Assert.Contains("USING COVERING INDEX", plan);
            }
        }
    }

    private static string QueryPlan(Microsoft.Data.Sqlite.SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join("\n", lines);
    }
}
