using System.Diagnostics;
using NetflixML.Learning.Core;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Training.Bench;

public sealed record MfFold(int Fold, double Rmse, double Mae, double RSquared, double TrainSeconds);

public sealed record MfBenchmarkResult(IReadOnlyList<MfFold> Folds, double MeanRmse, double MeanMae, double MeanRSquared);

public sealed record SyntheticMfResult(long Ratings, int Users, int Items, int Rank, int Iterations, double TrainSeconds, double HeldOutRmse, double NoiseSd, double PeakWorkingSetMiB);

/// <summary>
/// One model's figures in `bench recs`; ViewerNdcgAtK is its NDCG@k with the test users served as viewers it does not
/// know, from their training items.
/// </summary>
public sealed record RecsModel(string Name, double PrecisionAtK, double RecallAtK, double NdcgAtK, double NdcgAtKGraded, double MapAtK, double HitRate, double Coverage, double GenreMatchRate, double ViewerNdcgAtK, double TrainSeconds);

public sealed record RecsBenchmarkResult(int K, int Seed, int TestUsers, IReadOnlyList<RecsModel> Models, RecsSinceTraining SinceTraining);

/// <summary>
/// `bench recs`' second protocol, in time (<see cref="MovieLens.SplitInTime"/>): the models are trained on the ratings
/// before Cutoff, and each user they know who rated two or more titles after it gives the first half as watched since
/// training and is judged on the rest (<see cref="RankingEvaluator.SinceTraining"/>). TitlesSince counts those given.
/// </summary>
public sealed record RecsSinceTraining(DateTime Cutoff, int TrainRatings, int Users, int TitlesSince, IReadOnlyList<RecsUpdate> Models);

/// <summary>
/// One model's top-k figures on the since-training protocol: as trained (the titles since are only excluded); for a
/// model that can update a known user's vector with them (<see cref="Recommender.WithKnownUserUpdate"/>), updated (null
/// for one that cannot); and retrained, refitted with those titles and their ratings added to its training data, what
/// the update stands in for between trainings.
/// </summary>
public sealed record RecsUpdate(string Name, double PrecisionAtK, double NdcgAtK, double? PrecisionAtKUpdated, double? NdcgAtKUpdated, double PrecisionAtKRetrained, double NdcgAtKRetrained);

/// <summary>
/// One model's latency for one call: Operation is "Recommend" (a user's top n, without a genre filter, Genre null, or
/// with one), "RecommendViewer" (the top n for a viewer the model does not know, from the titles they give),
/// "RecommendUpdated" (a known user's top n, their vector moved by titles watched since training) or "SimilarItems"
/// (an item's n most similar, which takes no filter).
/// </summary>
public sealed record TopNModelLatency(string Name, string Operation, string? Genre, double MedianMicroseconds, double P99Microseconds);

/// <summary>
/// `bench topn`'s result. FactorScan is the instructions the 8-bit top-n scan multiplied with ("Float" where every
/// item was scored in floats); ContentKernel is how content similarity scored the catalogue (Loop, Gather with AVX2,
/// or Lookup in AVX-512 registers): the figures depend on both. GenreShare is the share of the catalogue the filtered
/// rows' genre holds.
/// </summary>
public sealed record TopNLatencyResult(int Items, int Rank, int Users, int N, double TokensPerItem, double GenreShare, string FactorScan, string ContentKernel, IReadOnlyList<TopNModelLatency> Models);

/// <summary>`bench mf`, `bench recs` and `bench topn`: matrix factorisation and recommenders on MovieLens-100K and synthetic data.</summary>
public static class RecommendationBenchmarks
{
    /// <summary>The range of `bench mf --synthetic --ratings`.</summary>
    public const long MinSyntheticRatings = 1_000;

    public const long MaxSyntheticRatings = 200_000_000;

