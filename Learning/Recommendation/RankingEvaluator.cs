using NetflixML.Learning.Core;
using NetflixML.Learning.Metrics;

namespace NetflixML.Learning.Recommendation;

/// <summary>The top-k figures of one recommender over a test set, averaged over test users.</summary>
public sealed record RankingReport
{
    public int K { get; init; }

    public int Users { get; init; }

    public double PrecisionAtK { get; init; }

    public double RecallAtK { get; init; }

    /// <summary>Binary-gain NDCG (log2 discount).</summary>
    public double NdcgAtK { get; init; }

    /// <summary>ML.NET's graded NDCG (gains 0, 3, 7, 15, 31; natural-log discount).</summary>
    public double NdcgAtKGraded { get; init; }

    public double MapAtK { get; init; }

    /// <summary>Share of users with at least one relevant item in their top k.</summary>
    public double HitRate { get; init; }

    /// <summary>Share of the catalogue recommended to at least one user.</summary>
    public double Coverage { get; init; }

    /// <summary>
    /// Share of recommended items in a genre the user already watched: one of the titles in the model's history of them
    /// or among those the evaluation says they saw (users with one or the other only).
    /// </summary>
    public double GenreMatchRate { get; init; }
}

/// <summary>
/// A user's held-out items, with a graded label (0..4) for each. Where the order they were watched in matters
/// (<see cref="RankingEvaluator.SinceTraining"/>), <see cref="Items"/> is an <see cref="OrderedDictionary{TKey, TValue}"/>
/// in that order, because a plain dictionary's enumeration order is not promised.
/// </summary>
public sealed record HeldOut(string User, IReadOnlyDictionary<string, int> Items);

/// <summary>
/// Evaluates a recommender the way the benchmark protocol says: for each test user, the top k with the items seen
/// in training excluded; every held-out item is relevant (binary metrics), its label grades ML.NET's NDCG.
/// </summary>
public static class RankingEvaluator
{
    /// <param name="model">The recommender.</param>
    /// <param name="test">Held-out items per user.</param>
    /// <param name="k">List length.</param>
    /// <param name="alsoSeen">Per user, items seen in training that the model's own history may not hold (e.g. watched
    /// but never rated, for a rating model): excluded too, counted by the genre-match rate, and for a user the model
    /// does not know, the history content similarity starts from.</param>
    /// <param name="asViewers">Serves every user as a viewer the model does not know (no id), from <paramref name="alsoSeen"/>
    /// alone, whose genres the genre-match rate then counts: how the model does for people who arrive after it was
    /// trained.</param>
    public static RankingReport Evaluate(Recommender model, IReadOnlyList<HeldOut> test, int k = 10, Func<string, int[]>? alsoSeen = null, bool asViewers = false)
    {
        var perUser = new (double P, double R, double N, double G, double Ap, bool Hit, int GenreHits, int GenreTotal)[test.Count];
        var recommended = new int[test.Count][];
        Parallel.For(0, test.Count, u =>
        {
            var held = test[u];
            var labels = new Dictionary<int, int>();
            foreach (var (item, label) in held.Items)
            {
                var index = model.Catalog.Items.IndexOf(item);
                if (index >= 0)
                {
                    labels[index] = label;
                }
            }

            var relevant = labels.Keys.ToHashSet();
            var buffer = new ScoredItem[k];
            var given = alsoSeen?.Invoke(held.User) ?? [];
            var (count, _) = model.Recommend(asViewers ? null : held.User, buffer, recentItems: given);
            var ranked = buffer.Take(count).Select(s => s.Item).ToArray();
            // Everything the user watched counts: a rating model's history holds only what was rated, and titles
            // watched since training are watched too.
            var (genreHits, genreTotal) = GenreMatch(model, asViewers ? given : [.. model.History.ItemsOf(held.User), .. given], ranked);
            perUser[u] = (RankingMetrics.PrecisionAtK(ranked, relevant, k), RankingMetrics.RecallAtK(ranked, relevant, k),
                RankingMetrics.NdcgAtK(ranked, relevant, k), RankingMetrics.NdcgAtKGraded(ranked, labels, k),
                RankingMetrics.AveragePrecisionAtK(ranked, relevant, k), RankingMetrics.HitAtK(ranked, relevant, k), genreHits, genreTotal);
            recommended[u] = ranked;
        });

        var covered = new bool[model.Catalog.Count];
        foreach (var ranked in recommended)
        {
            foreach (var item in ranked)
            {
                covered[item] = true;
            }
        }

        var n = Math.Max(1, test.Count);
        var genreTotal = perUser.Sum(p => p.GenreTotal);
        return new RankingReport
        {
            K = k,
            Users = test.Count,
            PrecisionAtK = perUser.Sum(p => p.P) / n,
            RecallAtK = perUser.Sum(p => p.R) / n,
            NdcgAtK = perUser.Sum(p => p.N) / n,
            NdcgAtKGraded = perUser.Sum(p => p.G) / n,
            MapAtK = perUser.Sum(p => p.Ap) / n,
            HitRate = perUser.Count(p => p.Hit) / (double)n,
            Coverage = covered.Count(c => c) / (double)Math.Max(1, covered.Length),
            GenreMatchRate = genreTotal == 0 ? double.NaN : perUser.Sum(p => p.GenreHits) / (double)genreTotal,
        };
    }

