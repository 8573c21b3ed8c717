using NetflixML.Features.Catalog;
using NetflixML.Features.Churn;
using NetflixML.Learning.Data;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Models;

namespace NetflixML.Scoring.Api.Predictions;

/// <summary>Scores a subscriber's behaviour features with the churn champion.</summary>
public static class ChurnScorer
{
    // The request field of each categorical churn feature, for naming a value the model does not know.
    private static readonly Dictionary<string, string> TextFields = new(StringComparer.Ordinal)
    {
        ["subscription_plan"] = "subscriptionPlan",
        ["primary_device"] = "primaryDevice",
        ["country"] = "country",
    };

    public static void Validate(ChurnFeaturesRequest r, Validation v, string prefix = "")
    {
        // Amounts are 0 or more; counts of events are also whole (2.5 sessions is no subscriber training saw).
        foreach (var (field, value) in new (string, double?)[]
        {
            ("tenureDays", r.TenureDays), ("monthlySpend", r.MonthlySpend), ("daysSinceLastWatch", r.DaysSinceLastWatch), ("minutes30d", r.Minutes30d),
            ("daysSinceLastActivity", r.DaysSinceLastActivity),
        })
        {
            v.AtLeast(prefix + field, value, 0);
        }

        foreach (var (field, value) in new (string, double?)[]
        {
            ("sessions7d", r.Sessions7d), ("sessions30d", r.Sessions30d), ("sessions90d", r.Sessions90d), ("sessionsTotal", r.SessionsTotal), ("titles90d", r.Titles90d),
            ("searches30d", r.Searches30d), ("searches90d", r.Searches90d), ("reviews90d", r.Reviews90d), ("recommendationClicks30d", r.RecommendationClicks30d),
        })
        {
            v.AtLeast(prefix + field, value, 0);
            v.WholeNumber(prefix + field, value);
        }

        v.Range(prefix + "age", r.Age, 0, 120, "years");
        v.Range(prefix + "householdSize", r.HouseholdSize, 1, 20);
        v.Range(prefix + "completionRate90d", r.CompletionRate90d, 0, 1);
        v.Range(prefix + "recommendationClickRate90d", r.RecommendationClickRate90d, 0, 1);
        v.Range(prefix + "meanReviewRating", r.MeanReviewRating, 1, 5);
        v.Range(prefix + "watchTrend", r.WatchTrend, -20, 20);
        CheckConsistency(r, v, prefix);
    }

    /// <summary>
    /// Counts over nested windows must nest, as they do in the features training computed: a subscriber cannot have
    /// more sessions in the last 7 days than in the last 30, more distinct titles than sessions, or a session in the
    /// last 7 days and a last session 40 days ago. Each contradiction is a 400 naming both fields.
    /// </summary>
    private static void CheckConsistency(ChurnFeaturesRequest r, Validation v, string prefix)
    {
        Nested(v, prefix, [("sessions7d", r.Sessions7d), ("sessions30d", r.Sessions30d), ("sessions90d", r.Sessions90d), ("sessionsTotal", r.SessionsTotal)]);
        Nested(v, prefix, [("searches30d", r.Searches30d), ("searches90d", r.Searches90d)]);

        if (r.Titles90d is { } titles && r.Sessions90d is { } sessions && titles > sessions)
        {
            v.Add(prefix + "titles90d", $"is {titles}, more than sessions90d ({sessions}): each title needs a session.");
        }

        if (r.DaysSinceLastWatch is { } days)
        {
            foreach (var (field, count, window) in new[] { ("sessions7d", r.Sessions7d, 7), ("sessions30d", r.Sessions30d, 30), ("sessions90d", r.Sessions90d, 90) })
            {
                if (count > 0 && days > window)
                {
                    v.Add(prefix + "daysSinceLastWatch", $"is {days}, but {field} is {count}: a session in the last {window} days means at most {window}.");
                    break;
                }
            }

            if (r.DaysSinceLastActivity is { } activity && activity > days)
            {
                v.Add(prefix + "daysSinceLastActivity", $"is {activity}, more than daysSinceLastWatch ({days}): watching is activity.");
            }
        }

        if (r.WatchTrend is { } trend && r.Sessions30d is { } a && r.Sessions90d is { } b && b >= a && Math.Abs(trend - ChurnFeatures.WatchTrend(a, b - a)) > 0.01)
        {
            v.Add(prefix + "watchTrend", $"is {trend}, but sessions30d ({a}) and sessions90d ({b}) make it {ChurnFeatures.WatchTrend(a, b - a):F3}; leave it out to have it computed.");
        }

        // Training leaves three rates empty only when there is nothing to take the rate of, and the model reads an empty
        // one that way ("no session in 90 days" is a strong churn signal): left out beside a count that says there was
        // something, the rate would be scored as if there were not.
        NeedsRate(v, prefix, "completionRate90d", r.CompletionRate90d, "a session in the last 90 days",
            [("sessions7d", r.Sessions7d), ("sessions30d", r.Sessions30d), ("sessions90d", r.Sessions90d), ("titles90d", r.Titles90d), ("minutes30d", r.Minutes30d)]);
        NeedsRate(v, prefix, "meanReviewRating", r.MeanReviewRating, "a review", [("reviews90d", r.Reviews90d)]);
        NeedsRate(v, prefix, "recommendationClickRate90d", r.RecommendationClickRate90d, "a recommendation shown in the last 90 days", [("recommendationClicks30d", r.RecommendationClicks30d)]);
        if (r.CompletionRate90d is { } completion && r.Sessions90d is 0)
        {
            v.Add(prefix + "completionRate90d", $"is {completion}, but sessions90d is 0: there is no session in the last 90 days to take a rate of; leave it out.");
        }
    }