    /// <summary>Explicit MF on the u1..u5 base/test splits (or one of them).</summary>
    public static MfBenchmarkResult MovieLensFolds(string folder, int? fold, IProgress<string>? progress = null)
    {
        var movieLens = MovieLens.Open(folder);
        var trainer = new MatrixFactorizationTrainer();
        // Warm-up, untimed: one whole fit of u1.base, so fold 1 is timed like the others. A fit of a 5,000-rating slice
        // left the loops to be recompiled during fold 1 (tiered compilation), which then took 0.34-0.44 s against
        // 0.08-0.12 s for the rest: start-up cost of the process, not of training.
        trainer.Fit(movieLens.Matrix(movieLens.Ratings("u1.base")), movieLens.Catalog);
        var folds = new List<MfFold>();
        foreach (var k in fold is { } only ? [only] : new[] { 1, 2, 3, 4, 5 })
        {
            progress?.Report($"fold u{k}");
            var train = movieLens.Matrix(movieLens.Ratings($"u{k}.base"));
            var test = movieLens.Ratings($"u{k}.test");
            var clock = Stopwatch.StartNew();
            var model = trainer.Fit(train, movieLens.Catalog);
            var seconds = clock.Elapsed.TotalSeconds;
            var figures = RegressionMetrics.Evaluate(test.Select(r => model.Predict(r.User, r.Item)).ToArray(), test.Select(r => (double)r.Rating).ToArray());
            folds.Add(new MfFold(k, Math.Round(figures.Rmse, 4), Math.Round(figures.Mae, 4), Math.Round(figures.RSquared, 4), Math.Round(seconds, 3)));
        }

        return new MfBenchmarkResult(folds, Math.Round(folds.Average(f => f.Rmse), 4), Math.Round(folds.Average(f => f.Mae), 4), Math.Round(folds.Average(f => f.RSquared), 4));
    }

