using NetflixML.Features.Catalog;
using NetflixML.Features.Top10;
using NetflixML.Learning.Data;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Models;

namespace NetflixML.Scoring.Api.Predictions;

/// <summary>Turns a title request into the champion's features and scores it.</summary>
public static class Top10Scorer
{
    // Which request field each Top-10 feature reads.
    private static readonly Dictionary<string, string[]> FieldsOfFeature = new(StringComparer.Ordinal)
    {
        ["genres"] = ["genres"],
        ["certificate"] = ["certificate"],
        ["runtime_minutes"] = ["runtimeMinutes"],
        ["release_month"] = ["releaseDate"],
        ["is_original"] = ["isOriginal"],
        ["log_budget"] = ["budgetUsd"],
        ["director_prior_titles"] = ["director", "releaseDate"],
        ["director_track_record"] = ["director", "releaseDate"],
        ["cast_track_record"] = ["cast", "releaseDate"],
        ["cast_best_track_record"] = ["cast", "releaseDate"],
        ["log_first_week_hours"] = ["firstWeekHoursViewed"],
        ["imdb_rating"] = ["imdbRating"],
        ["log_votes"] = ["votes"],
        ["meta_score"] = ["metaScore"],
        ["weekly_hours_viewed"] = ["weeklyHoursViewed"],
        ["cumulative_weeks_in_top_10"] = ["cumulativeWeeksInTop10"],
        ["weekly_views"] = [],
    };

    // The features whose values come as text from the request, matched to the model's categories, by request field.
    private static readonly Dictionary<string, string> TextFields = new(StringComparer.Ordinal)
    {
        ["certificate"] = "certificate",
        ["genres"] = "genres",
    };

    public const string Yes = "Yes, it will be in the Netflix Top 10!";
    public const string No = "Sorry, this title will not make the cut.";

    public static void Validate(Top10TitleRequest request, Validation validation, string prefix = "")
    {
        validation.Range(prefix + "runtimeMinutes", request.RuntimeMinutes, 1, 600, "minutes");
        validation.Range(prefix + "budgetUsd", request.BudgetUsd, 0, 1e9, "USD");
        validation.AtLeast(prefix + "firstWeekHoursViewed", request.FirstWeekHoursViewed, 0);
        validation.Range(prefix + "imdbRating", request.ImdbRating, 1, 10);
        validation.AtLeast(prefix + "votes", request.Votes, 0);
        validation.Range(prefix + "metaScore", request.MetaScore, 0, 100);
        validation.AtLeast(prefix + "weeklyHoursViewed", request.WeeklyHoursViewed, 0);
        validation.Range(prefix + "cumulativeWeeksInTop10", request.CumulativeWeeksInTop10, 0, 520);
        if (request.ReleaseDate is { Year: < 1900 or > 2100 } date)
        {
            validation.Add(prefix + "releaseDate", $"must be between 1900-01-01 and 2100-12-31; got {date:yyyy-MM-dd}.");
        }

        if (request.Genres is { Count: > 20 })
        {
            validation.Add(prefix + "genres", $"must list 0-20 genres; got {request.Genres.Count}.");
        }

        if (request.Cast is { Count: > 100 })
        {
            validation.Add(prefix + "cast", $"must list 0-100 names; got {request.Cast.Count}.");
        }

        if (request.Director is { } director && string.IsNullOrWhiteSpace(director))
        {
            // Scored, a blank name would be a director with no titles behind them; leaving it out says "unknown".
            validation.Add(prefix + "director", $"must be a non-blank name (leave it out when unknown); got '{director}'.");
        }

        validation.Names(prefix + "genres", request.Genres);
        validation.Names(prefix + "cast", request.Cast);
    }