    /// <summary>A held-out rating's label for ML.NET's graded NDCG: the rating (rounded) - 1, clamped to 0..4.</summary>
    public static int GradedLabel(double rating) => (int)Math.Clamp(Math.Round(rating) - 1, 0, 4);

    /// <summary>
    /// The top-N protocol's split: each user's ratings (in item-id order) shuffled with one seeded generator, users
    /// in id order; the first round(75 %) train, the rest are held out, labelled by <see cref="GradedLabel"/> for
    /// ML.NET's graded NDCG.
    /// </summary>
    public static (List<Interaction> Train, List<HeldOut> Test) SplitPerUser(IEnumerable<Interaction> ratings, int seed)
    {
        var rng = new Rng((ulong)seed);
        var train = new List<Interaction>();
        var test = new List<HeldOut>();
        foreach (var user in ratings.GroupBy(r => r.User).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var mine = user.OrderBy(r => r.Item, StringComparer.Ordinal).ToArray();
            rng.Shuffle(mine.AsSpan());
            var cut = (int)Math.Round(mine.Length * 0.75);
            train.AddRange(mine[..cut]);
            if (cut < mine.Length)
            {
                test.Add(new HeldOut(user.Key, mine[cut..].ToDictionary(r => r.Item, r => GradedLabel(r.Value))));
            }
        }

        return (train, test);
    }

    /// <summary>
    /// Users who keep watching after the model was trained: each test user with at least two held-out items (in the
    /// order of their ordered dictionary, first watched first) has the first half (rounded down) as titles seen since
    /// training, added to <paramref name="alsoSeen"/>'s, and is judged on the rest. Served with their id, a model that
    /// updates known users (<see cref="Recommender.UpdatesKnownUsers"/>) moves them by those titles; one that does not
    /// only excludes them.
    /// </summary>
    public static (List<HeldOut> Test, Func<string, int[]> Seen) SinceTraining(ItemCatalog catalog, IReadOnlyList<HeldOut> test, Func<string, int[]>? alsoSeen = null)
    {
        var judged = new List<HeldOut>();
        var since = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var held in test)
        {
            var items = held.Items.Where(i => catalog.Items.IndexOf(i.Key) >= 0).ToList();
            if (items.Count < 2)
            {
                continue;
            }

            if (held.Items is not IReadOnlyList<KeyValuePair<string, int>>)
            {
                throw new ArgumentException($"User '{held.User}': the held-out titles are in a {held.Items.GetType().Name}, which keeps no order, so which were watched first is not defined; give them in an OrderedDictionary.", nameof(test));
            }

            var half = items.Count / 2;
            judged.Add(new HeldOut(held.User, new OrderedDictionary<string, int>(items.Skip(half), StringComparer.Ordinal)));
            since[held.User] = [.. alsoSeen?.Invoke(held.User) ?? [], .. items.Take(half).Select(i => catalog.Items.IndexOf(i.Key))];
        }

        return (judged, user => since.TryGetValue(user, out var seen) ? seen : alsoSeen?.Invoke(user) ?? []);
    }

    /// <summary>How many of <paramref name="ranked"/> share a genre with the items of <paramref name="history"/> (none: 0 of 0).</summary>
    public static (int Hits, int Total) GenreMatch(Recommender model, ReadOnlySpan<int> history, ReadOnlySpan<int> ranked)
    {
        if (history.IsEmpty)
        {
            return (0, 0);
        }

        var watched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in history)
        {
            watched.UnionWith(model.Catalog.Genres(item));
        }

        var hits = 0;
        foreach (var item in ranked)
        {
            hits += model.Catalog.Genres(item).Any(watched.Contains) ? 1 : 0;
        }

        return (hits, ranked.Length);
    }
}