    /// <summary>
    /// A synthetic low-rank rating matrix of exactly <paramref name="ratings"/> entries (100 ratings a user on average,
    /// items a fifth as many as users and at least 200), trained at the given rank; 1 % of the ratings are held out.
    /// </summary>
    public static SyntheticMfResult Synthetic(long ratings, int rank, int iterations, int seed, IProgress<string>? progress = null)
    {
        if (ratings is < MinSyntheticRatings or > MaxSyntheticRatings)
        {
            throw new ArgumentOutOfRangeException(nameof(ratings), ratings, "A synthetic run takes 1,000 to 200,000,000 ratings.");
        }

        var users = (int)Math.Max(10, ratings / 100);
        var items = Math.Max(200, users / 5);
        const int trueRank = 16;
        const double noise = 0.5;
        progress?.Report($"generating {ratings:N0} ratings ({users:N0} users x {items:N0} items, true rank {trueRank})");
        var rng = new Rng((ulong)seed);
        var p = new float[users * trueRank];
        var q = new float[items * trueRank];
        rng.FillGaussian(p, 0.5);
        rng.FillGaussian(q, 0.5);

        var n = (int)ratings;
        var counts = RatingsPerUser(n, users, items, rng);
        var userIndex = new int[n];
        var itemIndex = new int[n];
        var values = new float[n];
        var chosen = new HashSet<int>();
        var at = 0;
        for (var u = 0; u < users; u++)
        {
            chosen.Clear();
            while (chosen.Count < counts[u])
            {
                chosen.Add(rng.NextInt(items));
            }

            foreach (var i in chosen)
            {
                double dot = 0;
                for (var d = 0; d < trueRank; d++)
                {
                    dot += p[u * trueRank + d] * q[i * trueRank + d];
                }

                userIndex[at] = u;
                itemIndex[at] = i;
                values[at] = (float)(3 + dot + rng.Gaussian(0, noise));
                at++;
            }
        }

        var heldOut = new bool[at];
        var heldCount = 0;
        for (var e = 0; e < at; e++)
        {
            heldOut[e] = rng.Bernoulli(0.01);
            heldCount += heldOut[e] ? 1 : 0;
        }

        var trainU = new int[at - heldCount];
        var trainI = new int[at - heldCount];
        var trainV = new float[at - heldCount];
        var t = 0;
        for (var e = 0; e < at; e++)
        {
            if (!heldOut[e])
            {
                trainU[t] = userIndex[e];
                trainI[t] = itemIndex[e];
                trainV[t++] = values[e];
            }
        }

        var userIds = new IdMap(Enumerable.Range(0, users).Select(u => "u" + u.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var itemIds = new IdMap(Enumerable.Range(0, items).Select(i => "i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var catalog = new ItemCatalog(itemIds, Enumerable.Range(0, items).Select(_ => Array.Empty<string>()).ToArray());
        var matrix = InteractionMatrix.FromIndices(userIds, items, trainU, trainI, trainV);
        progress?.Report($"training rank {rank}, {iterations} iterations");
        var clock = Stopwatch.StartNew();
        var model = new MatrixFactorizationTrainer(new MatrixFactorizationOptions { ApproximationRank = rank, NumberOfIterations = iterations }).Fit(matrix, catalog);
        var seconds = clock.Elapsed.TotalSeconds;
        var held = Enumerable.Range(0, at).Where(e => heldOut[e]).ToArray();
        var figures = RegressionMetrics.Evaluate(held.Select(e => model.Predict(userIndex[e], itemIndex[e])).ToArray(), held.Select(e => (double)values[e]).ToArray());
        return new SyntheticMfResult(at, users, items, rank, iterations, Math.Round(seconds, 2), Math.Round(figures.Rmse, 4), noise,
            Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 0));
    }

    /// <summary>
    /// How many ratings each user gets: Poisson around the mean within [1, <paramref name="items"/>], then nudged one at
    /// a time at random users until they sum to exactly <paramref name="n"/> (possible while users &lt;= n &lt;= users x items).
    /// </summary>
    internal static int[] RatingsPerUser(int n, int users, int items, Rng rng)
    {
        if (n < users || n > (long)users * items)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"{users:N0} users x {items:N0} items cannot hold {n:N0} ratings with at least one each.");
        }

        var counts = new int[users];
        long sum = 0;
        for (var u = 0; u < users; u++)
        {
            counts[u] = Math.Clamp(rng.Poisson((double)n / users), 1, items);
            sum += counts[u];
        }

        while (sum != n)
        {
            var u = rng.NextInt(users);
            if (sum < n && counts[u] < items)
            {
                counts[u]++;
                sum++;
            }
            else if (sum > n && counts[u] > 1)
            {
                counts[u]--;
                sum--;
            }
        }

        return counts;
    }

    /// <summary>
    /// The top-10 protocol: each user's ratings split 75/25 at random (seeded); every held-out item is relevant
    /// (its rating grades ML.NET's NDCG); items seen in training are excluded.
    /// </summary>
    public static RecsBenchmarkResult MovieLensTopN(string folder, int seed, int k = 10, IProgress<string>? progress = null)
    {
        var movieLens = MovieLens.Open(folder);
        var all = movieLens.Ratings("u.data");
        var (train, test) = RankingEvaluator.SplitPerUser(all.Select(r => r.AsInteraction()), seed);
        var ratings = InteractionMatrix.Build(train, movieLens.Catalog, sumDuplicates: false);
        var models = new List<RecsModel>();

        void Run(string name, Func<Recommender> fit)
        {
            progress?.Report(name);
            var clock = Stopwatch.StartNew();
            var model = fit();
            var seconds = clock.Elapsed.TotalSeconds;
            var report = RankingEvaluator.Evaluate(model, test, k);
            var viewers = RankingEvaluator.Evaluate(model, test, k, user => [.. ratings.ItemsOf(user)], asViewers: true);
            models.Add(new RecsModel(name, R(report.PrecisionAtK), R(report.RecallAtK), R(report.NdcgAtK), R(report.NdcgAtKGraded), R(report.MapAtK), R(report.HitRate), R(report.Coverage), R(report.GenreMatchRate), R(viewers.NdcgAtK), Math.Round(seconds, 3)));
        }

        Run("popularity", () => new PopularityRecommender(movieLens.Catalog, ratings));
        Run("content", () => new ContentRecommender(movieLens.Catalog, ratings));
        Run("explicit-mf", () => new MatrixFactorizationTrainer().Fit(ratings, movieLens.Catalog));
        ImplicitFactorModel? implicitModel = null;
        Run("implicit-mf", () => implicitModel = new ImplicitAlsTrainer().Fit(ratings, movieLens.Catalog));
        Run("hybrid", () => new HybridRecommender(implicitModel!));
        return new RecsBenchmarkResult(k, seed, test.Count, models, SinceTraining(movieLens, all, k, TimeTestFraction, progress));
    }

    /// <summary>The share of MovieLens ratings, the latest, after the since-training protocol's cut-off.</summary>
    public const double TimeTestFraction = 0.2;

    /// <summary>
    /// The since-training protocol (<see cref="RecsSinceTraining"/>) on <paramref name="ratings"/> (u.data, as the
    /// random split read it) for popularity, implicit MF and the hybrid with their default options: what updating a
    /// known user with the titles they watched since training gains over the vector trained before them, on real data.
    /// </summary>
    private static RecsSinceTraining SinceTraining(MovieLens movieLens, IReadOnlyList<MovieLensRating> ratings, int k, double testFraction, IProgress<string>? progress = null)
    {
        progress?.Report("since training");
        var (train, test, cutoff) = MovieLens.SplitInTime(ratings, testFraction);
        var (judged, seen) = RankingEvaluator.SinceTraining(movieLens.Catalog, test);
        // The titles each judged user gives as rated since (seen's first half: there is nothing else seen), with their
        // ratings (label + 1), which a retrained model learns from.
        var given = test.SelectMany(h => h.Items.Take(seen(h.User).Length).Select(i => new Interaction(h.User, i.Key, i.Value + 1)));
        var before = InteractionMatrix.Build(train, movieLens.Catalog, sumDuplicates: false);
        var withGiven = InteractionMatrix.Build(train.Concat(given), movieLens.Catalog, sumDuplicates: false);
        var factors = new ImplicitAlsTrainer().Fit(before, movieLens.Catalog);
        var refitted = new ImplicitAlsTrainer().Fit(withGiven, movieLens.Catalog);
        RecsUpdate Figures(string name, Recommender model, Recommender retrained)
        {
            var asTrained = RankingEvaluator.Evaluate(model.WithKnownUserUpdate(false), judged, k, seen);
            var updated = model.CanFoldInNewViewers ? RankingEvaluator.Evaluate(model.WithKnownUserUpdate(true), judged, k, seen) : null;
            var refit = RankingEvaluator.Evaluate(retrained.WithKnownUserUpdate(false), judged, k, seen);
            return new RecsUpdate(name, R(asTrained.PrecisionAtK), R(asTrained.NdcgAtK), updated is null ? null : R(updated.PrecisionAtK), updated is null ? null : R(updated.NdcgAtK),
                R(refit.PrecisionAtK), R(refit.NdcgAtK));
        }

        return new RecsSinceTraining(cutoff, train.Count, judged.Count, judged.Sum(h => seen(h.User).Length),
        [
            Figures("popularity", new PopularityRecommender(movieLens.Catalog, before), new PopularityRecommender(movieLens.Catalog, withGiven)),
            Figures("implicit-mf", factors, refitted),
            Figures("hybrid", new HybridRecommender(factors), new HybridRecommender(refitted)),
        ]);
    }

    /// <summary>
    /// Single-user Recommend latency over a catalogue of <paramref name="items"/> items at <paramref name="rank"/>, for
    /// the implicit factor model and for the hybrid the API serves (factors, content and popularity blended). Items
    /// carry content tokens shaped like the Netflix catalogue's (one or two genres of 20, a decade, type, language,
    /// certificate and whether it is an original: about 6.5 a title), because the hybrid's content part costs in
    /// proportion to them; a genre-only catalogue made it look cheaper than it is. Each model is timed without a
    /// genre filter and with one (genre g0, about one title in fourteen), as the API's `?genre=` asks, then for a viewer
    /// neither knows, folded in from one user's titles (about 30), as POST /api/recommendations asks, and for known
    /// users who watched five titles since training, updated as GET /api/users/{userId}/recommendations does. SimilarItems,
    /// the call behind the API's similar titles, is timed for the same two models and for content alone (what a title
    /// no one has watched gets), over items in a fixed shuffled order.
    /// </summary>
    public static TopNLatencyResult RecommendLatency(int items, int rank, int users, int n, int seed)
    {
        var rng = new Rng((ulong)seed);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var itemIds = new IdMap(Enumerable.Range(0, items).Select(i => "i" + i.ToString(inv)));
        var genres = new string[items][];
        var tokens = new string[items][];
        for (var i = 0; i < items; i++)
        {
            var first = rng.NextInt(20);
            var second = rng.NextInt(20);
            genres[i] = second == first || rng.NextInt(2) == 0 ? [$"g{first}"] : [$"g{first}", $"g{second}"];
            tokens[i] =
            [
                .. genres[i].Select(g => "genre:" + g),
                $"decade:{1950 + (10 * rng.NextInt(8))}", $"type:t{rng.NextInt(6)}", $"lang:l{rng.NextInt(12)}", $"cert:c{rng.NextInt(8)}",
                rng.NextInt(4) == 0 ? "original:yes" : "original:no",
            ];
        }

        var catalog = new ItemCatalog(itemIds, genres, tokens);
        var interactions = new List<Interaction>();
        for (var u = 0; u < users; u++)
        {
            for (var e = 0; e < 30; e++)
            {
                interactions.Add(new Interaction("u" + u.ToString(inv), "i" + rng.NextInt(items).ToString(inv), 1));
            }
        }

        var matrix = InteractionMatrix.Build(interactions, catalog, sumDuplicates: true);
        var factors = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = rank, Iterations = 2 }).Fit(matrix, catalog);
        var buffer = new ScoredItem[n];
        var ids = Enumerable.Range(0, users).Select(u => "u" + u.ToString(inv)).ToArray();
        var hybrid = new HybridRecommender(factors);
        var models = new List<TopNModelLatency>();
        foreach (var model in new Recommender[] { factors, hybrid })
        {
            foreach (var genre in new[] { null, FilteredGenre })
            {
                models.Add(Timed(model.Name, "Recommend", genre, i => model.Recommend(ids[i % users], buffer, genre: genre)));
            }
        }

