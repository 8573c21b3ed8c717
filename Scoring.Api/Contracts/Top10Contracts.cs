namespace NetflixML.Scoring.Api.Contracts;

/// <summary>
/// A title to score for the Top 10. Every field is optional; the model uses those in its feature set and says which
/// it used. Post-release fields (IMDb rating, votes, Meta score, weekly figures) are accepted and ignored by any
/// deployable model.
/// </summary>
public sealed record Top10TitleRequest
{
    /// <summary>Title (for the log and the response; not a feature).</summary>
    /// <example>The Silent Harbor</example>
    public string? Title { get; init; }

    /// <summary>Release date (yyyy-MM-dd): gives the release month, and which earlier titles count toward track records (without it the title is taken as upcoming, and every title counts).</summary>
    /// <example>2025-12-05</example>
    public DateOnly? ReleaseDate { get; init; }

    /// <summary>Genres.</summary>
    /// <example>["Thriller", "Crime"]</example>
    public IReadOnlyList<string>? Genres { get; init; }

    /// <summary>Age certificate (G, PG, PG-13, R, TV-14, TV-MA, TV-PG, TV-Y7 ...).</summary>
    /// <example>TV-MA</example>
    public string? Certificate { get; init; }

    /// <summary>Runtime in minutes (an episode for series), 1-600.</summary>
    /// <example>112</example>
    public double? RuntimeMinutes { get; init; }

    /// <summary>Director: their record over earlier titles is a feature (matched ignoring case and surrounding spaces; leave it out when unknown, not blank).</summary>
    /// <example>Fanny Turner</example>
    public string? Director { get; init; }

    /// <summary>Cast: their records over earlier titles are features (matched ignoring case and surrounding spaces; a name listed twice counts once).</summary>
    /// <example>["Kayden Bednar", "Rosanna Roberts"]</example>
    public IReadOnlyList<string>? Cast { get; init; }

    /// <summary>A Netflix original.</summary>
    /// <example>true</example>
    public bool? IsOriginal { get; init; }

    /// <summary>Production budget in USD, 0-1,000,000,000.</summary>
    /// <example>45000000</example>
    public double? BudgetUsd { get; init; }

    /// <summary>Hours viewed in the first week after release (known only after that week), 0 or more.</summary>
    /// <example>5200000</example>
    public double? FirstWeekHoursViewed { get; init; }

    /// <summary>IMDb rating, 1-10 (post-release; only an audit model would use it).</summary>
    /// <example>7.4</example>
    public double? ImdbRating { get; init; }

    /// <summary>IMDb votes, 0 or more (post-release).</summary>
    /// <example>52000</example>
    public double? Votes { get; init; }

    /// <summary>Metacritic score, 0-100 (post-release).</summary>
    /// <example>71</example>
    public double? MetaScore { get; init; }

    /// <summary>Hours viewed in a Top-10 week (post-outcome).</summary>
    public double? WeeklyHoursViewed { get; init; }

    /// <summary>Weeks spent in the Top 10 (post-outcome).</summary>
    public double? CumulativeWeeksInTop10 { get; init; }
}

/// <summary>Up to the configured batch size (1,000 by default) titles.</summary>
/// <param name="Titles">The titles to score.</param>
public sealed record Top10BatchRequest(IReadOnlyList<Top10TitleRequest>? Titles);

/// <summary>The Top-10 prediction for one title.</summary>
public sealed record Top10PredictionResponse
{
    /// <summary>The title, as given.</summary>
    public string? Title { get; init; }

    /// <summary>Whether the probability reaches the model's threshold.</summary>
    /// <example>true</example>
    public bool WillMakeTop10 { get; init; }

    /// <summary>Calibrated probability of entering the weekly Top 10.</summary>
    /// <example>0.41</example>
    public double Probability { get; init; }

    /// <summary>The model's decision threshold (chosen on validation data to maximise F1).</summary>
    /// <example>0.28</example>
    public double Threshold { get; init; }

    /// <summary>"Yes, it will be in the Netflix Top 10!" or "Sorry, this title will not make the cut."</summary>
    /// <example>Yes, it will be in the Netflix Top 10!</example>
    public required string Message { get; init; }

    /// <summary>The model that answered.</summary>
    public required ModelReference Model { get; init; }

    /// <summary>Request fields the model used.</summary>
    public IReadOnlyList<string> InputsUsed { get; init; } = [];

    /// <summary>Request fields given but not used by this model (e.g. post-release figures).</summary>
    public IReadOnlyList<string> InputsIgnored { get; init; } = [];

    /// <summary>Fields the model uses that were not given (treated as missing).</summary>
    public IReadOnlyList<string> InputsMissing { get; init; } = [];

    /// <summary>Values of a certificate or genre the model was never trained on (scored as unseen), with the values it knows.</summary>
    public IReadOnlyList<UnrecognisedInput> InputsUnrecognised { get; init; } = [];

    /// <summary>Numeric features outside the range the model was trained on (it extrapolates there), with that range.</summary>
    public IReadOnlyList<OutOfRangeInput> InputsOutsideTraining { get; init; } = [];

    /// <summary>Each model feature's contribution to this prediction, largest first.</summary>
    public IReadOnlyList<FactorContribution> Explanation { get; init; } = [];
}

/// <summary>Predictions in request order.</summary>
/// <param name="Predictions">One per title.</param>
public sealed record Top10BatchResponse(IReadOnlyList<Top10PredictionResponse> Predictions);
