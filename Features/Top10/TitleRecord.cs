namespace NetflixML.Features.Top10;

/// <summary>
/// One title as the Top-10 task sees it, whichever layout it came from. Numbers are NaN when unknown; a title
/// from the study's layout has a year but no release date.
/// </summary>
public sealed record TitleRecord
{
    public required string TitleId { get; init; }

    public string Title { get; init; } = string.Empty;

    public DateTime? ReleaseDate { get; init; }

    public int? Year { get; init; }

    public IReadOnlyList<string> Genres { get; init; } = [];

    public string? Certificate { get; init; }

    public double RuntimeMinutes { get; init; } = double.NaN;

    public string? Director { get; init; }

    public IReadOnlyList<string> Cast { get; init; } = [];

    public double IsOriginal { get; init; } = double.NaN;

    public double BudgetUsd { get; init; } = double.NaN;

    public double MetaScore { get; init; } = double.NaN;

    public double ImdbRating { get; init; } = double.NaN;

    public double Votes { get; init; } = double.NaN;

    public double FirstWeekHoursViewed { get; init; } = double.NaN;

    public double WeeklyHoursViewed { get; init; } = double.NaN;

    public double CumulativeWeeksInTop10 { get; init; } = double.NaN;

    public double WeeklyViews { get; init; } = double.NaN;

    /// <summary>Entered the Top 10 (null when unknown, e.g. a title to predict).</summary>
    public bool? InTop10 { get; init; }

    /// <summary>The date ordering and point-in-time rules use: the release date, or 1 July of the year.</summary>
    public DateTime EffectiveDate => ReleaseDate ?? (Year is { } y ? new DateTime(y, 7, 1, 0, 0, 0, DateTimeKind.Unspecified) : DateTime.MinValue);

    /// <summary>Splits a comma list ("Drama, Mystery, Thriller") into trimmed, non-empty items.</summary>
    public static string[] SplitList(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
