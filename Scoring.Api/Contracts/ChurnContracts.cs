namespace NetflixML.Scoring.Api.Contracts;

/// <summary>
/// A subscriber's behaviour features at the snapshot, for subscribers outside the database. Every field is optional
/// and a missing one is scored as unknown, except completionRate90d, meanReviewRating and recommendationClickRate90d:
/// training leaves those empty only when there is nothing to rate, and the model reads an empty one that way, so one
/// left out beside a count that says otherwise is a 400. Ranges: counts and days 0 or more, rates 0-1, age 0-120,
/// household 1-20. Counts over nested windows must nest (sessions7d &lt;= sessions30d &lt;= sessions90d &lt;=
/// sessionsTotal, searches30d &lt;= searches90d, titles90d &lt;= sessions90d, a session in the last 7 days means
/// daysSinceLastWatch &lt;= 7, ...).
/// </summary>
public sealed record ChurnFeaturesRequest
{
    /// <summary>Caller's reference, echoed back (not a feature).</summary>
    /// <example>crm-48213</example>
    public string? Reference { get; init; }

    /// <summary>Basic, Standard, Premium or Premium+.</summary>
    /// <example>Basic</example>
    public string? SubscriptionPlan { get; init; }

    /// <summary>Days subscribed before the snapshot.</summary>
    /// <example>420</example>
    public double? TenureDays { get; init; }

    /// <summary>Monthly spend in USD.</summary>
    /// <example>13.99</example>
    public double? MonthlySpend { get; init; }

    /// <summary>People in the household.</summary>
    /// <example>2</example>
    public double? HouseholdSize { get; init; }

    /// <summary>Main viewing device.</summary>
    /// <example>Smart TV</example>
    public string? PrimaryDevice { get; init; }

    /// <summary>Age in years.</summary>
    /// <example>34</example>
    public double? Age { get; init; }

    /// <summary>USA or Canada.</summary>
    /// <example>USA</example>
    public string? Country { get; init; }

    /// <summary>Viewing sessions in the last 7 days.</summary>
    /// <example>0</example>
    public double? Sessions7d { get; init; }

    /// <summary>Viewing sessions in the last 30 days.</summary>
    /// <example>1</example>
    public double? Sessions30d { get; init; }

    /// <summary>Viewing sessions in the last 90 days.</summary>
    /// <example>4</example>
    public double? Sessions90d { get; init; }

    /// <summary>All viewing sessions.</summary>
    /// <example>12</example>
    public double? SessionsTotal { get; init; }

    /// <summary>ln(1 + sessions in 30 days) - ln(1 + half the sessions 31-90 days before); negative when falling. Computed from sessions30d and sessions90d when left out.</summary>
    /// <example>-0.223</example>
    public double? WatchTrend { get; init; }

    /// <summary>Days since the last session (or since joining, with none); counted up to 365 as in training, so more is scored as 365.</summary>
    /// <example>26</example>
    public double? DaysSinceLastWatch { get; init; }

    /// <summary>Mean progress (0-1) of sessions in the last 90 days; leave it out only when there were none (it is then read as no viewing).</summary>
    /// <example>0.55</example>
    public double? CompletionRate90d { get; init; }

    /// <summary>Minutes watched in the last 30 days.</summary>
    /// <example>48</example>
    public double? Minutes30d { get; init; }

    /// <summary>Distinct titles in the last 90 days.</summary>
    /// <example>3</example>
    public double? Titles90d { get; init; }

    /// <summary>Searches in the last 30 days.</summary>
    /// <example>0</example>
    public double? Searches30d { get; init; }

    /// <summary>Searches in the last 90 days.</summary>
    /// <example>1</example>
    public double? Searches90d { get; init; }

    /// <summary>Reviews written in the last 90 days.</summary>
    /// <example>0</example>
    public double? Reviews90d { get; init; }

    /// <summary>Mean rating (1-5) of the subscriber's reviews; leave it out only when they wrote none.</summary>
    /// <example>3.5</example>
    public double? MeanReviewRating { get; init; }

    /// <summary>Recommendations clicked in the last 30 days.</summary>
    /// <example>0</example>
    public double? RecommendationClicks30d { get; init; }

    /// <summary>Share (0-1) of recommendations clicked in the last 90 days; leave it out only when none were shown.</summary>
    /// <example>0.2</example>
    public double? RecommendationClickRate90d { get; init; }

    /// <summary>Days since the last activity of any kind; counted up to 365 as in training.</summary>
    /// <example>20</example>
    public double? DaysSinceLastActivity { get; init; }
}

/// <summary>Up to the configured batch size of subscribers.</summary>
/// <param name="Subscribers">The subscribers to score.</param>
public sealed record ChurnBatchRequest(IReadOnlyList<ChurnFeaturesRequest>? Subscribers);

/// <summary>A churn prediction.</summary>
public sealed record ChurnPredictionResponse
{
    /// <summary>The subscriber (for the by-id endpoint).</summary>
    /// <example>user_00042</example>
    public string? UserId { get; init; }

    /// <summary>The caller's reference (for payload predictions).</summary>
    public string? Reference { get; init; }

    /// <summary>Probability of cancelling within 30 days after the snapshot.</summary>
    /// <example>0.31</example>
    public double Probability { get; init; }

    /// <summary>Whether the probability reaches the model's threshold.</summary>
    /// <example>true</example>
    public bool WillChurn { get; init; }

    /// <summary>The model's decision threshold.</summary>
    /// <example>0.19</example>
    public double Threshold { get; init; }

    /// <summary>high (at or above the threshold), medium (above the base churn rate), or low.</summary>
    /// <example>high</example>
    public required string RiskBand { get; init; }

    /// <summary>The features pushing this subscriber's risk most, up or down.</summary>
    public IReadOnlyList<FactorContribution> TopFactors { get; init; } = [];

    /// <summary>A plan, device or country the model was never trained on (scored as unseen), with the values it knows.</summary>
    public IReadOnlyList<UnrecognisedInput> InputsUnrecognised { get; init; } = [];

    /// <summary>Numeric features outside the range the model was trained on (it extrapolates there), with that range.</summary>
    public IReadOnlyList<OutOfRangeInput> InputsOutsideTraining { get; init; } = [];

    /// <summary>The snapshot the features describe (by-id endpoint).</summary>
    public DateOnly? Snapshot { get; init; }

    /// <summary>The model that answered.</summary>
    public required ModelReference Model { get; init; }
}

/// <summary>Predictions in request order.</summary>
/// <param name="Predictions">One per subscriber.</param>
public sealed record ChurnBatchResponse(IReadOnlyList<ChurnPredictionResponse> Predictions);
