using System.Globalization;
using Microsoft.Data.Sqlite;
using NetflixML.Features.Ingestion;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Data;

namespace NetflixML.Scoring.Api.Analytics;

/// <summary>
/// The dashboard's figures. Those over subscribers and ratings are one SQL aggregation each (SQLite does the counting;
/// C# only shapes the rows); those over viewing are counted from the events in memory (<see cref="ViewingFacts"/>),
/// and shaped here. Missing values are grouped as "Unknown" rather than dropped. A title counts for each of its genres.
/// </summary>
public static class AnalyticsQueries
{
    public const string Unknown = "Unknown";

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

    /// <summary>Audience overlap of titles: the cosine of their viewer sets, shared / sqrt(viewers a x viewers b).</summary>
    /// <param name="viewing">The database version's viewing.</param>
    /// <param name="titles">Title ids in the catalogue.</param>
    /// <param name="movies">The catalogue (already in memory), for the titles' names.</param>
    public static TitleSimilarity TitleSimilarity(ViewingFacts viewing, IReadOnlyList<string> titles, IReadOnlyDictionary<string, TitleInfo> movies)
    {
        var shared = viewing.SharedViewers(titles);
        var viewers = titles.Select((_, i) => shared[i, i]).ToList();
        var counts = titles.Select((_, i) => (IReadOnlyList<int>)titles.Select((_, j) => shared[i, j]).ToList()).ToList();
        var similarity = titles.Select((_, i) => (IReadOnlyList<double>)titles.Select((_, j) =>
            viewers[i] == 0 || viewers[j] == 0 ? 0 : Math.Round(shared[i, j] / Math.Sqrt((double)viewers[i] * viewers[j]), 4)).ToList()).ToList();
        return new TitleSimilarity(
            "cosine of the titles' viewer sets: subscribers who watched both / sqrt(viewers of one x viewers of the other)",
            titles.Select((t, i) => new TitleViewers(t, movies[t].Name, viewers[i])).ToList(),
            similarity,
            counts);
    }

    public static GenreFlows GenreFlows(ViewingFacts viewing, string groupBy, int topGenres)
    {
        var cells = viewing.ViewsByGroupAndGenre(groupBy).Select(c => (Source: c.Group, c.Genre, c.Views)).ToList();
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
