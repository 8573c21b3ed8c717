using System.Globalization;
using Microsoft.Data.Sqlite;
using NetflixML.Features.Catalog;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Storage;
using NetflixML.Learning.Data;

namespace NetflixML.Features.Churn;

/// <summary>One subscriber at the snapshot: feature values by name, and whether they churned (null if unknown).</summary>
public sealed record ChurnRow(string UserId, IReadOnlyDictionary<string, double> Numeric, IReadOnlyDictionary<string, string?> Categorical, bool? Churned);

/// <summary>
/// Churn features at a snapshot date. Behaviour features use only events strictly before the snapshot; the label is
/// users.is_active = false (the subscription ended in the 30 days after the snapshot). The post-snapshot columns
/// exist for the leakage audit and are never in a deployable set.
/// </summary>
public static class ChurnFeatures
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The event tables, each with its date column; any event in them is activity.</summary>
    private static readonly (string Table, string DateColumn)[] ActivityTables =
    [
        (GoldTables.WatchEvents, "watch_date"), (GoldTables.Searches, "search_date"), (GoldTables.Reviews, "review_date"), (GoldTables.Recommendations, "recommendation_date"),
    ];

    /// <summary>Days since the last watch or activity are counted up to this many (a year).</summary>
    public const double DaysCap = 365;

    /// <summary>ln(1 + sessions in the last 30 days) - ln(1 + half the sessions 31-90 days before): negative when viewing falls.</summary>
    public static double WatchTrend(double sessions30d, double sessions31To90d) => Math.Log(1 + sessions30d) - Math.Log(1 + (sessions31To90d / 2));

    /// <summary>
    /// The snapshot: 61 days before the day after the last recorded activity, i.e. two months before the data ends
    /// (a 30-day label window and a month after it). For the synthetic data this is its planted snapshot, 2025-11-01.
    /// </summary>
    public static DateTime ResolveSnapshot(SqliteConnection db)
    {
        // Only the latest event of each kind matters here, which each table's (user, date) index answers without
        // grouping by subscriber; the per-subscriber pass took three times as long at scale 10.
        var last = ActivityTables
            .Select(t => db.Scalar<string?>($"SELECT max({t.DateColumn}) FROM {t.Table}") is { } text ? DateTime.Parse(text, Inv) : DateTime.MinValue)
            .Max();
        if (last == DateTime.MinValue)
        {
            throw new TaskDataException("The database has no watch, search, review or recommendation events, so there is no snapshot to compute churn features at.");
        }

        return last.Date.AddDays(1).AddDays(-61);
    }

    /// <summary>
    /// The per-subscriber aggregates <see cref="Compute"/> runs (it reads their columns by position). All but the watch
    /// aggregate, which needs progress and duration, are answered from an index alone.
    /// </summary>
    internal sealed record AggregateQueries(string Watch, string Searches, string Reviews, string Recommendations, string WatchAfter, string SearchesAfter)
    {
        public IEnumerable<string> All => [Watch, Searches, Reviews, Recommendations, WatchAfter, SearchesAfter];
    }

    internal static AggregateQueries Aggregates(DateTime snapshot)
    {
        var s = snapshot.ToString("yyyy-MM-dd HH:mm:ss", Inv);
        var sd = snapshot.ToString("yyyy-MM-dd", Inv);
        string Days(int days, bool dateOnly) => snapshot.AddDays(-days).ToString(dateOnly ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", Inv);

        return new AggregateQueries(
            Watch: $"""
                SELECT user_id, count(*),
                  sum(watch_date >= '{Days(7, false)}'), sum(watch_date >= '{Days(30, false)}'), sum(watch_date >= '{Days(90, false)}'),
                  sum(watch_date >= '{Days(90, false)}' AND watch_date < '{Days(30, false)}'),
                  max(watch_date),
                  avg(CASE WHEN watch_date >= '{Days(90, false)}' THEN progress_percentage END),
                  total(CASE WHEN watch_date >= '{Days(30, false)}' THEN watch_duration_minutes END),
                  count(DISTINCT CASE WHEN watch_date >= '{Days(90, false)}' THEN movie_id END)
                FROM {GoldTables.WatchEvents} WHERE watch_date < '{s}' GROUP BY user_id
                """,
            Searches: $"""
                SELECT user_id, sum(search_date >= '{Days(30, true)}'), sum(search_date >= '{Days(90, true)}'), max(search_date)
                FROM {GoldTables.Searches} WHERE search_date < '{sd}' GROUP BY user_id
                """,
            Reviews: $"""
                SELECT user_id, sum(review_date >= '{Days(90, true)}'), avg(rating), max(review_date)
                FROM {GoldTables.Reviews} WHERE review_date < '{sd}' GROUP BY user_id
                """,
            Recommendations: $"""
                SELECT user_id, sum(was_clicked = 1 AND recommendation_date >= '{Days(30, false)}'),
                  sum(recommendation_date >= '{Days(90, false)}'), sum(was_clicked = 1 AND recommendation_date >= '{Days(90, false)}'), max(recommendation_date)
                FROM {GoldTables.Recommendations} WHERE recommendation_date < '{s}' GROUP BY user_id
                """,
            WatchAfter: $"SELECT user_id, count(*) FROM {GoldTables.WatchEvents} WHERE watch_date >= '{s}' GROUP BY user_id",
            SearchesAfter: $"SELECT user_id, count(*) FROM {GoldTables.Searches} WHERE search_date >= '{sd}' GROUP BY user_id");
    }

    /// <summary>Features of every subscriber who had subscribed before the snapshot.</summary>
    public static IReadOnlyList<ChurnRow> Compute(SqliteConnection db, DateTime snapshot)
    {
        var sd = snapshot.ToString("yyyy-MM-dd", Inv);
        var sql = Aggregates(snapshot);
        var watch = Query(db, sql.Watch);
        var searches = Query(db, sql.Searches);
        var reviews = Query(db, sql.Reviews);
        var recommendations = Query(db, sql.Recommendations);
        var watchAfter = Query(db, sql.WatchAfter);
        var searchesAfter = Query(db, sql.SearchesAfter);
        var lastActivity = LastActivity(db);

        var rows = new List<ChurnRow>();
        using var users = db.CreateCommand();
        users.CommandText = $"SELECT user_id, subscription_plan, subscription_start_date, monthly_spend, household_size, primary_device, age, country, is_active FROM {GoldTables.Users} WHERE subscription_start_date < '{sd}' ORDER BY user_id";
        using var reader = users.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            double Get(int i) => reader.IsDBNull(i) ? double.NaN : reader.GetDouble(i);
            var start = DateTime.ParseExact(reader.GetString(2), "yyyy-MM-dd", Inv);
            var sinceStart = Math.Min(DaysCap, (snapshot - start).TotalDays);
            var w = watch.GetValueOrDefault(id);
            var se = searches.GetValueOrDefault(id);
            var rv = reviews.GetValueOrDefault(id);
            var rc = recommendations.GetValueOrDefault(id);
            double Count(object?[]? values, int i) => values?[i] is { } v ? Convert.ToDouble(v, Inv) : 0;
            double Value(object?[]? values, int i) => values?[i] is { } v ? Convert.ToDouble(v, Inv) : double.NaN;
            DateTime? Date(object?[]? values, int i) => values?[i] is string text ? DateTime.Parse(text, Inv) : null;
            double DaysSince(DateTime? date) => date is { } d ? Math.Min(DaysCap, (snapshot - d).TotalDays) : sinceStart;

            // Column positions follow each query's SELECT list, after user_id.
            var lastWatch = Date(w, 5);
            var lastBefore = new[] { lastWatch, Date(se, 2), Date(rv, 2), Date(rc, 3) }.Where(d => d is not null).Max();
            var sessions30 = Count(w, 2);
            var sessions31To90 = Count(w, 4);
            var impressions90 = Count(rc, 1);
            // Sized as the last row's, so it is filled without growing.
            var numeric = new Dictionary<string, double>(rows.Count > 0 ? rows[^1].Numeric.Count : 0)
            {
                ["tenure_days"] = (snapshot - start).TotalDays,
                ["monthly_spend"] = Get(3),
                ["household_size"] = Get(4),
                ["age"] = Get(6),
                ["sessions_7d"] = Count(w, 1),
                ["sessions_30d"] = sessions30,
                ["sessions_90d"] = Count(w, 3),
                ["sessions_total"] = Count(w, 0),
                ["watch_trend"] = WatchTrend(sessions30, sessions31To90),
                ["days_since_last_watch"] = DaysSince(lastWatch),
                ["completion_rate_90d"] = Value(w, 6) / 100,
                ["minutes_30d"] = Count(w, 7),
                ["titles_90d"] = Count(w, 8),
                ["searches_30d"] = Count(se, 0),
                ["searches_90d"] = Count(se, 1),
                ["reviews_90d"] = Count(rv, 0),
                ["mean_review_rating"] = Value(rv, 1),
                ["recommendation_clicks_30d"] = Count(rc, 0),
                ["recommendation_click_rate_90d"] = impressions90 > 0 ? Count(rc, 2) / impressions90 : double.NaN,
                ["days_since_last_activity"] = DaysSince(lastBefore),
                ["sessions_after_snapshot"] = Count(watchAfter.GetValueOrDefault(id), 0),
                ["searches_after_snapshot"] = Count(searchesAfter.GetValueOrDefault(id), 0),
                ["last_activity_days_after_snapshot"] = lastActivity.TryGetValue(id, out var last) ? (last - snapshot).TotalDays : double.NaN,
            };
            var categorical = new Dictionary<string, string?>
            {
                ["subscription_plan"] = reader.IsDBNull(1) ? null : reader.GetString(1),
                ["primary_device"] = reader.IsDBNull(5) ? null : reader.GetString(5),
                ["country"] = reader.IsDBNull(7) ? null : reader.GetString(7),
            };
            rows.Add(new ChurnRow(id, numeric, categorical, reader.IsDBNull(8) ? null : reader.GetInt64(8) == 0));
        }

        return rows;
    }

    public static TabularData Build(IReadOnlyList<ChurnRow> rows, FeatureSet set, bool withLabels = true)
    {
        var builder = new TabularDataBuilder();
        foreach (var feature in set.Features)
        {
            if (feature.Kind == ColumnKind.Numeric)
            {
                builder.AddNumeric(feature.Name, rows.Select(r => r.Numeric[feature.Name]).ToArray());
            }
            else
            {
                builder.AddCategorical(feature.Name, rows.Select(r => r.Categorical[feature.Name]).ToArray());
            }
        }

        if (withLabels)
        {
            builder.WithLabels(rows.Select(r => r.Churned is { } c ? (c ? 1f : 0f) : throw new ArgumentException($"Subscriber '{r.UserId}' has no churn outcome.")).ToArray());
        }

        return builder.Build();
    }

    /// <summary>Each user's last recorded activity of any kind, at any time.</summary>
    private static Dictionary<string, DateTime> LastActivity(SqliteConnection db)
    {
        var result = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var (table, column) in ActivityTables)
        {
            foreach (var (user, values) in Query(db, $"SELECT user_id, max({column}) FROM {table} GROUP BY user_id"))
            {
                if (values[0] is string text)
                {
                    var date = DateTime.Parse(text, Inv);
                    if (!result.TryGetValue(user, out var known) || date > known)
                    {
                        result[user] = date;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Runs a per-user aggregate; the first column is user_id, the rest are returned by user.</summary>
    private static Dictionary<string, object?[]> Query(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;

        using var reader = command.ExecuteReader();
        var result = new Dictionary<string, object?[]>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var values = new object?[reader.FieldCount - 1];
            for (var i = 1; i < reader.FieldCount; i++)
            {
                // GetValue answers DBNull for NULL; asking IsDBNull first reads the column's type a second time.
                var value = reader.GetValue(i);
                values[i - 1] = value is DBNull ? null : value;
            }

            result[reader.GetString(0)] = values;
        }

        return result;
    }
}
