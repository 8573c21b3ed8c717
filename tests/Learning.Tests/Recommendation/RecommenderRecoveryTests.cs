using System.Text.Json.Nodes;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Recommendation;
using NetflixML.Learning.Tests.Support;

namespace NetflixML.Learning.Tests.Recommendation;

public sealed class RecommenderRecoveryTests
{
    [Fact]
    public void Explicit_mf_recovers_a_planted_low_rank_matrix_to_near_its_noise_floor()
    {
        var catalog = RecommenderTestData.Catalog(300);
        var (train, test, noise) = RecommenderTestData.LowRank(1_500, 300, 80, 0.3, 3);
        var model = new MatrixFactorizationTrainer(new MatrixFactorizationOptions { ApproximationRank = 8, NumberOfIterations = 40, LearningRate = 0.05, Lambda = 0.02 })
            .Fit(InteractionMatrix.Build(train, catalog, sumDuplicates: false), catalog);
        var rmse = Math.Sqrt(test.Average(r => Math.Pow(model.Predict(r.User, r.Item) - r.Value, 2)));
        var spread = Math.Sqrt(test.Average(r => Math.Pow(r.Value - 3, 2)));
        Assert.True(rmse < noise * 1.25, $"RMSE {rmse:F3}, noise floor {noise}, rating spread {spread:F3}");
    }

    [Fact]
    public void Explicit_mf_answers_unknown_users_and_items_with_biases_not_nan()
    {
        var catalog = RecommenderTestData.Catalog(50);
        var ratings = new List<Interaction>();
        for (var u = 0; u < 30; u++)
        {
            for (var i = 0; i < 40; i++)
            {
                ratings.Add(new Interaction($"user{u}", $"item{i}", i < 20 ? 4.5f : 1.5f));
            }
        }

        var model = new MatrixFactorizationTrainer(new MatrixFactorizationOptions { ApproximationRank = 4 }).Fit(InteractionMatrix.Build(ratings, catalog, false), catalog);
        Assert.InRange(model.Predict("stranger", "item3"), 4.0, 4.6);   // mean + item bias
        Assert.InRange(model.Predict("stranger", "item30"), 1.4, 2.0);
        Assert.InRange(model.Predict("stranger", "item45"), 2.9, 3.1);   // never rated: the global mean
        Assert.InRange(model.Predict("user1", "item45"), 2.5, 3.5);
    }

