namespace NetflixML.Features.Schema;

/// <summary>
/// The raw CSV schema: the six tables of the public "Netflix 2025 user behaviour" dataset (column names as in its
/// README and files) plus the two Top-10 tables of the title study. Tables are listed in load order.
/// </summary>
public static class RawSchema
{
    public const string Users = "users";
    public const string Movies = "movies";
    public const string WatchHistory = "watch_history";
    public const string RecommendationLogs = "recommendation_logs";
    public const string SearchLogs = "search_logs";
    public const string Reviews = "reviews";
    public const string Top10Titles = "top10_titles";
    public const string Top10Weekly = "top10_weekly";

    private static ColumnSpec Text(string name) => new(name, ColumnType.Text);

    private static ColumnSpec Int(string name) => new(name, ColumnType.Integer);

    private static ColumnSpec Real(string name) => new(name, ColumnType.Real);

    private static ColumnSpec Bool(string name) => new(name, ColumnType.Boolean);

    private static ColumnSpec Date(string name) => new(name, ColumnType.Date);

    private static ColumnSpec Id(string name) => new(name, ColumnType.Text) { Required = true };

    private static ColumnSpec UserRef() => new("user_id", ColumnType.Text) { Required = true, References = Users };

    private static ColumnSpec MovieRef() => new("movie_id", ColumnType.Text) { Required = true, References = Movies };

    public static TableSpec UsersTable { get; } = new(Users, "users.csv",
    [
        Id("user_id"),
        Text("email") with { Personal = true, Hash = true, OptionalInHeader = true },
        Text("first_name") with { Personal = true, OptionalInHeader = true },
        Text("last_name") with { Personal = true, OptionalInHeader = true },
        Real("age") with { ValidMin = 5, ValidMax = 110 },
        Text("gender"),
        Text("country") with { Required = true },
        Text("state_province"),
        Text("city"),
        Text("subscription_plan") with { Required = true },
        Date("subscription_start_date") with { Required = true },
        Bool("is_active") with { Required = true },
        Real("monthly_spend") with { ValidMin = 0, ValidMax = 1000, OutlierAbove = 200 },
        Text("primary_device"),
        Real("household_size") with { ValidMin = 1, ValidMax = 20 },
        new ColumnSpec("created_at", ColumnType.DateTime) { NotAfterIngest = true },
    ], ["user_id"]);

    public static TableSpec MoviesTable { get; } = new(Movies, "movies.csv",
    [
        Id("movie_id"),
        Text("title") with { Required = true },
        Text("content_type"),
        Text("genre_primary") with { Required = true },
        Text("genre_secondary"),
        Int("release_year") with { ValidMin = 1900, ValidMax = 2030 },
        Real("duration_minutes") with { ValidMin = 1, ValidMax = 1000 },
        Text("rating"),
        Text("language"),
        Text("country_of_origin"),
        Real("imdb_rating") with { ValidMin = 0, ValidMax = 10 },
        Real("production_budget") with { ValidMin = 0 },
        Real("box_office_revenue") with { ValidMin = 0 },
        Real("number_of_seasons") with { ValidMin = 0, ValidMax = 100 },
        Real("number_of_episodes") with { ValidMin = 0, ValidMax = 10000 },
        Bool("is_netflix_original"),
        Date("added_to_platform"),
        Bool("content_warning"),
    ], ["movie_id"]);

    public static TableSpec WatchHistoryTable { get; } = new(WatchHistory, "watch_history.csv",
    [
        Id("session_id"),
        UserRef(),
        MovieRef(),
        new ColumnSpec("watch_date", ColumnType.DateTime) { Required = true, NotAfterIngest = true },
        Text("device_type"),
        Real("watch_duration_minutes") with { ValidMin = 0, ValidMax = 1440, OutlierAbove = 300 },
        Real("progress_percentage") with { ValidMin = 0, ValidMax = 100 },
        Text("action"),
        Text("quality"),
        Text("location_country"),
        Bool("is_download"),
        Real("user_rating") with { ValidMin = 1, ValidMax = 5 },
    ], ["session_id"]);

