using NetflixML.Learning.Data;

namespace NetflixML.Features.Catalog;

/// <summary>
/// Every feature the tasks use, with its availability, and the feature sets built from them. This is the contract
/// between training and serving: a model's manifest lists its set's features with their availability.
/// </summary>
public static class FeatureCatalog
{
    public const string Top10 = "top10";
    public const string Churn = "churn";
    public const string Recommend = "recommend";

    public static IReadOnlyList<string> Tasks { get; } = [Top10, Churn, Recommend];

    private static FeatureDefinition Known(string name, ColumnKind kind, string source, string description) => new(name, kind, Availability.Known, source, description);

    private static FeatureDefinition Early(string name, ColumnKind kind, string source, string description) => new(name, kind, Availability.EarlySignal, source, description);

    private static FeatureDefinition Post(string name, ColumnKind kind, string source, string description) => new(name, kind, Availability.PostOutcome, source, description);

    public static IReadOnlyList<FeatureDefinition> Top10Features { get; } =
    [
        Known("genres", ColumnKind.CategoricalSet, "gold_titles.genres", "The title's genres."),
        Known("certificate", ColumnKind.Categorical, "gold_titles.certificate", "Age certificate (G, PG-13, TV-MA ...)."),
        Known("runtime_minutes", ColumnKind.Numeric, "gold_titles.runtime_minutes", "Runtime in minutes (an episode for series)."),
        Known("release_month", ColumnKind.Categorical, "gold_titles.release_date", "Calendar month of release (seasonality)."),
        Known("is_original", ColumnKind.Numeric, "gold_titles.is_original", "1 for a Netflix original."),
        Known("log_budget", ColumnKind.Numeric, "gold_titles.budget_usd", "ln(1 + production budget in USD)."),
        Known("director_prior_titles", ColumnKind.Numeric, "gold_titles (earlier titles)", "Titles by the same director whose outcome was settled before this release (released 8+ weeks earlier)."),
        Known("director_track_record", ColumnKind.Numeric, "gold_titles (earlier titles)", "The director's Top-10 rate over those settled earlier titles, shrunk toward the rate of all settled titles."),
        Known("cast_track_record", ColumnKind.Numeric, "gold_titles (earlier titles)", "Mean over the cast of each actor's shrunk Top-10 rate over settled earlier titles."),
        Known("cast_best_track_record", ColumnKind.Numeric, "gold_titles (earlier titles)", "The best such rate among the cast."),
        Early("log_first_week_hours", ColumnKind.Numeric, "gold_titles.first_week_hours_viewed", "ln(1 + hours viewed in the first week after release): known once that week is over."),
        Post("imdb_rating", ColumnKind.Numeric, "gold_titles.imdb_rating", "IMDb rating, collected after release and after any Top-10 run."),
        Post("log_votes", ColumnKind.Numeric, "gold_titles.votes", "ln(1 + IMDb votes): accumulates with exposure, including a Top-10 run."),
        Post("meta_score", ColumnKind.Numeric, "gold_titles.meta_score", "Metacritic score as collected with the study's data, after the outcome."),
        Post("weekly_hours_viewed", ColumnKind.Numeric, "gold_titles.weekly_hours_viewed", "Hours viewed in a Top-10 week (as the study recorded it)."),
        Post("cumulative_weeks_in_top_10", ColumnKind.Numeric, "gold_titles.cumulative_weeks_in_top_10", "Weeks spent in the Top 10."),
        Post("weekly_views", ColumnKind.Numeric, "study layout: weekly_views", "Views in a Top-10 week (the study's layout only)."),
    ];