        // Viewers the models do not know, each giving one user's titles (about 30): folded in, then scanned as a user.
        var viewers = Enumerable.Range(0, users).Select(u => matrix.ItemsOf(u).ToArray()).ToArray();
        foreach (var model in new Recommender[] { factors, hybrid })
        {
            models.Add(Timed(model.Name, "RecommendViewer", null, i => model.Recommend(null, buffer, recentItems: viewers[i % users])));
        }

        // Known users (about 30 titles each) who watched five more since training, as the API asks with everything
        // they watched: their vector moved by the five, then scanned.
        var watchedSince = Enumerable.Range(0, users).Select(u => (int[])[.. viewers[u], .. viewers[(u + 1) % users].Except(viewers[u]).Take(5)]).ToArray();
        foreach (var model in new Recommender[] { factors, hybrid })
        {
            var updating = model.WithKnownUserUpdate(true);
            models.Add(Timed(model.Name, "RecommendUpdated", null, i => updating.Recommend(ids[i % users], buffer, recentItems: watchedSince[i % users])));
        }

        // Items in a fixed shuffled order, so that no run of calls finds the last one's vectors in cache.
        var order = Enumerable.Range(0, items).Select(i => itemIds[i]).ToArray();
        rng.Shuffle(order.AsSpan());
        foreach (var model in new Recommender[] { factors, hybrid, new ContentRecommender(catalog, matrix) })
        {
            models.Add(Timed(model.Name, "SimilarItems", null, i => model.SimilarItems(order[i % items], buffer)));
        }

        var scan = factors.ScanKernel?.ToString() ?? "Float";
        var share = catalog.GenreMask(FilteredGenre)?.Count(g => g) / (double)items ?? 0;
        return new TopNLatencyResult(items, rank, users, n, Math.Round(tokens.Average(t => t.Length), 2), Math.Round(share, 4), scan, factors.Content.Kernel.ToString(), models);
    }

    private const string FilteredGenre = "g0";

    // One call's latency over 20,000 calls, median and p99 in microseconds to a tenth.
    private static TopNModelLatency Timed(string name, string operation, string? genre, Action<int> call)
    {
        var latency = LatencyProbe.Measure(20_000, call);
        return new TopNModelLatency(name, operation, genre, Math.Round(latency.MedianNs / 1000, 1), Math.Round(latency.P99Ns / 1000, 1));
    }

    private static double R(double value) => double.IsNaN(value) ? double.NaN : Math.Round(value, 4);
}
