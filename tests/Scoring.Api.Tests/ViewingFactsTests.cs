using Microsoft.Data.Sqlite;
using NetflixML.Scoring.Api.Analytics;
using NetflixML.Scoring.Api.Data;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>
/// The viewing figures on a handful of rows worked out by hand, including the rows the SQL they replace treated
/// specially: a subscriber missing from gold_users (counted in viewing, not grouped in the flows), missing device,
/// duration, plan and age (Unknown, zero minutes), a title without genres, and repeat views of one title.
/// </summary>
public sealed class ViewingFactsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"viewing-{Guid.NewGuid():N}.db");
    private readonly ViewingFacts _viewing;

    private static readonly Dictionary<string, TitleInfo> Movies = new(StringComparer.Ordinal)
    {
        ["m1"] = new("m1", "One", ["Drama", "Comedy"]),
        ["m2"] = new("m2", "Two", ["Drama"]),
        ["m3"] = new("m3", "Three", []),
    };

    public ViewingFactsTests()
    {
        using var db = new SqliteConnection($"Data Source={_path};Pooling=False");
        db.Open();
        using (var command = db.CreateCommand())
        {
            command.CommandText = """
                CREATE TABLE gold_users(user_id TEXT, subscription_plan TEXT, primary_device TEXT, country TEXT, age REAL);
                INSERT INTO gold_users VALUES ('u1', 'Basic', 'Smart TV', 'USA', 20), ('u2', NULL, NULL, NULL, NULL), ('u3', 'Premium', 'Mobile', 'UK', 70);
                CREATE TABLE gold_watch_events(user_id TEXT, movie_id TEXT, device_type TEXT, watch_duration_minutes REAL);
                INSERT INTO gold_watch_events VALUES
                  ('u1', 'm1', 'Mobile', 10), ('u1', 'm1', 'Mobile', 20), ('u1', 'm2', NULL, 30),
                  ('u2', 'm1', 'TV', NULL), ('u4', 'm2', 'TV', 5), ('u3', 'm3', 'TV', 40);
                """;
            command.ExecuteNonQuery();
        }

        _viewing = ViewingFacts.Read(db, Movies);
    }

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Genre_popularity_counts_views_distinct_viewers_hours_and_titles_per_genre()
    {
        Assert.Equal(
            [new("Drama", 5, 3, 1.1, 2), new("Comedy", 3, 2, 0.5, 1)], // Drama: 10+20+0+30+5 = 65 minutes
            _viewing.GenrePopularity());
    }

    [Fact]
    public void Device_engagement_ranks_subscribers_by_minutes_and_devices_by_events()
    {
        var engagement = _viewing.DeviceEngagement(4);

        Assert.Equal(["TV", "Mobile", "Unknown"], engagement.Devices);
        Assert.Equal(["u1", "u3", "u4", "u2"], engagement.Subscribers.Select(s => s.UserId));
        Assert.Equal([60, 40, 5, 0], engagement.Subscribers.Select(s => s.TotalMinutes));
        Assert.Equal([0, 30, 30], engagement.Subscribers[0].Minutes);
        Assert.Equal([40, 0, 0], engagement.Subscribers[1].Minutes);
        Assert.Equal(["u1"], _viewing.DeviceEngagement(1).Subscribers.Select(s => s.UserId));
    }

    [Fact]
    public void Viewers_are_distinct_subscribers_per_title_and_pair()
    {
        Assert.Equal(["m1", "m2"], _viewing.MostWatched(2)); // two viewers each, ties by id; m3 has one

        var shared = _viewing.SharedViewers(["m1", "m2", "m3"]);

        Assert.Equal(new[,] { { 2, 1, 0 }, { 1, 2, 0 }, { 0, 0, 1 } }, shared);
    }

    [Fact]
    public void Genre_flows_group_only_subscribers_in_gold_users_and_name_missing_values_unknown()
    {
        Assert.Equivalent(
            new[] { ("Basic", "Drama", 3), ("Basic", "Comedy", 2), ("Unknown", "Drama", 1), ("Unknown", "Comedy", 1) },
            _viewing.ViewsByGroupAndGenre("plan"),
            strict: true);
        Assert.Equivalent(
            new[] { ("under 25", "Drama", 3), ("under 25", "Comedy", 2), ("Unknown", "Drama", 1), ("Unknown", "Comedy", 1) },
            _viewing.ViewsByGroupAndGenre("age"),
            strict: true);
        Assert.Throws<ArgumentOutOfRangeException>(() => _viewing.ViewsByGroupAndGenre("zodiac"));
    }

    [Fact]
    public void Watched_titles_are_distinct_and_in_id_order_for_anyone_with_events()
    {
        Assert.Equal(["m1", "m2"], _viewing.WatchedBy("u1"));
        Assert.Equal(["m2"], _viewing.WatchedBy("u4"));
        Assert.Empty(_viewing.WatchedBy("u9"));
        Assert.Equal(6, _viewing.Count);
        Assert.True(_viewing.IsSubscriber("u2"));
        Assert.False(_viewing.IsSubscriber("u4"));
    }

    [Fact]
    public void Watched_titles_are_in_ordinal_id_order_whatever_order_they_were_watched_in()
    {
        // Watched against id order, with repeats; ordinal order puts capitals first and "t10" before "t2".
        var path = Path.Combine(Path.GetTempPath(), $"viewing-order-{Guid.NewGuid():N}.db");
        try
        {
            ViewingFacts viewing;
            using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                db.Open();
                using var command = db.CreateCommand();
                command.CommandText = """
                    CREATE TABLE gold_users(user_id TEXT, subscription_plan TEXT, primary_device TEXT, country TEXT, age REAL);
                    CREATE TABLE gold_watch_events(user_id TEXT, movie_id TEXT, device_type TEXT, watch_duration_minutes REAL);
                    INSERT INTO gold_watch_events VALUES ('a', 't2', 'TV', 1), ('b', 't1', 'TV', 1), ('a', 't10', 'TV', 1), ('a', 't2', 'TV', 1),
                      ('a', 'T3', 'TV', 1), ('a', 't1', 'TV', 1), ('b', 'T3', 'TV', 1), ('a', 't10', 'TV', 1);
                    """;
                command.ExecuteNonQuery();
                viewing = ViewingFacts.Read(db, Movies);
            }

            Assert.Equal(["T3", "t1", "t10", "t2"], viewing.WatchedBy("a"));
            Assert.Equal(["T3", "t1"], viewing.WatchedBy("b"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(null, "Unknown")]
    [InlineData(24.9, "under 25")]
    [InlineData(25.0, "25-34")]
    [InlineData(49.0, "35-49")]
    [InlineData(64.5, "50-64")]
    [InlineData(65.0, "65 and over")]
    public void Age_bands_start_at_each_boundary(double? age, string band) => Assert.Equal(band, ViewingFacts.AgeBand(age));
}