    public static TableSpec RecommendationLogsTable { get; } = new(RecommendationLogs, "recommendation_logs.csv",
    [
        Id("recommendation_id"),
        UserRef(),
        MovieRef(),
        new ColumnSpec("recommendation_date", ColumnType.DateTime) { Required = true, NotAfterIngest = true },
        Text("recommendation_type"),
        Real("recommendation_score") with { ValidMin = 0, ValidMax = 1 },
        Bool("was_clicked"),
        Int("position_in_list") with { ValidMin = 1, ValidMax = 100 },
        Text("device_type"),
        Text("time_of_day"),
        Text("algorithm_version"),
    ], ["recommendation_id"]);

    public static TableSpec SearchLogsTable { get; } = new(SearchLogs, "search_logs.csv",
    [
        Id("search_id"),
        UserRef(),
        Text("search_query"),
        Date("search_date") with { Required = true, NotAfterIngest = true },
        Int("results_returned") with { ValidMin = 0 },
        Int("clicked_result_position") with { ValidMin = 1, ValidMax = 100 },
        Text("device_type"),
        Real("search_duration_seconds") with { ValidMin = 0, ValidMax = 3600 },
        Bool("had_typo"),
        Bool("used_filters"),
        Text("location_country"),
    ], ["search_id"]);

    public static TableSpec ReviewsTable { get; } = new(Reviews, "reviews.csv",
    [
        Id("review_id"),
        UserRef(),
        MovieRef(),
        Int("rating") with { Required = true, ValidMin = 1, ValidMax = 5 },
        Date("review_date") with { Required = true, NotAfterIngest = true },
        Text("device_type"),
        Bool("is_verified_watch"),
        Real("helpful_votes") with { ValidMin = 0 },
        Real("total_votes") with { ValidMin = 0 },
        Text("review_text"),
        Text("sentiment"),
        Real("sentiment_score") with { ValidMin = 0, ValidMax = 1 },
    ], ["review_id"]);

    public static TableSpec Top10TitlesTable { get; } = new(Top10Titles, "top10_titles.csv",
    [
        Id("title_id"),
        Text("title") with { Required = true },
        Date("release_date") with { Required = true },
        Text("genres"),
        Text("certificate"),
        Real("runtime_minutes") with { ValidMin = 1, ValidMax = 600 },
        Text("director"),
        Text("cast"),
        Bool("is_original"),
        Real("budget_usd") with { ValidMin = 0 },
        Real("meta_score") with { ValidMin = 0, ValidMax = 100 },
        Real("imdb_rating") with { ValidMin = 1, ValidMax = 10 },
        Real("votes") with { ValidMin = 0 },
        Real("first_week_hours_viewed") with { ValidMin = 0 },
        Real("weekly_hours_viewed") with { ValidMin = 0 },
        Int("cumulative_weeks_in_top_10") with { ValidMin = 0 },
        Bool("netflix_top_10") with { Required = true },
    ], ["title_id"]);

    public static TableSpec Top10WeeklyTable { get; } = new(Top10Weekly, "top10_weekly.csv",
    [
        Date("week") with { Required = true },
        new ColumnSpec("title_id", ColumnType.Text) { Required = true, References = Top10Titles },
        Int("weekly_rank") with { Required = true, ValidMin = 1, ValidMax = 10 },
        Real("weekly_hours_viewed") with { ValidMin = 0 },
        Int("cumulative_weeks_in_top_10") with { ValidMin = 0 },
    ], ["week", "title_id"]);

    /// <summary>Every table, in load order (a table comes after the tables it references).</summary>
    public static IReadOnlyList<TableSpec> Tables { get; } =
    [
        UsersTable, MoviesTable, WatchHistoryTable, RecommendationLogsTable, SearchLogsTable, ReviewsTable,
        Top10TitlesTable, Top10WeeklyTable,
    ];

    public static TableSpec Get(string name) =>
        Tables.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"Unknown table '{name}'.", nameof(name));
}