    [Fact]
    public void Implicit_als_finds_each_users_favourite_genre()
    {
        var catalog = RecommenderTestData.Catalog(200);
        var (train, test) = RecommenderTestData.Clustered(400, 200, 4);
        var history = InteractionMatrix.Build(train, catalog, sumDuplicates: true);
        var model = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 8 }).Fit(history, catalog);
        var report = RankingEvaluator.Evaluate(model, test);
        var popularity = RankingEvaluator.Evaluate(new PopularityRecommender(catalog, history), test);
        Assert.True(report.PrecisionAtK > 2 * popularity.PrecisionAtK, $"ALS {report.PrecisionAtK:F3}, popularity {popularity.PrecisionAtK:F3}");
        // 85 % of each user's items are in one genre; most recommendations should be in it.
        var inFavourite = Enumerable.Range(0, 400).Average(u =>
            model.Recommend($"user{u}", 10).Items.Count(i => int.Parse(i.ItemId[4..], System.Globalization.CultureInfo.InvariantCulture) % 4 == u % 4) / 10.0);
        Assert.True(inFavourite > 0.8, $"{inFavourite:F2}");
    }

    [Fact]
    public void Implicit_als_learns_from_interactions_kept_out_of_its_history()
    {
        // Clicks: each user also clicked an unwatched title of their favourite genre, and those who favour genre 3 also
        // item199, which no one watched. They shape the factors but are not the history: not seen, so recommendable.
        var catalog = RecommenderTestData.Catalog(200);
        var (train, _) = RecommenderTestData.Clustered(400, 200, 4);
        var watched = InteractionMatrix.Build(train.Where(t => t.Item != "item199"), catalog, sumDuplicates: true);
        var clicks = new List<Interaction>();
        foreach (var user in watched.Users.Ids)
        {
            var favourite = int.Parse(user[4..], System.Globalization.CultureInfo.InvariantCulture) % 4;
            var unseen = Enumerable.Range(0, 50).Select(j => (4 * j) + favourite).First(i => !watched.ItemsOf(user).Contains(i));
            clicks.Add(new Interaction(user, $"item{unseen}", 1));
            if (favourite == 3)
            {
                clicks.Add(new Interaction(user, "item199", 1));
            }
        }

        var signal = InteractionMatrix.Build(train.Where(t => t.Item != "item199").Concat(clicks), catalog, sumDuplicates: true, new IdMap(watched.Users.Ids));
        var model = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 8 }).Fit(signal, catalog, history: watched);

        Assert.Same(watched, model.History);
        foreach (var click in clicks)
        {
            Assert.Contains(click.Item, model.Recommend(click.User, catalog.Count).Items.Select(i => i.ItemId)); // not excluded as seen
        }

        // item199 has a vector only because of the clicks: its closest titles are the genre its clickers favour.
        var similar = model.SimilarItems("item199", 10);
        Assert.Equal(SimilaritySource.Interactions, similar.Source);
        Assert.True(similar.Items.Count(i => int.Parse(i.ItemId[4..], System.Globalization.CultureInfo.InvariantCulture) % 4 == 3) >= 8, string.Join(" ", similar.Items.Select(i => i.ItemId)));
        Assert.True(new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 8 }).Fit(watched, catalog).SimilarItems("item199", 10).Source != SimilaritySource.Interactions);

        // Saved and loaded, the same.
        using var dir = new TempDirectory();
        RecommenderFile.Save(dir.File("m.zip"), model, new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch });
        var (loaded, _) = RecommenderFile.Load(dir.File("m.zip"));
        Assert.Equal(model.Recommend("user3", 10).Items, loaded.Recommend("user3", 10).Items);

        // The user vectors are indexed by the history's users, so they must be the signal's, in its order.
        var reordered = InteractionMatrix.Build(train.Where(t => t.Item != "item199").Reverse(), catalog, sumDuplicates: true);
        var error = Assert.Throws<ArgumentException>(() => new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 8 }).Fit(signal, catalog, history: reordered));
        Assert.StartsWith("The history holds 400 users and the interactions 400; they must be the same users in the same order.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(64)]
    public void Scoring_every_item_at_once_gives_exactly_each_pairs_dot_product(int rank)
    {
        // 203 items: not a multiple of the four items scored together; ranks with and without a remainder of eight.
        var model = RecommenderTestData.ClusteredImplicit(60, 203, 9, rank, iterations: 3);
        var catalog = model.Catalog;
        var scores = new float[catalog.Count];

        for (var user = 0; user < model.History.Users.Count; user++)
        {
            model.ScoreUser(user, scores);
            for (var item = 0; item < catalog.Count; item++)
            {
                Assert.Equal(model.Score(user, item), scores[item]);
            }
        }

        Assert.Contains(scores, float.IsFinite);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(64)]
    public void Implicit_recommendations_are_exactly_the_top_of_every_items_float_score(int rank)
    {
        // Recommend finds the top n from 8-bit item vectors and rescores only the close calls; the answer must be
        // what selecting from every item's float score gives, seen items and genre filter included.
        var model = RecommenderTestData.ClusteredImplicit(60, 203, 9, rank, iterations: 3);
        var catalog = model.Catalog;
        var scores = new float[catalog.Count];
        var expected = new ScoredItem[25];
        var actual = new ScoredItem[25];
        var horror = catalog.GenreMask("Horror");

        for (var user = 0; user < model.History.Users.Count; user++)
        {
            model.ScoreUser(user, scores);
            foreach (var item in model.History.ItemsOf(user))
            {
                scores[item] = float.NegativeInfinity;
            }

            var genre = user % 2 == 0 ? null : "Horror";
            for (var item = 0; genre is not null && item < scores.Length; item++)
            {
                scores[item] = horror![item] ? scores[item] : float.NegativeInfinity;
            }

            var count = TopN.Select(scores, expected);
            var (written, source) = model.Recommend(model.History.Users[user], actual, genre: genre);

            Assert.Equal(RecommendationSource.FactorModel, source);
            Assert.Equal(expected.Take(count), actual.Take(written));
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(64)]
    public void Hybrid_recommendations_from_8_bit_factor_bounds_are_exactly_those_of_every_items_blend(int rank)
    {
        // 1003 items, so the factor scores are dense enough for close calls; a user's blend mixes in content and
        // popularity, which the 8-bit bounds must carry through. The float scan blends every item's exact score.
        var model = RecommenderTestData.ClusteredImplicit(80, 1003, 4, rank, iterations: 3, new Interaction("newcomer", "item7", 1));
        Assert.NotNull(model.Quantised);
        var (quantised, floats) = (new HybridRecommender(model), new HybridRecommender(model.WithFloatScan()));
        var expected = new ScoredItem[30];
        var actual = new ScoredItem[30];

        foreach (var user in model.History.Users.Ids)
        {
            foreach (var genre in new[] { null, "Comedy" })
            {
                var (count, expectedSource) = floats.Recommend(user, expected, genre: genre);
                var (written, source) = quantised.Recommend(user, actual, genre: genre);

                Assert.Equal(expectedSource, source);
                Assert.Equal(expected.Take(count), actual.Take(written));
            }
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(64)]
    public void Similar_items_from_8_bit_cosine_bounds_are_exactly_those_of_every_items_float_cosine(int rank)
    {
        // The implicit model ranks by the factor cosine, the hybrid by its blend with content. 80 users' 15 titles
        // leave many of the 1003 items in no history, which both answer by content.
        var model = RecommenderTestData.ClusteredImplicit(80, 1003, 4, rank, iterations: 3);
        var floats = model.WithFloatScan();
        Assert.NotNull(model.Cosines.Quantised);
        Assert.Null(floats.Cosines.Quantised);
        var expected = new ScoredItem[30];
        var actual = new ScoredItem[30];
        var sources = new HashSet<SimilaritySource>();

        foreach (var (quantised, exact) in new (Recommender, Recommender)[] { (model, floats), (new HybridRecommender(model), new HybridRecommender(floats)) })
        {
            foreach (var item in model.Catalog.Items.Ids)
            {
                var (count, expectedSource) = exact.SimilarItems(item, expected);
                var (written, source) = quantised.SimilarItems(item, actual);

                Assert.Equal(expectedSource, source);
                Assert.Equal(expected.Take(count), actual.Take(written));
                sources.Add(source);
            }
        }

        Assert.Equal([SimilaritySource.Interactions, SimilaritySource.InteractionsAndContent, SimilaritySource.Content], sources.Order());
    }

    [Fact]
    public void The_item_cosines_are_built_by_the_first_similar_items_call_and_shared_by_copies()
    {
        var model = RecommenderTestData.ClusteredImplicit(40, 203, 4, rank: 8, iterations: 2);
        var hybrid = new HybridRecommender(model);
        var copy = (ImplicitFactorModel)model.WithNewViewerContentWeight(0.4);

        // Recommendations, for known users and new viewers, never need them.
        hybrid.Recommend("user3", 10);
        model.Recommend(null, 10, recentItems: ["item5"]);
        Assert.False(model.CosinesBuilt);

        var similar = hybrid.SimilarItems("item5", 10);
        Assert.True(model.CosinesBuilt);
        Assert.True(copy.CosinesBuilt);
        Assert.Same(model.Cosines, copy.Cosines);
        Assert.Equal(SimilaritySource.InteractionsAndContent, similar.Source);
    }

    [Fact]
    public void Similar_items_and_recommendations_interleaved_on_parallel_threads_give_the_sequential_answers()
    {
        // The hybrid keeps the content scores, factor bounds and blend of a call in per-thread scratch between its
        // scan and its selection; calls on other threads must not see them. A catalogue of 1003 items makes each
        // call long enough for threads to overlap inside it.
        var model = RecommenderTestData.ClusteredImplicit(80, 1003, 4, rank: 16, iterations: 2);
        var hybrid = new HybridRecommender(model);
        var items = model.Catalog.Items.Ids.Take(300).ToArray();
        var users = model.History.Users.Ids.ToArray();
        var similar = items.Select(i => hybrid.SimilarItems(i, 10)).ToArray();
        var recommended = users.Select(u => hybrid.Recommend(u, 10)).ToArray();
        var mismatches = 0;

        Parallel.For(0, 20 * items.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var (item, user) = (k % items.Length, k % users.Length);
            var (s, r) = (hybrid.SimilarItems(items[item], 10), hybrid.Recommend(users[user], 10));
            if (!s.Items.SequenceEqual(similar[item].Items) || !r.Items.SequenceEqual(recommended[user].Items))
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void A_users_factor_moments_from_the_vectors_moments_match_summing_every_score()
    {
        var model = RecommenderTestData.ClusteredImplicit(60, 203, 9, rank: 12, iterations: 3);
        var catalog = model.Catalog;
        var hybrid = new HybridRecommender(model);
        var scores = new float[catalog.Count];

        for (var user = 0; user < model.History.Users.Count; user++)
        {
            model.ScoreUser(user, scores);
            var finite = scores.Where(float.IsFinite).Select(v => (double)v).ToArray();
            var mean = finite.Average();
            var sd = Math.Sqrt(finite.Average(v => (v - mean) * (v - mean)));
            var (shift, scale) = hybrid.FactorMoments(model.UserVector(user));

            Assert.Equal(mean, shift, 1e-5 * sd);
            Assert.Equal(1 / sd, scale, 1e-5 / sd);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(12)]
    public void Explicit_model_ranks_every_item_by_exactly_its_bias_plus_dot_product(int rank)
    {
        // The explicit model scores through the same every-item kernel, then adds each item's bias.
        var catalog = RecommenderTestData.Catalog(203);
        var (train, _) = RecommenderTestData.Clustered(60, 203, 9);
        var model = new MatrixFactorizationTrainer(new MatrixFactorizationOptions { ApproximationRank = rank, NumberOfIterations = 3 })
            .Fit(InteractionMatrix.Build(train, catalog, sumDuplicates: true), catalog);

        for (var user = 0; user < model.History.Users.Count; user++)
        {
            var ranked = model.Recommend(model.History.Users[user], catalog.Count, excludeSeen: false).Items;
            Assert.Equal(Enumerable.Range(0, catalog.Count).Count(i => float.IsFinite(model.Score(user, i))), ranked.Count);
            foreach (var item in ranked)
            {
                Assert.Equal(model.Score(user, catalog.Items.IndexOf(item.ItemId)), (float)item.Score);
            }
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(1003)]
    public void Standardising_gives_z_scores_of_the_finite_entries_and_leaves_the_rest(int length)
    {
        var random = new Random(length);
        var values = Enumerable.Range(0, length).Select(i => i % 7 == 3 ? float.NegativeInfinity : i % 11 == 5 ? float.NaN : (float)((random.NextDouble() * 40) - 7)).ToArray();
        var finite = values.Where(float.IsFinite).Select(v => (double)v).ToArray();
        var mean = finite.Average();
        var sd = Math.Sqrt(finite.Average(v => (v - mean) * (v - mean)));

        var standardised = values.ToArray();
        StandardScores.Standardise(standardised);

        for (var i = 0; i < length; i++)
        {
            if (float.IsFinite(values[i]))
            {
                Assert.Equal((values[i] - mean) / sd, standardised[i], 4);
            }
            else
            {
                Assert.Equal(values[i], standardised[i]);
            }
        }
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(8, false)]
    [InlineData(1003, false)]
    [InlineData(1003, true)]
    public void Blending_eight_at_a_time_equals_standardising_each_part_then_blending_item_by_item(int length, bool noFactorScores)
    {
        var random = new Random(length);
        float Next() => (float)((random.NextDouble() * 30) - 4);
        var factor = Enumerable.Range(0, length).Select(i => noFactorScores || i % 5 == 2 ? float.NegativeInfinity : i % 97 == 11 ? float.NaN : Next()).ToArray();
        var content = Enumerable.Range(0, length).Select(i => i % 89 == 7 ? float.NaN : Next()).ToArray();
        var popularity = Enumerable.Range(0, length).Select(_ => Next()).ToArray();
        const double wf = 0.61, wc = 0.23, wp = 0.16;

        // The definition: each part standardised on its own, then the blend one item at a time.
        var expected = factor.ToArray();
        var standardisedContent = content.ToArray();
        StandardScores.Standardise(expected);
        StandardScores.Standardise(standardisedContent);
        for (var i = 0; i < length; i++)
        {
            var bracket = (float)((wc * standardisedContent[i]) + (wp * popularity[i]));
            expected[i] = float.IsNegativeInfinity(expected[i]) ? bracket : ((float)wf * expected[i]) + bracket;
        }

        // The two passes: the brackets in place of the content scores, then the factor part added. The first also
        // gives the largest bracket in magnitude, NaN aside (a NaN bracket blends to NaN, which is never selected).
        var blended = content.ToArray();
        var largest = StandardScores.Brackets(blended, popularity, wc, wp);
        Assert.Equal(blended.Where(v => !float.IsNaN(v)).Max(MathF.Abs), largest);
        HybridRecommender.AddFactor(factor, blended, (float)wf, StandardScores.Moments(factor), blended);

        // Bit for bit (NaN stays NaN), so the vector passes change no recommendation.
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), blended.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(1003)]
    public void Scaling_eight_at_a_time_equals_one_at_a_time_and_gives_the_largest_magnitude_nan_aside(int length)
    {
        var random = new Random(length);
        var values = Enumerable.Range(0, length).Select(i => i % 97 == 11 ? float.NaN : (float)((random.NextDouble() * 30) - 20)).ToArray();
        const float factor = 0.37f;

        var scaled = values.ToArray();
        var largest = StandardScores.Scale(scaled, factor);

        Assert.Equal(values.Select(v => BitConverter.SingleToInt32Bits(v * factor)), scaled.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(scaled.Where(v => !float.IsNaN(v)).Max(MathF.Abs), largest);
    }

    [Fact]
    public void Hybrid_similarity_blends_the_factor_cosine_with_the_content_cosine_by_the_content_weight()
    {
        var model = RecommenderTestData.ClusteredImplicit(80, 1003, 4, rank: 16, iterations: 3);
        var hybrid = new HybridRecommender(model, new HybridOptions { ContentWeight = 0.3 });
        var (y, trained) = (model.Vectors.Items, model.Vectors.Trained);
        var rank = model.Rank;

        // Worked out apart, in doubles: 0.7 x the factor cosine + 0.3 x the content cosine, or 0.3 x the content
        // cosine alone for an item with no vector.
        double Definition(int a, int b)
        {
            var content = 0.3 * model.Content.Cosine(a, b);
            return trained[b] ? (0.7 * RecommenderTestData.Cosine(y, rank, a, b)) + content : content;
        }

        foreach (var target in Enumerable.Range(0, 1003).Where(i => trained[i]).Take(25))
        {
            var similar = hybrid.SimilarItems(model.Catalog.Items[target], 10);
            var given = similar.Items.Select(i => model.Catalog.Items.IndexOf(i.ItemId)).ToArray();

            Assert.Equal(SimilaritySource.InteractionsAndContent, similar.Source);
            Assert.Equal(10, given.Length);
            Assert.All(similar.Items.Zip(given), pair => Assert.Equal(Definition(target, pair.Second), pair.First.Score, 1e-5));
            var others = Enumerable.Range(0, 1003).Where(i => i != target && !given.Contains(i));
            Assert.All(others, i => Assert.True(Definition(target, i) <= similar.Items[^1].Score + 1e-5, $"item{i}: {Definition(target, i)} above the last given, {similar.Items[^1].Score}"));
        }
    }

    [Theory]
    [InlineData(1003)]
    [InlineData(1008)]
    public void Blending_bounds_as_the_scan_writes_them_equals_blending_the_stored_bounds_after(int items)
    {
        // 1003 ends in a short block, which is blended one item at a time.
        var model = RecommenderTestData.ClusteredImplicit(40, items, 4, rank: 16, iterations: 2);
        var quantised = model.Quantised!;
        var random = new Random(items);
        var bracket = Enumerable.Range(0, items).Select(i => i % 211 == 5 ? float.NaN : (float)((random.NextDouble() * 6) - 3)).ToArray();
        var (lower, blended, expected) = (new float[items], new float[items], new float[items]);
        for (var user = 0; user < 40; user += 7)
        {
            var moments = (Shift: (float)random.NextDouble(), Scale: (float)(1 + random.NextDouble()));
            quantised.LowerBounds(model.UserVector(user), lower, blended, new HybridRecommender.FactorBlend(bracket, 0.7f, moments));
            HybridRecommender.AddFactor(lower, bracket, 0.7f, moments, expected);

            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), blended.Select(BitConverter.SingleToInt32Bits));
            quantised.LowerBounds(model.UserVector(user), expected);
            Assert.Equal(expected, lower);
        }
    }

    [Fact]
    public void A_blend_below_its_floor_at_a_lower_bound_stays_below_the_threshold_anywhere_within_the_rise()
    {
        // The selection passes over an item whose blend at its factor lower bound f is below the floor; that is only
        // right if the blend at f + w stays below the threshold for every w up to the rise, float roundings and all.
        // Each trial puts an item exactly at the threshold at f + w: its blend at f must reach the floor, with f + w
        // rounding up by more than w at times and each of the blend's steps rounding too.
        var rng = new Core.Rng(31);
        var bracket = new float[1];
        for (var trial = 0; trial < 100_000; trial++)
        {
            var (magnitude, f, rise, w) = RecommenderTestData.FloorTrial(rng);
            bracket[0] = (float)rng.Gaussian(0, Math.Pow(10, rng.Uniform(-2, 3)));
            var (wf, shift, scale) = ((float)rng.NextDouble(), (float)rng.Gaussian(0, magnitude), (float)Math.Pow(10, rng.Uniform(-3, 2)));
            var blend = new HybridRecommender.FactorBlend(bracket, wf, (shift, scale), Math.Abs(bracket[0]));

            var threshold = blend.Blend(f + w, 0);
            var floor = blend.Floor(threshold, rise, magnitude);

            Assert.True(blend.Blend(f, 0) >= floor, $"trial {trial}: blend {blend.Blend(f, 0)} at f = {f} below the floor {floor} of threshold {threshold} (w = {w})");

            // Not vacuous: the floor sits within the blend's rise, plus a thousandth of the magnitudes, of the threshold.
            var slope = (double)wf * scale;
            Assert.True(floor >= threshold - (2 * slope * rise) - (1e-3 * ((slope * ((2 * magnitude) + Math.Abs(shift))) + Math.Abs(bracket[0]))), $"trial {trial}: floor {floor} far below {threshold}");
        }
    }

    [Fact]
    public void Hybrid_leans_on_content_for_users_with_little_history()
    {
        var catalog = RecommenderTestData.Catalog(200);
        var (train, _) = RecommenderTestData.Clustered(200, 200, 5);
        train.Add(new Interaction("newcomer", "item7", 1)); // one Horror title (7 % 4 == 3)
        var history = InteractionMatrix.Build(train, catalog, sumDuplicates: true);
        var hybrid = new HybridRecommender(new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 8 }).Fit(history, catalog));
        Assert.True(hybrid.FactorWeight(1) < 0.5 && hybrid.FactorWeight(50) > 0.85);
        var list = hybrid.Recommend("newcomer", 5);
        Assert.Equal(RecommendationSource.ContentAndPopularity, list.Source);
        Assert.All(list.Items, i => Assert.Equal("Horror", catalog.Genres(catalog.Items.IndexOf(i.ItemId))[0]));
        Assert.Equal(RecommendationSource.FactorModel, hybrid.Recommend("user3", 5).Source);
    }

    [Fact]
    public void Factor_models_serve_a_viewer_they_do_not_know_near_the_planted_best_where_content_or_popularity_alone_falls_short()
    {
        // Each watch picks item i with probability proportional to exp(bias_i + 1.5 [i in the user's favourite
        // genre]): popularity and taste both matter. Users 0-299 train the model; users 300-399 are viewers it does
        // not know, who give their first 15 titles and are judged on the next 5.
        var catalog = RecommenderTestData.Catalog(200);
        var (train, viewers, logit) = RecommenderTestData.PlantedViewers(11, 1, (u, i) => i % 4 == u % 4 ? 1.5 : 0);
        var history = InteractionMatrix.Build(train, catalog, sumDuplicates: true);

        // Taste weighs as much as popularity here, so content gets half (the default, 0.1, was chosen on MovieLens).
        var factors = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 8, Iterations = 5 }).Fit(history, catalog).WithNewViewerContentWeight(0.5).WithNewViewerFoldIn(false);
        var hybrid = new HybridRecommender((ImplicitFactorModel)factors);
        double Ndcg(Func<(int User, int[] Given, HashSet<int> Next), int[]> ranking) => viewers.Average(v => RankingMetrics.NdcgAtK(ranking(v), v.Next, 10));
        int[] Served(Recommender model, int[] given, RecommendationSource expected)
        {
            var top = new ScoredItem[10];
            var (count, source) = model.Recommend("someone new", top, recentItems: given);
            Assert.Equal(expected, source);
            return [.. top[..count].Select(s => s.Item)];
        }

        var blend = Ndcg(v => Served(factors, v.Given, RecommendationSource.ContentAndPopularity));
        var content = Ndcg(v => Served(new ContentRecommender(catalog, history), v.Given, RecommendationSource.ContentSimilarity));
        var popularity = Ndcg(v => Served(new PopularityRecommender(catalog, history), v.Given, RecommendationSource.Popularity));
        var planted = RecommenderTestData.PlantedBestNdcg(viewers, logit);
        var figures = $"blend {blend:F4}, content {content:F4}, popularity {popularity:F4}, planted {planted:F4}";
        Assert.True(blend > 1.2 * Math.Max(content, popularity), figures);
        Assert.True(blend > 0.85 * planted, figures);

        // The hybrid built on the factor model serves such a viewer as it does.
        Assert.Equal(blend, Ndcg(v => Served(hybrid, v.Given, RecommendationSource.ContentAndPopularity)));
    }

    [Theory]
    [InlineData("implicit-mf", 0.3)]
    [InlineData("hybrid", 0.3)]
    [InlineData("hybrid", 0.8)]
    [InlineData("explicit-mf", 0.5)]
    public void Factor_models_blend_content_and_popularity_by_their_new_viewer_weight_for_a_viewer_they_do_not_know(string name, double weight)
    {
        var (catalog, history) = ClusteredHistory(80, 120, 9);
        var model = BlendingModel(name, catalog, history).WithNewViewerContentWeight(weight).WithNewViewerFoldIn(false);
        int[] given = [3, 7, 10, 42];
        var content = new float[120];
        model.Content.ScoreProfile(given, default, content);
        static double[] Z(IEnumerable<double> values)
        {
            var v = values.ToArray();
            var (mean, sd) = (v.Average(), Math.Sqrt(v.Average(x => x * x) - (v.Average() * v.Average())));
            return [.. v.Select(x => (x - mean) / sd)];
        }

        var (zc, zp) = (Z(content.Select(c => (double)c)), Z(model.Popularity.Select(p => Math.Log(1 + p))));
        var expected = Enumerable.Range(0, 120).Select(i => given.Contains(i) ? double.NegativeInfinity : (weight * zc[i]) + ((1 - weight) * zp[i])).ToArray();
        var recent = given.Select(i => catalog.Items[i]).ToArray();

        var list = model.Recommend(null, 20, recentItems: recent);

        Assert.Equal(RecommendationSource.ContentAndPopularity, list.Source);
        Assert.Equal(20, list.Items.Count);
        var twentyFirst = expected.OrderDescending().ElementAt(20);
        foreach (var item in list.Items)
        {
            Assert.Equal(expected[catalog.Items.IndexOf(item.ItemId)], item.Score, 1e-5);
            Assert.True(item.Score >= twentyFirst - 1e-5, $"{item.ItemId} scores {item.Score}; the 21st best blend is {twentyFirst}");
        }

        Assert.Equal(list.Items.Select(i => i.Score).OrderDescending(), list.Items.Select(i => i.Score));
        // Popularity's part matters: content alone would not list the same titles.
        Assert.NotEqual(list.Items.Select(i => i.ItemId), new ContentRecommender(catalog, history).Recommend(null, 20, recentItems: recent).Items.Select(i => i.ItemId));

        // The whole share to one side is that side alone, and says so.
        var popular = model.WithNewViewerContentWeight(0).Recommend(null, 5, recentItems: ["item3"]);
        Assert.Equal(RecommendationSource.Popularity, popular.Source);
        Assert.Equal(new PopularityRecommender(catalog, history).Recommend(null, 5, recentItems: ["item3"]).Items.Select(i => i.ItemId), popular.Items.Select(i => i.ItemId));
        var similar = model.WithNewViewerContentWeight(1).Recommend(null, 5, recentItems: recent);
        Assert.Equal(RecommendationSource.ContentSimilarity, similar.Source);
        Assert.Equal(new ContentRecommender(catalog, history).Recommend(null, 5, recentItems: recent).Items.Select(i => i.ItemId), similar.Items.Select(i => i.ItemId));

        // The copy shares the model: known users are served as before.
        Assert.Equal(BlendingModel(name, catalog, history).Recommend("user5", 10), model.Recommend("user5", 10), RecommendationListComparer.Instance);
        Assert.Equal(BlendingModel(name, catalog, history).Recommend("user5", 10), model.WithNewViewerFoldIn(name != "explicit-mf").Recommend("user5", 10), RecommendationListComparer.Instance);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.WithNewViewerContentWeight(1.5));
    }

    /// <summary>The training part of <see cref="RecommenderTestData.Clustered"/> over its catalogue.</summary>
    private static (ItemCatalog Catalog, InteractionMatrix History) ClusteredHistory(int users, int items, ulong seed)
    {
        var catalog = RecommenderTestData.Catalog(items);
        return (catalog, InteractionMatrix.Build(RecommenderTestData.Clustered(users, items, seed).Train, catalog, sumDuplicates: true));
    }

    private static Recommender BlendingModel(string name, ItemCatalog catalog, InteractionMatrix history)
    {
        if (name == "explicit-mf")
        {
            return new MatrixFactorizationTrainer(new MatrixFactorizationOptions { ApproximationRank = 4, NumberOfIterations = 3 }).Fit(history, catalog);
        }

        var factors = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 4, Iterations = 3 }).Fit(history, catalog);
        return name == "hybrid" ? new HybridRecommender(factors) : factors;
    }

    [Theory]
    [InlineData("implicit-mf")]
    [InlineData("hybrid")]
    [InlineData("explicit-mf")]
    public void A_factor_models_new_viewer_weight_is_kept_in_its_file_and_an_older_file_without_it_gets_the_default(string name)
    {
        var (catalog, history) = ClusteredHistory(30, 40, 6);
        using var dir = new TempDirectory();
        var path = dir.File("model.zip");
        var model = BlendingModel(name, catalog, history).WithNewViewerContentWeight(0.35);
        RecommenderFile.Save(path, model, new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch });
        var (reloaded, manifest) = RecommenderFile.Load(path);
        Assert.Equal(0.35, reloaded.NewViewerContentWeight);
        Assert.Equal(model.Recommend(null, 10, recentItems: ["item3", "item9"]), reloaded.Recommend(null, 10, recentItems: ["item3", "item9"]), RecommendationListComparer.Instance);

        // The share sits beside the trainer's options, which the model keeps as they were: saved again, the file is the same.
        Assert.Equal(model.OptionsJson, reloaded.OptionsJson);
        var again = dir.File("again.zip");
        RecommenderFile.Save(again, reloaded, new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch });
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
        Assert.Equal(0.35, manifest.TrainerOptions![nameof(Recommender.NewViewerContentWeight)]!.GetValue<double>());

        void Options(Action<JsonObject> change) => ManifestEdit.Replace(path, m => change(m["trainerOptions"]!.AsObject()));

        Options(o => o.Remove(nameof(Recommender.NewViewerContentWeight)));
        Assert.Equal(Recommender.DefaultNewViewerContentWeight, RecommenderFile.Load(path).Model.NewViewerContentWeight);

        Options(o => o[nameof(Recommender.NewViewerContentWeight)] = "half");
        var error = Assert.Throws<ModelFileException>(() => RecommenderFile.Load(path));
        Assert.Contains("trainer option NewViewerContentWeight is \"half\", not a number", error.Message, StringComparison.Ordinal);

        Options(o => o[nameof(Recommender.NewViewerContentWeight)] = 1.5);
        Assert.Contains("[0, 1]", Assert.Throws<ModelFileException>(() => RecommenderFile.Load(path)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("popularity")]
    [InlineData("content")]
    public void Popularity_and_content_models_answer_new_viewers_by_their_one_signal_and_keep_no_share(string name)
    {
        var (catalog, history) = ClusteredHistory(30, 40, 6);
        Recommender model = name == "popularity" ? new PopularityRecommender(catalog, history) : new ContentRecommender(catalog, history);
        Assert.False(model.BlendsNewViewers);
        Assert.Equal(model.Recommend(null, 10, recentItems: ["item3"]), model.WithNewViewerContentWeight(0.5).Recommend(null, 10, recentItems: ["item3"]), RecommendationListComparer.Instance);
        using var dir = new TempDirectory();
        RecommenderFile.Save(dir.File("m.zip"), model.WithNewViewerContentWeight(0.5), new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch });
        Assert.Null(ModelFile.ReadManifest(dir.File("m.zip")).TrainerOptions?[nameof(Recommender.NewViewerContentWeight)]);
    }

    [Fact]
    public void Hybrid_shares_its_factor_models_content_index_and_popularity_instead_of_rebuilding_them()
    {
        var catalog = RecommenderTestData.Catalog(40);
        var (train, _) = RecommenderTestData.Clustered(30, 40, 6);
        var factors = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 4, Iterations = 2 }).Fit(InteractionMatrix.Build(train, catalog, sumDuplicates: true), catalog);
        var hybrid = new HybridRecommender(factors);
        Assert.Same(factors.Content, hybrid.Content);
        Assert.Same(factors.Popularity, hybrid.Popularity);
        Assert.Same(factors.History, hybrid.History);
    }
}