    public static Top10PredictionResponse Score(ServedClassifier served, Top10TitleRequest request, TrackRecordIndex trackRecords)
    {
        var layout = FeatureLayout.Of(FeatureCatalog.Top10, served.Manifest.FeatureSet!);
        var title = new TitleRecord
        {
            TitleId = "request",
            Title = request.Title ?? string.Empty,
            ReleaseDate = request.ReleaseDate?.ToDateTime(TimeOnly.MinValue),
            Genres = request.Genres ?? [],
            Certificate = request.Certificate,
            RuntimeMinutes = request.RuntimeMinutes ?? double.NaN,
            Director = request.Director,
            Cast = request.Cast ?? [],
            IsOriginal = request.IsOriginal is { } original ? (original ? 1 : 0) : double.NaN,
            BudgetUsd = request.BudgetUsd ?? double.NaN,
            MetaScore = request.MetaScore ?? double.NaN,
            ImdbRating = request.ImdbRating ?? double.NaN,
            Votes = request.Votes ?? double.NaN,
            FirstWeekHoursViewed = request.FirstWeekHoursViewed ?? double.NaN,
            WeeklyHoursViewed = request.WeeklyHoursViewed ?? double.NaN,
            CumulativeWeeksInTop10 = request.CumulativeWeeksInTop10 ?? double.NaN,
        };
        // Without a release date the title is taken as upcoming: its director and cast are judged on every title the
        // history holds (with no date at all, none would count, and a known director would score as a new one).
        var record = trackRecords.For(title.ReleaseDate ?? TrackRecordIndex.Upcoming, null, title.Director, title.Cast);
        var numeric = new double[layout.Numeric.Length];
        for (var i = 0; i < numeric.Length; i++)
        {
            numeric[i] = Top10Features.Numeric(layout.Numeric[i], title, record);
        }

        List<UnrecognisedInput>? unrecognised = null;
        var categorical = new string?[layout.Categorical.Length];
        for (var i = 0; i < categorical.Length; i++)
        {
            var feature = layout.Categorical[i];
            categorical[i] = Top10Features.Categorical(feature, title);
            if (TextFields.TryGetValue(feature, out var field))
            {
                categorical[i] = served.Categories.Match(feature, field, categorical[i], ref unrecognised);
            }
        }

        var sets = new string[]?[layout.Sets.Length];
        for (var i = 0; i < sets.Length; i++)
        {
            var feature = layout.Sets[i];
            sets[i] = Top10Features.Set(feature, title);
            if (TextFields.TryGetValue(feature, out var field))
            {
                sets[i] = served.Categories.Match(feature, field, sets[i], ref unrecognised);
            }
        }

        var explanation = served.Model.Explain(new FeatureRow(numeric, categorical, sets));
        var probability = explanation.Probability;
        var given = Given(request);
        var used = UsedFields.GetOrAdd(layout.Set.Name, _ => [.. layout.Set.Features.SelectMany(f => FieldsOfFeature[f.Name]).Distinct()]);
        return new Top10PredictionResponse
        {
            Title = request.Title,
            Probability = Math.Round(probability, 6),
            Threshold = served.Model.Threshold,
            WillMakeTop10 = probability >= served.Model.Threshold,
            Message = probability >= served.Model.Threshold ? Yes : No,
            Model = Reference(served),
            InputsUsed = used.Where(given.Contains).ToList(),
            InputsIgnored = given.Where(g => !used.Contains(g)).ToList(),
            InputsMissing = used.Where(u => !given.Contains(u)).ToList(),
            InputsUnrecognised = unrecognised ?? [],
            InputsOutsideTraining = served.OutsideTraining(layout.Numeric, numeric),
            Explanation = explanation.Contributions.Select(c => new FactorContribution(c.Feature, Math.Round(c.Contribution, 6))).ToList(),
        };
    }

    // Request fields each feature set reads, worked out once per set.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> UsedFields = new(StringComparer.Ordinal);

    public static ModelReference Reference(ServedClassifier served) =>
        new(served.Name, served.Version, served.Manifest.FeatureSet ?? string.Empty, served.Manifest.Trainer);

    private static HashSet<string> Given(Top10TitleRequest r)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        void Add(string field, bool present)
        {
            if (present)
            {
                given.Add(field);
            }
        }

        Add("releaseDate", r.ReleaseDate is not null);
        Add("genres", r.Genres is { Count: > 0 });
        Add("certificate", r.Certificate is not null);
        Add("runtimeMinutes", r.RuntimeMinutes is not null);
        Add("director", r.Director is not null);
        Add("cast", r.Cast is { Count: > 0 });
        Add("isOriginal", r.IsOriginal is not null);
        Add("budgetUsd", r.BudgetUsd is not null);
        Add("firstWeekHoursViewed", r.FirstWeekHoursViewed is not null);
        Add("imdbRating", r.ImdbRating is not null);
        Add("votes", r.Votes is not null);
        Add("metaScore", r.MetaScore is not null);
        Add("weeklyHoursViewed", r.WeeklyHoursViewed is not null);
        Add("cumulativeWeeksInTop10", r.CumulativeWeeksInTop10 is not null);
        return given;
    }
}
