using System.Globalization;
using NetflixML.Features.Catalog;
using NetflixML.Learning.Data;

namespace NetflixML.Features.Top10;

/// <summary>A title's track-record features, computed from earlier titles only.</summary>
public readonly record struct TrackRecord(double DirectorPriorTitles, double DirectorRate, double CastRate, double CastBestRate);

/// <summary>
/// Director and cast track records, point in time: for a title released on day d, only titles whose outcome had
/// settled by then count, i.e. titles released at least <see cref="SettleDays"/> earlier (a Top-10 run rarely lasts
/// longer), or, for titles known only by year, titles of earlier years. Rates are shrunk toward the rate of all
/// settled titles with a prior weight of two titles, so one hit does not make a 100 % director.
/// </summary>
public sealed class TrackRecordIndex(IReadOnlyList<TitleRecord> history)
{
    public const int SettleDays = 56;
    private const double PriorWeight = 2;

    public IReadOnlyList<TitleRecord> History { get; } = history;

    public static bool Settled(TitleRecord earlier, DateTime? releaseDate, int? year)
    {
        if (earlier.InTop10 is null)
        {
            return false;
        }

        if (releaseDate is { } date && earlier.ReleaseDate is { } earlierDate)
        {
            return earlierDate <= date.AddDays(-SettleDays);
        }

        var thisYear = year ?? releaseDate?.Year;
        var thatYear = earlier.Year ?? earlier.ReleaseDate?.Year;
        return thisYear is not null && thatYear is not null && thatYear < thisYear;
    }

    public TrackRecord For(DateTime? releaseDate, int? year, string? director, IReadOnlyList<string> cast)
    {
        double settled = 0, settledHits = 0, directorTitles = 0, directorHits = 0;
        var actorTitles = new double[cast.Count];
        var actorHits = new double[cast.Count];
        foreach (var earlier in History)
        {
            if (!Settled(earlier, releaseDate, year))
            {
                continue;
            }

            var hit = earlier.InTop10 == true ? 1 : 0;
            settled++;
            settledHits += hit;
            if (director is not null && string.Equals(earlier.Director, director, StringComparison.OrdinalIgnoreCase))
            {
                directorTitles++;
                directorHits += hit;
            }

            for (var a = 0; a < cast.Count; a++)
            {
                if (earlier.Cast.Contains(cast[a], StringComparer.OrdinalIgnoreCase))
                {
                    actorTitles[a]++;
                    actorHits[a] += hit;
                }
            }
        }

        var prior = settled > 0 ? settledHits / settled : 0.25;
        double Rate(double hits, double titles) => (hits + PriorWeight * prior) / (titles + PriorWeight);
        var castRates = Enumerable.Range(0, cast.Count).Select(a => Rate(actorHits[a], actorTitles[a])).ToArray();
        return new TrackRecord(
            director is null ? double.NaN : directorTitles,
            director is null ? double.NaN : Rate(directorHits, directorTitles),
            castRates.Length == 0 ? double.NaN : castRates.Average(),
            castRates.Length == 0 ? double.NaN : castRates.Max());
    }
}

/// <summary>Turns titles into the table a feature set describes (point-in-time track records included).</summary>
public static class Top10Features
{
    public static TabularData Build(IReadOnlyList<TitleRecord> titles, FeatureSet set, bool withLabels = true, IReadOnlyList<TitleRecord>? history = null)
    {
        var index = new TrackRecordIndex(history ?? titles);
        var records = titles.Select(t => index.For(t.ReleaseDate, t.Year, t.Director, t.Cast)).ToArray();
        var builder = new TabularDataBuilder();
        foreach (var feature in set.Features)
        {
            switch (feature.Kind)
            {
                case ColumnKind.Numeric:
                    builder.AddNumeric(feature.Name, titles.Select((t, i) => Numeric(feature.Name, t, records[i])).ToArray());
                    break;
                case ColumnKind.Categorical:
                    builder.AddCategorical(feature.Name, titles.Select(t => Categorical(feature.Name, t)).ToArray());
                    break;
                default:
                    builder.AddSet(feature.Name, titles.Select(t => Set(feature.Name, t)).ToArray());
                    break;
            }
        }

        if (withLabels)
        {
            builder.WithLabels(titles.Select(t => t.InTop10 is { } label ? (label ? 1f : 0f) : throw new ArgumentException($"Title '{t.TitleId}' has no Top-10 outcome.")).ToArray());
        }

        return builder.Build();
    }

    public static double Numeric(string feature, TitleRecord title, TrackRecord record) => feature switch
    {
        "runtime_minutes" => title.RuntimeMinutes,
        "is_original" => title.IsOriginal,
        "log_budget" => Log(title.BudgetUsd),
        "director_prior_titles" => record.DirectorPriorTitles,
        "director_track_record" => record.DirectorRate,
        "cast_track_record" => record.CastRate,
        "cast_best_track_record" => record.CastBestRate,
        "log_first_week_hours" => Log(title.FirstWeekHoursViewed),
        "imdb_rating" => title.ImdbRating,
        "log_votes" => Log(title.Votes),
        "meta_score" => title.MetaScore,
        "weekly_hours_viewed" => title.WeeklyHoursViewed,
        "cumulative_weeks_in_top_10" => title.CumulativeWeeksInTop10,
        "weekly_views" => title.WeeklyViews,
        _ => throw new ArgumentException($"'{feature}' is not a numeric Top-10 feature."),
    };

    public static string? Categorical(string feature, TitleRecord title) => feature switch
    {
        "certificate" => title.Certificate,
        "release_month" => title.ReleaseDate?.ToString("MMM", CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"'{feature}' is not a categorical Top-10 feature."),
    };

    public static string[]? Set(string feature, TitleRecord title) => feature switch
    {
        "genres" => [.. title.Genres],
        _ => throw new ArgumentException($"'{feature}' is not a set-valued Top-10 feature."),
    };

    private static double Log(double value) => double.IsNaN(value) ? double.NaN : Math.Log(1 + Math.Max(0, value));
}
