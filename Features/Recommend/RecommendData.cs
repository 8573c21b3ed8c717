using System.Globalization;
using Microsoft.Data.Sqlite;
using NetflixML.Features.Ingestion;
using NetflixML.Learning.Evaluation;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Features.Recommend;

/// <summary>
/// The recommendation task's data, split in time: watch events, ratings and clicked recommendations before the
/// cut-off train; for each subscriber, titles first watched on or after it (and never before) are the relevant set,
/// and ratings given on or after it judge the explicit model's predicted ratings. Nothing dated after the cut-off
/// reaches the training matrices.
/// </summary>
public sealed record RecommendSplit(
    ItemCatalog Catalog,
    DateTime Cutoff,
    InteractionMatrix TrainWatches,
    InteractionMatrix TrainRatings,
    IReadOnlyList<HeldOut> Test,
    IReadOnlyList<Interaction> TestRatings,
    InteractionMatrix AllWatches,
    InteractionMatrix AllRatings)
{
    /// <summary>
    /// The same split again inside the training part (its last fifth of watch events judged), for choosing settings
    /// without the test set; null when the training part is too small to split (fewer than
    /// <see cref="RecommendData.MinimumWatchEvents"/> events, or nothing to judge after the inner cut-off).
    /// </summary>
    public RecommendValidation? Validation { get; init; }

    /// <summary>
    /// <see cref="TrainWatches"/> plus the recommendations each of its subscribers clicked before the cut-off (1 a
    /// click, added to the watch count), over the same subscribers in the same order: what the implicit factor model
    /// may learn from. A click is a sign of taste, not a view, so models keep <see cref="TrainWatches"/> as what was
    /// seen; a subscriber who clicked but never watched stays unknown. <see cref="TrainWatches"/> itself when not set.
    /// </summary>
    public InteractionMatrix TrainWatchesAndClicks { get => field ?? TrainWatches; init; }

    /// <summary><see cref="AllWatches"/> plus every clicked recommendation by its subscribers, for the refit that is served (<see cref="AllWatches"/> when not set).</summary>
    public InteractionMatrix AllWatchesAndClicks { get => field ?? AllWatches; init; }

    /// <summary>Clicked recommendations in <see cref="TrainWatchesAndClicks"/> (clicks by subscribers with no watch before the cut-off are not).</summary>
    public int TrainClicks { get; init; }

    /// <summary>The titles <paramref name="user"/> watched before the cut-off (none for a user who had not): excluded from their recommendations.</summary>
    public int[] WatchedBefore(string user) => TrainWatches.ItemsOf(user).ToArray();
}

/// <summary>A temporal split of the training part: watch events (and clicks) before <paramref name="Cutoff"/> train, titles first watched from then on (before the outer cut-off) are the relevant set.</summary>
public sealed record RecommendValidation(DateTime Cutoff, InteractionMatrix Train, IReadOnlyList<HeldOut> Test)
{
    /// <summary><see cref="Train"/> plus its subscribers' clicked recommendations before the inner cut-off, as <see cref="RecommendSplit.TrainWatchesAndClicks"/> (<see cref="Train"/> when not set).</summary>
    public InteractionMatrix TrainWithClicks { get => field ?? Train; init; }

    /// <summary>Clicked recommendations in <see cref="TrainWithClicks"/>.</summary>
    public int Clicks { get; init; }

    /// <summary>What <paramref name="user"/> watched before the inner cut-off: excluded from their recommendations.</summary>
    public int[] WatchedBefore(string user) => Train.ItemsOf(user).ToArray();
}

