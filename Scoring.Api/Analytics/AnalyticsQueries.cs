using System.Globalization;
using Microsoft.Data.Sqlite;
using NetflixML.Features.Ingestion;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Data;

namespace NetflixML.Scoring.Api.Analytics;

/// <summary>
/// The dashboard's figures, each one SQL aggregation over the gold tables (SQLite does the counting; C# only shapes
/// the rows). Missing values are grouped as "Unknown" rather than dropped. A title counts for each of its genres.
/// </summary>
public static class AnalyticsQueries
{
    public const string Unknown = "Unknown";

    /// <summary>Ways subscribers can be grouped in the genre flows, and the SQL expression of each.</summary>
    public static readonly IReadOnlyDictionary<string, string> FlowGroups = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["plan"] = "u.subscription_plan",
        ["device"] = "u.primary_device",
        ["country"] = "u.country",
        ["age"] = "CASE WHEN u.age IS NULL THEN NULL WHEN u.age < 25 THEN 'under 25' WHEN u.age < 35 THEN '25-34' WHEN u.age < 50 THEN '35-49' WHEN u.age < 65 THEN '50-64' ELSE '65 and over' END",
    };

    // Each title once per genre it has.
    private static readonly string TitleGenres = $"""
        SELECT movie_id, genre_primary AS genre FROM {GoldTables.Movies} WHERE genre_primary IS NOT NULL
        UNION SELECT movie_id, genre_secondary FROM {GoldTables.Movies} WHERE genre_secondary IS NOT NULL
        """;

    public static IReadOnlyList<CountryCount> Countries(SqliteConnection db) =>
        Rows(db, $"SELECT COALESCE(country, '{Unknown}') AS c, COUNT(*) FROM {GoldTables.Users} GROUP BY c ORDER BY 2 DESC, c", r => new CountryCount(r.GetString(0), r.GetInt32(1)));

    public static IReadOnlyList<string> Plans(SqliteConnection db) =>
        Rows(db, $"SELECT COALESCE(subscription_plan, '{Unknown}') AS p, COUNT(*) FROM {GoldTables.Users} GROUP BY p ORDER BY 2 DESC, p", r => r.GetString(0));

    public static PlansAndDevices PlansAndDevices(SqliteConnection db, string country)
    {
        IReadOnlyList<LabelCount> Counts(string column) => Rows(
            db,
            $"SELECT COALESCE({column}, '{Unknown}') AS v, COUNT(*) FROM {GoldTables.Users} WHERE COALESCE(country, '{Unknown}') = $country GROUP BY v ORDER BY 2 DESC, v",
            r => new LabelCount(r.GetString(0), r.GetInt32(1)),
            ("$country", country));
        var plans = Counts("subscription_plan");
        return new PlansAndDevices(country, plans.Sum(p => p.Subscribers), plans, Counts("primary_device"));
    }

    public static PlansAcrossCountries PlansAcrossCountries(SqliteConnection db)
    {
        var plans = Plans(db);
        var cells = Rows(
            db,
            $"SELECT COALESCE(country, '{Unknown}'), COALESCE(subscription_plan, '{Unknown}'), COUNT(*) FROM {GoldTables.Users} GROUP BY 1, 2",
            r => (Country: r.GetString(0), Plan: r.GetString(1), Count: r.GetInt32(2)));
        var countries = Countries(db).Select(c => new CountryPlans(
            c.Country,
            plans.Select(p => cells.Where(x => x.Country == c.Country && x.Plan == p).Sum(x => x.Count)).ToList())).ToList();
        return new PlansAcrossCountries(plans, countries);
    }

    public static UsersPerCountry UsersPerCountry(SqliteConnection db, string plan) => new(
        plan,
        Rows(
            db,
            $"SELECT COALESCE(country, '{Unknown}') AS c, COUNT(*) FROM {GoldTables.Users} WHERE COALESCE(subscription_plan, '{Unknown}') = $plan GROUP BY c ORDER BY 2 DESC, c",
            r => new CountryCount(r.GetString(0), r.GetInt32(1)),
            ("$plan", plan)));

    public static IReadOnlyList<GenrePopularity> GenrePopularity(SqliteConnection db) => Rows(
        db,
        $"""
        WITH g AS ({TitleGenres})
        SELECT g.genre, COUNT(*), COUNT(DISTINCT w.user_id), TOTAL(w.watch_duration_minutes) / 60.0, COUNT(DISTINCT w.movie_id)
        FROM {GoldTables.WatchEvents} w JOIN g ON g.movie_id = w.movie_id
        GROUP BY g.genre ORDER BY 2 DESC, g.genre
        """,
        r => new GenrePopularity(r.GetString(0), r.GetInt32(1), r.GetInt32(2), Math.Round(r.GetDouble(3), 1), r.GetInt32(4)));

    public static IReadOnlyList<GenreRatings> RatingsByGenre(SqliteConnection db)
    {
        // SQL counts each rating value per genre; the quartiles are read off those counts.
        var histogram = Rows(
            db,
            $"""
            WITH g AS ({TitleGenres})
            SELECT g.genre, r.rating, COUNT(*) FROM {GoldTables.Ratings} r JOIN g ON g.movie_id = r.movie_id
            WHERE r.rating IS NOT NULL GROUP BY g.genre, r.rating ORDER BY g.genre, r.rating
            """,
            r => (Genre: r.GetString(0), Rating: r.GetDouble(1), Count: r.GetInt32(2)));
        return histogram.GroupBy(h => h.Genre)
            .Select(g =>
            {
                var values = g.Select(h => (h.Rating, h.Count)).ToList();
                var n = values.Sum(v => v.Count);
                return new GenreRatings(
                    g.Key,
                    n,
                    Math.Round(values.Sum(v => v.Rating * v.Count) / n, 4),
                    values[0].Rating,
                    Quantile(values, n, 0.25),
                    Quantile(values, n, 0.5),
                    Quantile(values, n, 0.75),
                    values[^1].Rating);
            })
            .OrderByDescending(r => r.Median).ThenByDescending(r => r.Mean).ThenBy(r => r.Genre, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The p-quantile of sorted (value, count) pairs, interpolating between order statistics (R's type 7).</summary>
    public static double Quantile(IReadOnlyList<(double Value, int Count)> sorted, int n, double p)
    {
        var h = (n - 1) * p;
        var lower = (int)Math.Floor(h);
        return At(lower) + ((h - lower) * (At(Math.Min(lower + 1, n - 1)) - At(lower)));

        double At(int index)
        {
            foreach (var (value, count) in sorted)
            {
                if (index < count)
                {
                    return value;
                }

                index -= count;
            }

            throw new ArgumentOutOfRangeException(nameof(index));
        }
    }

    public static DeviceEngagement DeviceEngagement(SqliteConnection db, int top)
    {
        var devices = Rows(db, $"SELECT COALESCE(device_type, '{Unknown}') AS d FROM {GoldTables.WatchEvents} GROUP BY d ORDER BY COUNT(*) DESC, d", r => r.GetString(0));
        var cells = Rows(
            db,
            $"""
            WITH top AS (
              SELECT user_id, TOTAL(watch_duration_minutes) AS minutes FROM {GoldTables.WatchEvents}
              GROUP BY user_id ORDER BY minutes DESC, user_id LIMIT $top)
            SELECT w.user_id, COALESCE(w.device_type, '{Unknown}'), TOTAL(w.watch_duration_minutes), top.minutes
            FROM {GoldTables.WatchEvents} w JOIN top ON top.user_id = w.user_id
            GROUP BY w.user_id, 2 ORDER BY top.minutes DESC, w.user_id
            """,
            r => (User: r.GetString(0), Device: r.GetString(1), Minutes: r.GetDouble(2), Total: r.GetDouble(3)),
            ("$top", top));
        var subscribers = cells.GroupBy(c => c.User)
            .Select(g => new SubscriberEngagement(g.Key, Math.Round(g.First().Total, 1), devices.Select(d => Math.Round(g.Where(c => c.Device == d).Sum(c => c.Minutes), 1)).ToList()))
            .ToList();
        return new DeviceEngagement(devices, subscribers);
    }

    /// <summary>The titles watched by the most subscribers.</summary>
    public static IReadOnlyList<string> MostWatched(SqliteConnection db, int count) =>
        Rows(db, $"SELECT movie_id FROM {GoldTables.WatchEvents} GROUP BY movie_id ORDER BY COUNT(DISTINCT user_id) DESC, movie_id LIMIT $n", r => r.GetString(0), ("$n", count));

    /// <summary>Audience overlap of titles: the cosine of their viewer sets, shared / sqrt(viewers a x viewers b).</summary>
    /// <param name="db">The database.</param>
    /// <param name="titles">Title ids in the catalogue.</param>
    /// <param name="movies">The catalogue (already in memory), for the titles' names.</param>
    public static TitleSimilarity TitleSimilarity(SqliteConnection db, IReadOnlyList<string> titles, IReadOnlyDictionary<string, TitleInfo> movies)
    {
        var parameters = titles.Select((t, i) => ($"$t{i}", (object)t)).ToArray();
        var list = string.Join(", ", parameters.Select(p => p.Item1));
        var shared = Rows(
            db,
            $"""
            SELECT a.movie_id, b.movie_id, COUNT(DISTINCT a.user_id)
            FROM {GoldTables.WatchEvents} a JOIN {GoldTables.WatchEvents} b ON a.user_id = b.user_id
            WHERE a.movie_id IN ({list}) AND b.movie_id IN ({list})
            GROUP BY a.movie_id, b.movie_id
            """,
            r => (A: r.GetString(0), B: r.GetString(1), Count: r.GetInt32(2)),
            parameters).ToDictionary(r => (r.A, r.B), r => r.Count);
        int Shared(string a, string b) => shared.GetValueOrDefault((a, b));
        var viewers = titles.Select(t => Shared(t, t)).ToList();
        var counts = titles.Select(a => (IReadOnlyList<int>)titles.Select(b => Shared(a, b)).ToList()).ToList();
        var similarity = titles.Select((a, i) => (IReadOnlyList<double>)titles.Select((b, j) =>
            viewers[i] == 0 || viewers[j] == 0 ? 0 : Math.Round(Shared(a, b) / Math.Sqrt((double)viewers[i] * viewers[j]), 4)).ToList()).ToList();
        return new TitleSimilarity(
            "cosine of the titles' viewer sets: subscribers who watched both / sqrt(viewers of one x viewers of the other)",
            titles.Select((t, i) => new TitleViewers(t, movies[t].Name, viewers[i])).ToList(),
            similarity,
            counts);
    }

    public static GenreFlows GenreFlows(SqliteConnection db, string groupBy, int topGenres)
    {
        var cells = Rows(
            db,
            $"""
            WITH g AS ({TitleGenres})
            SELECT COALESCE({FlowGroups[groupBy]}, '{Unknown}'), g.genre, COUNT(*)
            FROM {GoldTables.WatchEvents} w JOIN {GoldTables.Users} u ON u.user_id = w.user_id JOIN g ON g.movie_id = w.movie_id
            GROUP BY 1, 2
            """,
            r => (Source: r.GetString(0), Genre: r.GetString(1), Views: r.GetInt32(2)));
        var genres = cells.GroupBy(c => c.Genre).OrderByDescending(g => g.Sum(c => c.Views)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(topGenres).Select(g => g.Key).ToList();
        var shown = genres.ToHashSet(StringComparer.Ordinal);
        if (cells.Any(c => !shown.Contains(c.Genre)))
        {
            genres.Add("Other");
        }

        var sources = cells.GroupBy(c => c.Source).OrderByDescending(g => g.Sum(c => c.Views)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList();
        var flows = cells.GroupBy(c => (c.Source, Genre: shown.Contains(c.Genre) ? c.Genre : "Other"))
            .Select(g => new GenreFlow(g.Key.Source, g.Key.Genre, g.Sum(c => c.Views)))
            .OrderBy(f => sources.IndexOf(f.Source)).ThenBy(f => genres.IndexOf(f.Genre))
            .ToList();
        return new GenreFlows(groupBy, sources, genres, flows);
    }

    private static List<T> Rows<T>(SqliteConnection db, string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    internal static string Key(params object[] parts) => string.Join('|', parts.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)));
}
