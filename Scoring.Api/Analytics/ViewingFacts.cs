using Microsoft.Data.Sqlite;
using NetflixML.Features.Ingestion;
using NetflixML.Learning.Recommendation;
using NetflixML.Scoring.Api.Data;

namespace NetflixML.Scoring.Api.Analytics;

/// <summary>
/// One version of gold_watch_events in memory, as columns (subscriber, title, device, minutes) over interned ids, with
/// the gold_users fields viewing is grouped by; read in one pass when the version is loaded. The viewing figures are
/// counted here rather than in SQL: at generate --scale 10 (1 M events) SQLite took 3.6-4.9 s for each grouping of the
/// genre flows and each size of the device heatmap, joining text keys event by event, where a pass over these columns
/// takes milliseconds. The pass also gives each subscriber's watched titles, which the recommendations exclude.
/// </summary>
public sealed class ViewingFacts
{
    /// <summary>The groupings of subscribers the genre flows offer, by name.</summary>
    public static readonly IReadOnlyList<string> Groupings = ["plan", "device", "country", "age"];

    private readonly string[] _titles;
    private readonly string[] _devices;
    private readonly int[] _eventUser;
    private readonly int[] _eventTitle;
    private readonly int[] _eventDevice;
    private readonly double[] _eventMinutes;
    private readonly string[][] _watched;
    private readonly IReadOnlyList<string> _genres;
    private readonly int[][] _titleGenres;
    private readonly IdMap _users;
    private readonly Dictionary<string, Subscriber> _subscribers = new(StringComparer.Ordinal);
    private readonly Subscriber?[] _profile;

    private ViewingFacts(SqliteConnection db, IReadOnlyDictionary<string, TitleInfo> movies)
    {
        // A missing label reads as Unknown in SQL: asking the reader IsDBNull of every value was a tenth of the load.
        GoldData.Read(db, $"SELECT user_id, {Label("subscription_plan")}, {Label("primary_device")}, {Label("country")}, age FROM {GoldTables.Users}", r =>
            _subscribers[r.GetString(0)] = new Subscriber(r.GetString(1), r.GetString(2), r.GetString(3), AgeBand(r.IsDBNull(4) ? null : r.GetDouble(4))));

        var users = new IdMap();
        var titles = new IdMap();
        var devices = new IdMap();
        List<int> eventUser = [], eventTitle = [], eventDevice = [];
        List<double> eventMinutes = [];
        // A missing duration adds nothing, as in SQL's TOTAL.
        GoldData.Read(db, $"SELECT user_id, movie_id, {Label("device_type")}, ifnull(watch_duration_minutes, 0) FROM {GoldTables.WatchEvents}", r =>
        {
            eventUser.Add(users.Add(r.GetString(0)));
            eventTitle.Add(titles.Add(r.GetString(1)));
            eventDevice.Add(devices.Add(r.GetString(2)));
            eventMinutes.Add(r.GetDouble(3));
        });
        _users = users;
        (_titles, _devices) = ([.. titles.Ids], [.. devices.Ids]);
        (_eventUser, _eventTitle, _eventDevice, _eventMinutes) = ([.. eventUser], [.. eventTitle], [.. eventDevice], [.. eventMinutes]);
        _profile = [.. _users.Ids.Select(u => _subscribers.GetValueOrDefault(u))];

        // Each subscriber's titles by their place in id order: sorting and de-duplicating integers, not strings.
        var byId = Enumerable.Range(0, _titles.Length).Order(Comparer<int>.Create((a, b) => string.CompareOrdinal(_titles[a], _titles[b]))).ToArray();
        var rank = new int[byId.Length];
        for (var r = 0; r < byId.Length; r++)
        {
            rank[byId[r]] = r;
        }

        var watched = new List<int>[_users.Count];
        for (var e = 0; e < _eventUser.Length; e++)
        {
            (watched[_eventUser[e]] ??= []).Add(rank[_eventTitle[e]]);
        }

        _watched = [.. watched.Select(w =>
        {
            w.Sort();
            return w.Where((r, at) => at == 0 || w[at - 1] != r).Select(r => _titles[byId[r]]).ToArray();
        })];

        // Each watched title's genres (none for a title outside the catalogue), numbered in order of first sight.
        var genres = new IdMap();
        _titleGenres = [.. _titles.Select(t => movies.TryGetValue(t, out var info) ? info.Genres.Select(genres.Add).ToArray() : [])];
        _genres = genres.Ids;
    }

    /// <summary>Viewing events.</summary>
    public int Count => _eventUser.Length;

    /// <summary>Whether gold_users holds the subscriber.</summary>
    public bool IsSubscriber(string userId) => _subscribers.ContainsKey(userId);

    /// <summary>Every title the subscriber has watched, in id order (ordinal).</summary>
    public IReadOnlyList<string> WatchedBy(string userId) => _users.TryGet(userId, out var u) ? _watched[u] : [];

    /// <summary>Reads the events and subscribers of <paramref name="db"/>; <paramref name="movies"/> gives each title's genres.</summary>
    internal static ViewingFacts Read(SqliteConnection db, IReadOnlyDictionary<string, TitleInfo> movies) => new(db, movies);