    public static IReadOnlyList<FeatureDefinition> ChurnFeatures { get; } =
    [
        Known("subscription_plan", ColumnKind.Categorical, "gold_users.subscription_plan", "Plan at the snapshot."),
        Known("tenure_days", ColumnKind.Numeric, "gold_users.subscription_start_date", "Days subscribed before the snapshot."),
        Known("monthly_spend", ColumnKind.Numeric, "gold_users.monthly_spend", "Monthly spend in USD."),
        Known("household_size", ColumnKind.Numeric, "gold_users.household_size", "People in the household."),
        Known("primary_device", ColumnKind.Categorical, "gold_users.primary_device", "Main viewing device."),
        Known("age", ColumnKind.Numeric, "gold_users.age", "Age in years."),
        Known("country", ColumnKind.Categorical, "gold_users.country", "USA or Canada."),
        Known("sessions_7d", ColumnKind.Numeric, "gold_watch_events before the snapshot", "Viewing sessions in the 7 days before the snapshot."),
        Known("sessions_30d", ColumnKind.Numeric, "gold_watch_events before the snapshot", "Viewing sessions in the 30 days before the snapshot."),
        Known("sessions_90d", ColumnKind.Numeric, "gold_watch_events before the snapshot", "Viewing sessions in the 90 days before the snapshot."),
        Known("sessions_total", ColumnKind.Numeric, "gold_watch_events before the snapshot", "All viewing sessions before the snapshot."),
        Known("watch_trend", ColumnKind.Numeric, "gold_watch_events before the snapshot", "ln(1 + sessions in the last 30 days) - ln(1 + half the sessions 31-90 days before): falling engagement is negative."),
        Known("days_since_last_watch", ColumnKind.Numeric, "gold_watch_events before the snapshot", "Days from the last session to the snapshot (capped at 365; from the subscription start if none)."),
        Known("completion_rate_90d", ColumnKind.Numeric, "gold_watch_events before the snapshot", "Mean progress (0-1) of sessions in the last 90 days."),
        Known("minutes_30d", ColumnKind.Numeric, "gold_watch_events before the snapshot", "Minutes watched in the last 30 days."),
        Known("titles_90d", ColumnKind.Numeric, "gold_watch_events before the snapshot", "Distinct titles watched in the last 90 days."),
        Known("searches_30d", ColumnKind.Numeric, "gold_searches before the snapshot", "Searches in the last 30 days."),
        Known("searches_90d", ColumnKind.Numeric, "gold_searches before the snapshot", "Searches in the last 90 days."),
        Known("reviews_90d", ColumnKind.Numeric, "gold_reviews before the snapshot", "Reviews written in the last 90 days."),
        Known("mean_review_rating", ColumnKind.Numeric, "gold_reviews before the snapshot", "Mean rating of reviews written before the snapshot."),
        Known("recommendation_clicks_30d", ColumnKind.Numeric, "gold_recommendations before the snapshot", "Recommendations clicked in the last 30 days."),
        Known("recommendation_click_rate_90d", ColumnKind.Numeric, "gold_recommendations before the snapshot", "Share of recommendations clicked in the last 90 days."),
        Known("days_since_last_activity", ColumnKind.Numeric, "all event tables before the snapshot", "Days from the last watch, search, review or recommendation to the snapshot (capped at 365)."),
        Post("sessions_after_snapshot", ColumnKind.Numeric, "gold_watch_events on or after the snapshot", "Viewing sessions on or after the snapshot date."),
        Post("searches_after_snapshot", ColumnKind.Numeric, "gold_searches on or after the snapshot", "Searches on or after the snapshot date."),
        Post("last_activity_days_after_snapshot", ColumnKind.Numeric, "all event tables", "Days from the snapshot to the last recorded activity of any kind (negative when it came before)."),
    ];

    public static IReadOnlyList<FeatureDefinition> RecommendFeatures { get; } =
    [
        Known("watch_history", ColumnKind.CategoricalSet, "gold_watch_events before the cut-off", "Titles each subscriber watched before the temporal cut-off, with session counts (implicit feedback)."),
        Known("ratings", ColumnKind.Numeric, "gold_ratings before the cut-off", "Explicit ratings (watch_history.user_rating and reviews.rating) before the cut-off."),
        Known("recommendation_clicks", ColumnKind.CategoricalSet, "gold_recommendations before the cut-off", "Recommended titles each subscriber clicked before the cut-off: a sign of taste the implicit factor model may learn from, not a view (never excluded as seen)."),
        Known("title_content", ColumnKind.CategoricalSet, "gold_movies", "Genres, content type, language, certificate, decade and originality of every title."),
    ];

    public static IReadOnlyList<FeatureDefinition> ForTask(string task) => task switch
    {
        Top10 => Top10Features,
        Churn => ChurnFeatures,
        Recommend => RecommendFeatures,
        _ => throw new ArgumentException($"Unknown task '{task}'; tasks are {string.Join(", ", Tasks)}.", nameof(task)),
    };

    public static IReadOnlyList<FeatureSet> SetsFor(string task)
    {
        var all = ForTask(task);
        var known = all.Where(f => f.Availability == Availability.Known).ToList();
        return task switch
        {
            Top10 =>
            [
                new FeatureSet(Top10, "prerelease", known, "Served before release: pre-release facts only."),
                new FeatureSet(Top10, "early-signal", [.. known, .. all.Where(f => f.Name == "log_first_week_hours")], "Served only after the first week after release, once first-week hours viewed are known."),
                new FeatureSet(Top10, "leaky", all, "Audit only: includes figures known only after the outcome."),
            ],
            Churn =>
            [
                new FeatureSet(Churn, "behaviour", known, "Served at the snapshot: profile and behaviour strictly before it."),
                new FeatureSet(Churn, "leaky", all, "Audit only: includes activity recorded after the snapshot."),
            ],
            _ => [new FeatureSet(Recommend, "interactions", all, "Served any time: interactions before the cut-off, title content.")],
        };
    }

    public static FeatureSet Set(string task, string name) =>
        SetsFor(task).FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"Task '{task}' has no feature set '{name}' (it has {string.Join(", ", SetsFor(task).Select(s => s.Name))}).", nameof(name));
}
