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
/// The history is indexed once (titles by director and by actor; settled counts by date and by year with running hit
/// totals), so a query costs a binary search plus the director's and actors' own titles, not a scan of the history:
/// the API answers one title per request from the same index.
/// </summary>
public sealed class TrackRecordIndex
{
    public const int SettleDays = 56;

    /// <summary>A release date after every title of any history: a title to predict whose date is not known yet.</summary>
    public static readonly DateTime Upcoming = DateTime.MaxValue.Date;
    private const double PriorWeight = 2;

    private readonly Dictionary<string, List<TitleRecord>> _byDirector = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<TitleRecord>> _byActor = new(StringComparer.OrdinalIgnoreCase);
    private readonly Running<DateTime> _datedByDate;
    private readonly Running<int> _datedByYear;
    private readonly Running<int> _undatedByYear;

    public TrackRecordIndex(IReadOnlyList<TitleRecord> history)
    {
        History = history;
        var known = history.Where(t => t.InTop10 is not null).ToList();
        foreach (var title in known)
        {
            if (Name(title.Director) is { } director)
            {
                Add(_byDirector, director, title);
            }

            foreach (var actor in People(title.Cast))
            {
                Add(_byActor, actor, title);
            }
        }

        var dated = known.Where(t => t.ReleaseDate is not null).ToList();
        _datedByDate = new Running<DateTime>(dated.Select(t => (t.ReleaseDate!.Value, t.InTop10 == true)));
        _datedByYear = new Running<int>(dated.Select(t => (t.Year ?? t.ReleaseDate!.Value.Year, t.InTop10 == true)));
        _undatedByYear = new Running<int>(known.Where(t => t.ReleaseDate is null && t.Year is not null).Select(t => (t.Year!.Value, t.InTop10 == true)));
    }

    public IReadOnlyList<TitleRecord> History { get; }

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
        // Settled titles overall: dated ones by date (or by year when this title has no date), undated ones by year.
        var thisYear = year ?? releaseDate?.Year;
        var (settled, settledHits) = releaseDate is { } date
            ? _datedByDate.AtMost(date.AddDays(-SettleDays))
            : thisYear is { } y1 ? _datedByYear.AtMost(y1 - 1) : (0, 0);
        if (thisYear is { } y2)
        {
            var (undated, undatedHits) = _undatedByYear.AtMost(y2 - 1);
            settled += undated;
            settledHits += undatedHits;
        }

        var prior = settled > 0 ? (double)settledHits / settled : 0.25;
        double Rate(double hits, double titles) => (hits + PriorWeight * prior) / (titles + PriorWeight);
        (double Titles, double Hits) Record(Dictionary<string, List<TitleRecord>> index, string name)
        {
            double titles = 0, hits = 0;
            if (index.TryGetValue(name, out var list))
            {
                foreach (var earlier in list)
                {
                    if (Settled(earlier, releaseDate, year))
                    {
                        titles++;
                        hits += earlier.InTop10 == true ? 1 : 0;
                    }
                }
            }

            return (titles, hits);
        }

        director = Name(director);
        var (directorTitles, directorHits) = director is null ? (0, 0) : Record(_byDirector, director);
        var people = People(cast);
        var castRates = new double[people.Count];
        for (var a = 0; a < castRates.Length; a++)
        {
            var (titles, hits) = Record(_byActor, people[a]);
            castRates[a] = Rate(hits, titles);
        }

        return new TrackRecord(
            director is null ? double.NaN : directorTitles,
            director is null ? double.NaN : Rate(directorHits, directorTitles),
            castRates.Length == 0 ? double.NaN : castRates.Average(),
            castRates.Length == 0 ? double.NaN : castRates.Max());
    }

    // A name as the index keys it: without surrounding spaces (" Retta Rippin " is Retta Rippin), blank as none.
    private static string? Name(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();

    // A cast's people, each once (ignoring case, as the index matches names), blank entries dropped.
    private static List<string> People(IReadOnlyList<string> cast)
    {
        var people = new List<string>(cast.Count);
        foreach (var entry in cast)
        {
            if (Name(entry) is { } name && !people.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                people.Add(name);
            }
        }

        return people;
    }

    private static void Add(Dictionary<string, List<TitleRecord>> index, string name, TitleRecord title)
    {
        if (!index.TryGetValue(name, out var list))
        {
            index[name] = list = [];
        }

        list.Add(title);
    }

    /// <summary>Keys in order with the running count of titles and hits up to each, for "how many at or before k".</summary>
    private sealed class Running<TKey>
        where TKey : IComparable<TKey>
    {
        private readonly TKey[] _keys;
        private readonly int[] _hitsThrough;

        public Running(IEnumerable<(TKey Key, bool Hit)> items)
        {
            var sorted = items.OrderBy(i => i.Key).ToArray();
            _keys = sorted.Select(i => i.Key).ToArray();
            _hitsThrough = new int[sorted.Length];
            for (int i = 0, hits = 0; i < sorted.Length; i++)
            {
                hits += sorted[i].Hit ? 1 : 0;
                _hitsThrough[i] = hits;
            }
        }

        /// <summary>Titles and hits with key &lt;= limit.</summary>
        public (int Titles, int Hits) AtMost(TKey limit)
        {
            int lo = 0, hi = _keys.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_keys[mid].CompareTo(limit) <= 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return (lo, lo == 0 ? 0 : _hitsThrough[lo - 1]);
        }
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