    /// <summary>Counts of one event over widening windows, narrowest first: none may exceed a wider one.</summary>
    private static void Nested(Validation v, string prefix, (string Field, double? Value)[] windows)
    {
        for (var i = 0; i < windows.Length; i++)
        {
            // Compared with the next wider window given, so a gap (no sessions30d) still checks 7 against 90.
            if (windows[i].Value is { } narrow && windows.Skip(i + 1).FirstOrDefault(n => n.Value is not null) is ({ } wideField, { } wide) && narrow > wide)
            {
                v.Add(prefix + windows[i].Field, $"is {narrow}, more than {wideField} ({wide}), whose window contains it.");
            }
        }
    }

    private static void NeedsRate(Validation v, string prefix, string rate, double? value, string what, (string Field, double? Count)[] counts)
    {
        if (value is null && counts.FirstOrDefault(c => c.Count > 0) is ({ } field, { } count))
        {
            v.Add(prefix + rate, $"is needed when {field} is {count}: training has it for everyone with {what} and reads it missing as none.");
        }
    }

    /// <summary>
    /// The request as a churn row, transformed as training computed it: days since the last watch or activity are
    /// counted up to <see cref="ChurnFeatures.DaysCap"/>, and the watch trend, when left out, is computed from
    /// sessions30d and sessions90d. Other missing values stay missing.
    /// </summary>
    public static ChurnRow FromRequest(ChurnFeaturesRequest r)
    {
        double N(double? value) => value ?? double.NaN;
        double Days(double? value) => value is { } d ? Math.Min(ChurnFeatures.DaysCap, d) : double.NaN;
        var trend = r.WatchTrend ?? (r.Sessions30d is { } s30 && r.Sessions90d is { } s90 ? ChurnFeatures.WatchTrend(s30, s90 - s30) : (double?)null);
        var numeric = new Dictionary<string, double>
        {
            ["tenure_days"] = N(r.TenureDays),
            ["monthly_spend"] = N(r.MonthlySpend),
            ["household_size"] = N(r.HouseholdSize),
            ["age"] = N(r.Age),
            ["sessions_7d"] = N(r.Sessions7d),
            ["sessions_30d"] = N(r.Sessions30d),
            ["sessions_90d"] = N(r.Sessions90d),
            ["sessions_total"] = N(r.SessionsTotal),
            ["watch_trend"] = N(trend),
            ["days_since_last_watch"] = Days(r.DaysSinceLastWatch),
            ["completion_rate_90d"] = N(r.CompletionRate90d),
            ["minutes_30d"] = N(r.Minutes30d),
            ["titles_90d"] = N(r.Titles90d),
            ["searches_30d"] = N(r.Searches30d),
            ["searches_90d"] = N(r.Searches90d),
            ["reviews_90d"] = N(r.Reviews90d),
            ["mean_review_rating"] = N(r.MeanReviewRating),
            ["recommendation_clicks_30d"] = N(r.RecommendationClicks30d),
            ["recommendation_click_rate_90d"] = N(r.RecommendationClickRate90d),
            ["days_since_last_activity"] = Days(r.DaysSinceLastActivity),
            ["sessions_after_snapshot"] = double.NaN,
            ["searches_after_snapshot"] = double.NaN,
            ["last_activity_days_after_snapshot"] = double.NaN,
        };
        var categorical = new Dictionary<string, string?>
        {
            ["subscription_plan"] = r.SubscriptionPlan,
            ["primary_device"] = r.PrimaryDevice,
            ["country"] = r.Country,
        };
        return new ChurnRow(r.Reference ?? string.Empty, numeric, categorical, null);
    }

    public static ChurnPredictionResponse Score(ServedClassifier served, ChurnRow row, string? userId, string? reference, DateOnly? snapshot)
    {
        var layout = FeatureLayout.Of(FeatureCatalog.Churn, served.Manifest.FeatureSet!);
        var numeric = Array.ConvertAll(layout.Numeric, name => row.Numeric[name]);
        List<UnrecognisedInput>? unrecognised = null;
        var categorical = new string?[layout.Categorical.Length];
        for (var i = 0; i < categorical.Length; i++)
        {
            var feature = layout.Categorical[i];
            categorical[i] = served.Categories.Match(feature, TextFields[feature], row.Categorical[feature], ref unrecognised);
        }

        var explanation = served.Model.Explain(new FeatureRow(numeric, categorical, default));
        var probability = explanation.Probability;
        var baseRate = served.Manifest.Metrics?["baseline"]?["positiveRate"]?.GetValue<double>() ?? 0.15;
        var threshold = served.Model.Threshold;
        return new ChurnPredictionResponse
        {
            UserId = userId,
            Reference = reference,
            Probability = Math.Round(probability, 6),
            Threshold = threshold,
            WillChurn = probability >= threshold,
            RiskBand = probability >= threshold ? "high" : probability >= baseRate ? "medium" : "low",
            TopFactors = explanation.Contributions.Take(5).Select(c => new FactorContribution(c.Feature, Math.Round(c.Contribution, 6))).ToList(),
            InputsUnrecognised = unrecognised ?? [],
            InputsOutsideTraining = served.OutsideTraining(layout.Numeric, numeric),
            Snapshot = snapshot,
            Model = Top10Scorer.Reference(served),
        };
    }
}