    /// <summary>Views, distinct viewers, hours and distinct titles per genre; a title counts for each of its genres.</summary>
    public IReadOnlyList<Contracts.GenrePopularity> GenrePopularity()
    {
        var views = new int[_genres.Count];
        var minutes = new double[_genres.Count];
        var titles = new int[_genres.Count];
        var viewed = new System.Collections.BitArray(_genres.Count * _users.Count);
        for (var e = 0; e < Count; e++)
        {
            foreach (var g in _titleGenres[_eventTitle[e]])
            {
                views[g]++;
                minutes[g] += _eventMinutes[e];
                viewed[(g * _users.Count) + _eventUser[e]] = true;
            }
        }

        foreach (var g in _titleGenres.SelectMany(t => t))
        {
            titles[g]++; // every title here has been watched
        }

        return [.. _genres.Select((genre, g) => new Contracts.GenrePopularity(genre, views[g], CountSet(viewed, g * _users.Count, _users.Count), Math.Round(minutes[g] / 60.0, 1), titles[g]))
            .OrderByDescending(p => p.Views).ThenBy(p => p.Genre, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Minutes per device of the <paramref name="top"/> subscribers who watched the most (ties by id); the devices are
    /// every device watched on, the most events first.
    /// </summary>
    public Contracts.DeviceEngagement DeviceEngagement(int top)
    {
        var events = new int[_devices.Length];
        var total = new double[_users.Count];
        for (var e = 0; e < Count; e++)
        {
            events[_eventDevice[e]]++;
            total[_eventUser[e]] += _eventMinutes[e];
        }

        var devices = Enumerable.Range(0, _devices.Length).OrderByDescending(d => events[d]).ThenBy(d => _devices[d], StringComparer.Ordinal).ToArray();
        var column = new int[_devices.Length];
        for (var c = 0; c < devices.Length; c++)
        {
            column[devices[c]] = c;
        }

        var chosen = Enumerable.Range(0, _users.Count).OrderByDescending(u => total[u]).ThenBy(u => _users[u], StringComparer.Ordinal).Take(top).ToArray();
        var row = Enumerable.Repeat(-1, _users.Count).ToArray();
        for (var r = 0; r < chosen.Length; r++)
        {
            row[chosen[r]] = r;
        }

        var cells = new double[chosen.Length, devices.Length];
        for (var e = 0; e < Count; e++)
        {
            if (row[_eventUser[e]] is var r and >= 0)
            {
                cells[r, column[_eventDevice[e]]] += _eventMinutes[e];
            }
        }

        return new Contracts.DeviceEngagement(
            [.. devices.Select(d => _devices[d])],
            [.. chosen.Select((u, r) => new Contracts.SubscriberEngagement(_users[u], Math.Round(total[u], 1), [.. Enumerable.Range(0, devices.Length).Select(c => Math.Round(cells[r, c], 1))]))]);
    }

    /// <summary>The <paramref name="count"/> titles watched by the most subscribers (ties by id).</summary>
    public IReadOnlyList<string> MostWatched(int count)
    {
        var viewers = _watched.SelectMany(w => w).CountBy(t => t, StringComparer.Ordinal);
        return [.. viewers.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).Take(count).Select(v => v.Key)];
    }

    /// <summary>For every pair of <paramref name="titles"/>, the subscribers who watched both (a title's own: its viewers).</summary>
    public int[,] SharedViewers(IReadOnlyList<string> titles)
    {
        var position = titles.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        var shared = new int[titles.Count, titles.Count];
        var mine = new List<int>();
        foreach (var watched in _watched)
        {
            mine.Clear();
            foreach (var title in watched)
            {
                if (position.TryGetValue(title, out var i))
                {
                    mine.Add(i);
                }
            }

            foreach (var a in mine)
            {
                foreach (var b in mine)
                {
                    shared[a, b]++;
                }
            }
        }

        return shared;
    }

    /// <summary>
    /// Views from each group of subscribers (by <paramref name="grouping"/>, one of <see cref="Groupings"/>) to each
    /// genre; a title counts for each of its genres, and only subscribers in gold_users are grouped.
    /// </summary>
    public IReadOnlyList<(string Group, string Genre, int Views)> ViewsByGroupAndGenre(string grouping)
    {
        Func<Subscriber, string> group = grouping switch
        {
            "plan" => s => s.Plan,
            "device" => s => s.Device,
            "country" => s => s.Country,
            "age" => s => s.Age,
            _ => throw new ArgumentOutOfRangeException(nameof(grouping), grouping, $"must be one of {string.Join(", ", Groupings)}"),
        };
        var groups = new IdMap();
        var groupOf = _profile.Select(p => p is null ? -1 : groups.Add(group(p))).ToArray();
        var views = new int[groups.Count, _genres.Count];
        for (var e = 0; e < Count; e++)
        {
            if (groupOf[_eventUser[e]] is var s and >= 0)
            {
                foreach (var g in _titleGenres[_eventTitle[e]])
                {
                    views[s, g]++;
                }
            }
        }

        return [.. from s in Enumerable.Range(0, groups.Count)
                   from g in Enumerable.Range(0, _genres.Count)
                   where views[s, g] > 0
                   select (groups[s], _genres[g], views[s, g])];
    }

    /// <summary>The age bands of the genre flows (null: no age).</summary>
    public static string AgeBand(double? age) => age switch
    {
        null => AnalyticsQueries.Unknown,
        < 25 => "under 25",
        < 35 => "25-34",
        < 50 => "35-49",
        < 65 => "50-64",
        _ => "65 and over",
    };

    /// <summary>The column, or Unknown where it is NULL, as SQL.</summary>
    private static string Label(string column) => $"ifnull({column}, '{AnalyticsQueries.Unknown}')";

    private static int CountSet(System.Collections.BitArray bits, int start, int length)
    {
        var n = 0;
        for (var i = start; i < start + length; i++)
        {
            n += bits[i] ? 1 : 0;
        }

        return n;
    }

    private sealed record Subscriber(string Plan, string Device, string Country, string Age);
}
