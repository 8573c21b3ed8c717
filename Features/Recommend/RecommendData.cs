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
        var watches = Events(db, $"SELECT user_id, movie_id, watch_date, 1.0 FROM {GoldTables.WatchEvents} ORDER BY watch_date, session_id");
        if (watches.Count == 0)
        {
            throw new TaskDataException("The database has no watch events; the recommendation task needs watch_history.csv.");
        }

        if (watches.Count < MinimumWatchEvents)
        {
            throw new TaskDataException($"The recommendation task needs at least {MinimumWatchEvents} watch events; there are {watches.Count}.");
        }

        var ratings = Events(db, $"SELECT user_id, movie_id, rated_at, rating FROM {GoldTables.Ratings} ORDER BY rated_at, user_id, movie_id, source");
        var clicks = Events(db, $"SELECT user_id, movie_id, recommendation_date, 1.0 FROM {GoldTables.Recommendations} WHERE was_clicked = 1 ORDER BY recommendation_date, recommendation_id");
        var (cutoff, before, test) = SplitInTime(watches, testFraction);

        if (before.Count == 0 || test.Count == 0)
        {
            // Every event on one day, or no subscriber watching anything new after the cut-off: nothing to train on or judge by.
            throw new TaskDataException(
                $"The recommendation task trains on watch events before {cutoff.ToString("yyyy-MM-dd", Inv)} (the date before which {1 - testFraction:P0} fall) and judges "
                + $"titles first watched from then on, and needs both: {before.Count} events fall before it and {test.Count} subscribers watch a title new to them after it.");
        }

        InteractionMatrix Watched(IEnumerable<(string User, string Item, DateTime Date, float Value)> events) =>
            InteractionMatrix.Build(events.Select(w => new Interaction(w.User, w.Item, 1)), catalog, sumDuplicates: true);

        // The same watches plus the clicks before `until` by subscribers who watched, over the same users.
        (InteractionMatrix Matrix, int Clicks) WithClicks(InteractionMatrix watched, DateTime until)
        {
            var kept = clicks.Where(c => c.Date < until && watched.Users.TryGet(c.User, out _)).Select(c => new Interaction(c.User, c.Item, c.Value)).ToList();
            return (watched.Plus(kept, catalog), kept.Count);
        }

        var trainWatches = Watched(before);
        var trainRatings = InteractionMatrix.Build(ratings.Where(r => r.Date < cutoff).Select(r => new Interaction(r.User, r.Item, r.Value)), catalog, sumDuplicates: false);
        var allWatches = Watched(watches);
        var allRatings = InteractionMatrix.Build(ratings.Select(r => new Interaction(r.User, r.Item, r.Value)), catalog, sumDuplicates: false);
        var testRatings = ratings.Where(r => r.Date >= cutoff).Select(r => new Interaction(r.User, r.Item, r.Value)).ToList();
        RecommendValidation? validation = null;
        if (before.Count >= MinimumWatchEvents)
        {
            var (innerCutoff, innerBefore, innerTest) = SplitInTime(before, testFraction);
            if (innerBefore.Count > 0 && innerTest.Count > 0)
            {
                var innerWatches = Watched(innerBefore);
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
    /// The cut-off before which 1 - <paramref name="testFraction"/> of <paramref name="watches"/> fall, the events
    /// before it, and per subscriber the titles first watched on or after it (and never before), in id order.
    /// </summary>
    private static (DateTime Cutoff, List<(string User, string Item, DateTime Date, float Value)> Before, List<HeldOut> Test) SplitInTime(
        List<(string User, string Item, DateTime Date, float Value)> watches, double testFraction)
    {
        var cutoff = TemporalSplit.CutoffForFraction(watches.Select(w => w.Date).ToArray(), testFraction);
        var before = watches.Where(w => w.Date < cutoff).ToList();
        var seenBefore = before.Select(w => (w.User, w.Item)).ToHashSet();
        var test = watches.Where(w => w.Date >= cutoff && !seenBefore.Contains((w.User, w.Item)))
            .GroupBy(w => w.User)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new HeldOut(g.Key, g.Select(w => w.Item).Distinct(StringComparer.Ordinal).ToDictionary(i => i, _ => 1)))
            .ToList();
        return (cutoff, before, test);
    }

    private static List<(string User, string Item, DateTime Date, float Value)> Events(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var events = new List<(string, string, DateTime, float)>();
        while (reader.Read())
        {
            events.Add((reader.GetString(0), reader.GetString(1), DateTime.Parse(reader.GetString(2), Inv), (float)reader.GetDouble(3)));
        }

        return events;
    }
}
