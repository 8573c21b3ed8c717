using NetflixML.Features.Schema;

namespace NetflixML.Features.Ingestion;

public enum ImputationKind
{
    /// <summary>Left missing on purpose; the reason says why (not applicable, optional, or models handle it).</summary>
    None,
    Median,
    MedianByGroup,
    Mode,
    Constant,
}

/// <summary>How one silver column's missing values are filled. Recorded in the database and the quality report.</summary>
public sealed record ImputationRule(string Table, string Column, ImputationKind Kind, string? GroupBy = null, string? Constant = null, string? Reason = null)
{
    public string Describe() => Kind switch
    {
        ImputationKind.None => "none: " + Reason,
        ImputationKind.Median => "median",
        ImputationKind.MedianByGroup => "median by " + GroupBy,
        ImputationKind.Mode => "most frequent value",
        ImputationKind.Constant => $"constant '{Constant}'",
        _ => Kind.ToString(),
    };

    /// <summary>The strategy per column. Columns not listed have no missing values by schema (keys, required fields).</summary>
    public static IReadOnlyList<ImputationRule> All { get; } =
    [
        new(RawSchema.Users, "age", ImputationKind.Median),
        new(RawSchema.Users, "gender", ImputationKind.Constant, Constant: "Unknown"),
        new(RawSchema.Users, "monthly_spend", ImputationKind.MedianByGroup, GroupBy: "subscription_plan"),
        new(RawSchema.Users, "household_size", ImputationKind.Median),
        new(RawSchema.Users, "state_province", ImputationKind.Constant, Constant: "Unknown"),
        new(RawSchema.Users, "primary_device", ImputationKind.Constant, Constant: "Unknown"),
        new(RawSchema.Movies, "genre_secondary", ImputationKind.None, Reason: "most titles have a single genre"),
        new(RawSchema.Movies, "duration_minutes", ImputationKind.MedianByGroup, GroupBy: "content_type"),
        new(RawSchema.Movies, "imdb_rating", ImputationKind.MedianByGroup, GroupBy: "genre_primary"),
        new(RawSchema.Movies, "production_budget", ImputationKind.None, Reason: "not applicable to series and documentaries"),
        new(RawSchema.Movies, "box_office_revenue", ImputationKind.None, Reason: "not applicable without a cinema release"),
        new(RawSchema.Movies, "number_of_seasons", ImputationKind.None, Reason: "only series have seasons"),
        new(RawSchema.Movies, "number_of_episodes", ImputationKind.None, Reason: "only series have episodes"),
        new(RawSchema.WatchHistory, "watch_duration_minutes", ImputationKind.MedianByGroup, GroupBy: "action"),
        new(RawSchema.WatchHistory, "progress_percentage", ImputationKind.MedianByGroup, GroupBy: "action"),
        new(RawSchema.WatchHistory, "quality", ImputationKind.Mode),
        new(RawSchema.WatchHistory, "user_rating", ImputationKind.None, Reason: "explicit ratings are optional; missing means not rated"),
        new(RawSchema.SearchLogs, "clicked_result_position", ImputationKind.None, Reason: "missing means no result was clicked"),
        new(RawSchema.SearchLogs, "search_duration_seconds", ImputationKind.Median),
        new(RawSchema.Reviews, "helpful_votes", ImputationKind.Median),
        new(RawSchema.Reviews, "total_votes", ImputationKind.Median),
        new(RawSchema.Reviews, "review_text", ImputationKind.None, Reason: "a rating without text is a valid review"),
        new(RawSchema.Reviews, "sentiment_score", ImputationKind.MedianByGroup, GroupBy: "sentiment"),
        new(RawSchema.Top10Titles, "budget_usd", ImputationKind.None, Reason: "the learners handle missing values themselves"),
        new(RawSchema.Top10Titles, "meta_score", ImputationKind.None, Reason: "the learners handle missing values themselves"),
        new(RawSchema.Top10Titles, "imdb_rating", ImputationKind.None, Reason: "the learners handle missing values themselves"),
        new(RawSchema.Top10Titles, "votes", ImputationKind.None, Reason: "the learners handle missing values themselves"),
    ];
}