public static class RecommendData
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>What a recommender learned from, as its file's <c>learnedFrom</c> property lists it.</summary>
    public const string WatchEvents = "watch events";

    /// <inheritdoc cref="WatchEvents"/>
    public const string ClickedRecommendations = "clicked recommendations";

    /// <inheritdoc cref="WatchEvents"/>
    public const string Ratings = "ratings";

    /// <summary>Every title with its genres and content tokens (genre, type, language, certificate, decade, originality).</summary>
    public static ItemCatalog Catalog(SqliteConnection db)
    {
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT movie_id, genre_primary, genre_secondary, content_type, language, certificate, release_year, is_netflix_original FROM {GoldTables.Movies} ORDER BY movie_id";
        using var reader = command.ExecuteReader();
        var ids = new IdMap();
        var genres = new List<string[]>();
        var tokens = new List<string[]>();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            ids.Add(reader.GetString(0));
            var g = new[] { Text(1), Text(2) }.Where(x => x is not null).Select(x => x!).Distinct(StringComparer.Ordinal).ToArray();
            genres.Add(g);
            var t = g.Select(x => "genre:" + x).ToList();
            foreach (var (prefix, value) in new[] { ("type:", Text(3)), ("lang:", Text(4)), ("cert:", Text(5)) })
            {
                if (value is not null)
                {
                    t.Add(prefix + value);
                }
            }

            if (!reader.IsDBNull(6))
            {
                t.Add("decade:" + (reader.GetInt64(6) / 10 * 10).ToString(Inv));
            }

            if (!reader.IsDBNull(7))
            {
                t.Add(reader.GetInt64(7) == 1 ? "original:yes" : "original:no");
            }

            tokens.Add([.. t]);
        }

        return new ItemCatalog(ids, genres, tokens);
    }

    /// <summary>Fewer watch events than this cannot be split in time and judged (the binary tasks ask for 50 labelled rows too).</summary>
    public const int MinimumWatchEvents = 50;

    public static RecommendSplit Load(SqliteConnection db, double testFraction = 0.2)
    {
        var catalog = Catalog(db);
        var watches = EventLog.Read(db, GoldTables.WatchEvents, $"SELECT user_id, movie_id, watch_date, 1.0 FROM {GoldTables.WatchEvents} ORDER BY watch_date, session_id", catalog);
        if (watches.Count == 0)
        {
            throw new TaskDataException("The database has no watch events; the recommendation task needs watch_history.csv.");
        }

        if (watches.Count < MinimumWatchEvents)
        {
            throw new TaskDataException($"The recommendation task needs at least {MinimumWatchEvents} watch events; there are {watches.Count}.");
        }

        var ratings = EventLog.Read(db, GoldTables.Ratings, $"SELECT user_id, movie_id, rated_at, rating FROM {GoldTables.Ratings} ORDER BY rated_at, user_id, movie_id, source", catalog);
        var clicks = EventLog.Read(db, GoldTables.Recommendations, $"SELECT user_id, movie_id, recommendation_date, 1.0 FROM {GoldTables.Recommendations} WHERE was_clicked = 1 ORDER BY recommendation_date, recommendation_id", catalog);
        var all = watches.Positions.ToArray();
        var (cutoff, before, trainWatches, test) = SplitInTime(watches, all, testFraction);

        if (before.Length == 0 || test.Count == 0)
        {
            // Every event on one day, or no subscriber watching anything new after the cut-off: nothing to train on or judge by.
            throw new TaskDataException(
                $"The recommendation task trains on watch events before {cutoff.ToString("yyyy-MM-dd", Inv)} (the date before which {1 - testFraction:P0} fall) and judges "
                + $"titles first watched from then on, and needs both: {before.Length} events fall before it and {test.Count} subscribers watch a title new to them after it.");
        }

        // The same watches plus the clicks before `until` by subscribers who watched, over the same users.
        (InteractionMatrix Matrix, int Clicks) WithClicks(InteractionMatrix watched, DateTime until)
        {
            var kept = clicks.Interactions(clicks.Positions.Where(c => clicks.Date[c] < until && watched.Users.TryGet(clicks.UserOf(c), out _))).ToList();
            return (watched.Plus(kept, catalog), kept.Count);
        }

        var trainRatings = ratings.Matrix(ratings.Before(ratings.Positions, cutoff), sumDuplicates: false);
        var allWatches = watches.Matrix(all, sumDuplicates: true);
        var allRatings = ratings.Matrix([.. ratings.Positions], sumDuplicates: false);
        var testRatings = ratings.Interactions(ratings.Positions.Where(r => ratings.Date[r] >= cutoff)).ToList();
        RecommendValidation? validation = null;
        if (before.Length >= MinimumWatchEvents)
        {
            var (innerCutoff, innerBefore, innerWatches, innerTest) = SplitInTime(watches, before, testFraction);
            if (innerBefore.Length > 0 && innerTest.Count > 0)
            {
                var (innerWithClicks, innerClicks) = WithClicks(innerWatches, innerCutoff);
                validation = new RecommendValidation(innerCutoff, innerWatches, innerTest) { TrainWithClicks = innerWithClicks, Clicks = innerClicks };
            }
        }

        var (trainWithClicks, trainClicks) = WithClicks(trainWatches, cutoff);
        return new RecommendSplit(catalog, cutoff, trainWatches, trainRatings, test, testRatings, allWatches, allRatings)
        {
            Validation = validation,
            TrainWatchesAndClicks = trainWithClicks,
            AllWatchesAndClicks = WithClicks(allWatches, DateTime.MaxValue).Matrix,
            TrainClicks = trainClicks,
        };
    }

    /// <summary>
    /// Splits <paramref name="events"/> (watch events, in date order) at the date before which 1 -
    /// <paramref name="testFraction"/> of them fall: the events before it, their matrix, and per subscriber the titles
    /// first watched on or after it (and never before), subscribers in id order and titles in the order first watched.
    /// </summary>
    private static (DateTime Cutoff, int[] Before, InteractionMatrix Train, List<HeldOut> Test) SplitInTime(EventLog watches, int[] events, double testFraction)
    {
        var cutoff = TemporalSplit.CutoffForFraction(events.Select(e => watches.Date[e]).ToArray(), testFraction);
        var before = watches.Before(events, cutoff);
        var train = watches.Matrix(before, sumDuplicates: true);
        var newTitles = new List<int>?[watches.Users.Count];
        foreach (var e in events)
        {
            if (watches.Date[e] >= cutoff && train.ItemsOf(watches.UserOf(e)).BinarySearch(watches.Item[e]) < 0)
            {
                (newTitles[watches.User[e]] ??= []).Add(watches.Item[e]);
            }
        }

        var test = Enumerable.Range(0, newTitles.Length)
            .Where(user => newTitles[user] is not null)
            .OrderBy(user => watches.Users[user], StringComparer.Ordinal)
            .Select(user => new HeldOut(watches.Users[user], new OrderedDictionary<string, int>(newTitles[user]!.Distinct().Select(item => KeyValuePair.Create(watches.Catalog.Items[item], 1)), StringComparer.Ordinal)))
            .ToList();
        return (cutoff, before, train, test);
    }

    /// <summary>
    /// Events read once, in the query's order, with their subscribers numbered in order of first appearance and their
    /// titles by the catalogue: each split and matrix takes the events it needs by position, not by copying them.
    /// </summary>
    private sealed class EventLog
    {
        private EventLog(ItemCatalog catalog, IdMap users, int[] user, int[] item, DateTime[] date, float[] value)
        {
            (Catalog, Users, User, Item, Date, Value) = (catalog, users, user, item, date, value);
        }

        public ItemCatalog Catalog { get; }

        public IdMap Users { get; }

        public int[] User { get; }

        public int[] Item { get; }

        public DateTime[] Date { get; }

        public float[] Value { get; }

        public int Count => User.Length;

        /// <summary>Every event's position, in order.</summary>
        public IEnumerable<int> Positions => Enumerable.Range(0, Count);

        public string UserOf(int e) => Users[User[e]];

        /// <summary>
        /// Reads (user id, title id, date, value) rows. A title outside the catalogue stops the read, with the table and
        /// ids named: ingest refuses such rows, so only a database built some other way has them.
        /// </summary>
        public static EventLog Read(SqliteConnection db, string table, string sql, ItemCatalog catalog)
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var users = new IdMap();
            List<int> user = [], item = [];
            List<DateTime> date = [];
            List<float> value = [];
            while (reader.Read())
            {
                var id = reader.GetString(0);
                var title = reader.GetString(1);
                if (!catalog.Items.TryGet(title, out var index))
                {
                    throw new TaskDataException($"{table} names title '{title}' (subscriber '{id}'), which is not in {GoldTables.Movies}.");
                }

                user.Add(users.Add(id));
                item.Add(index);
                date.Add(DateTime.Parse(reader.GetString(2), Inv));
                value.Add((float)reader.GetDouble(3));
            }

            return new EventLog(catalog, users, [.. user], [.. item], [.. date], [.. value]);
        }

        /// <summary>The events of <paramref name="events"/> dated before <paramref name="cutoff"/>, in order.</summary>
        public int[] Before(IEnumerable<int> events, DateTime cutoff) => [.. events.Where(e => Date[e] < cutoff)];

        /// <summary>The events as interactions by id, in order.</summary>
        public IEnumerable<Interaction> Interactions(IEnumerable<int> events) => events.Select(e => new Interaction(UserOf(e), Catalog.Items[Item[e]], Value[e]));

        /// <summary>
        /// The matrix of <paramref name="events"/> over the subscribers among them (numbered in order of first
        /// appearance), as <see cref="InteractionMatrix.Build(IEnumerable{Interaction}, ItemCatalog, bool, IdMap?)"/>
        /// builds it from the same events by id.
        /// </summary>
        public InteractionMatrix Matrix(int[] events, bool sumDuplicates)
        {
            var local = new int[Users.Count];
            Array.Fill(local, -1);
            var ids = new List<string>();
            var (user, item, value) = (new int[events.Length], new int[events.Length], new float[events.Length]);
            for (var at = 0; at < events.Length; at++)
            {
                var e = events[at];
                if (local[User[e]] < 0)
                {
                    local[User[e]] = ids.Count;
                    ids.Add(Users[User[e]]);
                }

                (user[at], item[at], value[at]) = (local[User[e]], Item[e], Value[e]);
            }

            return InteractionMatrix.Build(new IdMap(ids), Catalog.Count, user, item, value, sumDuplicates);
        }
    }
}
