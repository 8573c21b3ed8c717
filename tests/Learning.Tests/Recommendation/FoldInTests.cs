using System.Text.Json.Nodes;
using NetflixML.Learning.Core;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Recommendation;
using NetflixML.Learning.Tests.Support;

namespace NetflixML.Learning.Tests.Recommendation;

/// <summary>Folding in a viewer the implicit model does not know: a vector fitted to the titles they give.</summary>
public class FoldInTests
{
    [Fact]
    public void Cholesky_solves_a_positive_definite_system_from_its_lower_triangle_and_refuses_one_that_is_not()
    {
        var rng = new Rng(5);
        const int k = 13;
        var m = Enumerable.Range(0, k * k).Select(_ => rng.Gaussian(0, 1)).ToArray();
        var a = new double[k * k];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                a[(i * k) + j] = (i == j ? 0.1 : 0) + Enumerable.Range(0, k).Sum(r => m[(i * k) + r] * m[(j * k) + r]);
            }
        }

        var x = Enumerable.Range(0, k).Select(_ => rng.Gaussian(0, 1)).ToArray();
        var b = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, k).Sum(j => a[(i * k) + j] * x[j])).ToArray();
        for (var i = 0; i < k; i++)
        {
            for (var j = i + 1; j < k; j++)
            {
                a[(i * k) + j] = double.NaN; // the upper triangle is not read
            }
        }

        Assert.True(Cholesky.Solve(a, b));
        for (var i = 0; i < k; i++)
        {
            Assert.Equal(x[i], b[i], 1e-8);
        }

        Assert.False(Cholesky.Solve(new double[] { 1, 2, 2, 1 }, new double[2]));
        Assert.False(Cholesky.Solve(new double[] { 0, 0, 0, 1 }, new double[2]));
    }

    [Theory]
    [InlineData(7, 8, 5)]
    [InlineData(8, 8, 16)]
    [InlineData(13, 16, 3)]
    public void Outer_products_are_added_to_the_lower_triangle_alone(int k, int stride, int count)
    {
        var rng = new Rng(9);
        var rows = new double[count * stride];
        for (var t = 0; t < count; t++)
        {
            for (var c = 0; c < k; c++)
            {
                rows[(t * stride) + c] = rng.Gaussian(0, 1);
            }
        }

        var start = Enumerable.Range(0, k * k).Select(_ => rng.Gaussian(0, 1)).ToArray();
        var a = start.ToArray();
        Cholesky.AddOuterProducts(a, k, rows, count, stride, 0.75);
        for (var r = 0; r < k; r++)
        {
            for (var c = 0; c < k; c++)
            {
                var sum = Enumerable.Range(0, count).Sum(t => rows[(t * stride) + r] * rows[(t * stride) + c]);
                Assert.Equal(c <= r ? start[(r * k) + c] + (0.75 * sum) : start[(r * k) + c], a[(r * k) + c], 1e-12);
            }
        }

        Assert.Throws<ArgumentException>(() => Cholesky.AddOuterProducts(a, k, rows, count, stride + 2, 1));

        // Each row with its own weight (some negative), given as the weighted rows beside the rows.
        var w = Enumerable.Range(0, count).Select(_ => rng.Gaussian(0, 2)).ToArray();
        var weighted = rows.Select((v, e) => w[e / stride] * v).ToArray();
        var b = start.ToArray();
        Cholesky.AddOuterProducts(b, k, weighted, rows, count, stride, 0.5);
        for (var r = 0; r < k; r++)
        {
            for (var c = 0; c < k; c++)
            {
                var sum = Enumerable.Range(0, count).Sum(t => w[t] * rows[(t * stride) + r] * rows[(t * stride) + c]);
                Assert.Equal(c <= r ? start[(r * k) + c] + (0.5 * sum) : start[(r * k) + c], b[(r * k) + c], 1e-12);
            }
        }
    }

    [Fact]
    public void A_viewer_folded_in_with_a_known_users_titles_gets_the_vector_training_gave_that_user()
    {
        // Every value is 1, so a viewer's titles weigh as much as the user's did. Training's last user step solved
        // against the item vectors before its last item step, by conjugate-gradient steps (here as many as the rank,
        // which is exact but for rounding); trained to convergence, the two vectors agree.
        var catalog = RecommenderTestData.Catalog(120);
        var history = InteractionMatrix.Build(RecommenderTestData.Clustered(200, 120, 3).Train, catalog, sumDuplicates: true);
        var model = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 8, Iterations = 300, ConjugateGradientSteps = 8 }).Fit(history, catalog);
        var (_, y, trained) = model.Vectors;
        const int k = 8;
        for (var user = 0; user < 40; user++)
        {
            var items = model.History.ItemsOf(user);
            Assert.True(model.FoldIn(items, out var viewer));
            var x = model.UserVector(user);
            var scale = Math.Sqrt(x.ToArray().Sum(v => (double)v * v));
            for (var a = 0; a < k; a++)
            {
                Assert.True(Math.Abs(viewer[a] - x[a]) < 5e-4 * scale, $"user {user}, component {a}: folded in {viewer[a]}, trained {x[a]}");
            }

            // And it solves the fold-in system itself, (Y'Y + sum (c - 1) y y' + lambda_n I) x = sum c y, worked out here in doubles.
            var options = model.Trainer;
            var c = 1 + options.Alpha;
            var lambda = options.Lambda * Math.Pow(items.Length + options.FrequencyOffset, options.FrequencyExponent);
            var residual = new double[k];
            var rhs = new double[k];
            for (var item = 0; item < trained.Length; item++)
            {
                var observed = items.Contains(item);
                var weight = observed ? c : 1;
                double dot = 0;
                for (var a = 0; a < k; a++)
                {
                    dot += (double)y[(item * k) + a] * viewer[a];
                }

                for (var a = 0; a < k; a++)
                {
                    residual[a] += weight * dot * y[(item * k) + a];
                    rhs[a] += observed ? c * y[(item * k) + a] : 0;
                }
            }

            for (var a = 0; a < k; a++)
            {
                residual[a] += (lambda * viewer[a]) - rhs[a];
            }

            var rhsNorm = Math.Sqrt(rhs.Sum(v => v * v));
            Assert.True(Math.Sqrt(residual.Sum(v => v * v)) < 1e-5 * rhsNorm, $"user {user}: residual {Math.Sqrt(residual.Sum(v => v * v))} against {rhsNorm}");
        }
    }

    [Fact]
    public void A_viewers_titles_confidence_is_the_mean_value_of_the_history_the_model_keeps()
    {
        var catalog = RecommenderTestData.Catalog(40);
        var (train, _) = RecommenderTestData.Clustered(30, 40, 6);
        var doubled = train.Select((t, i) => t with { Value = i % 2 == 0 ? 1 : 3 }).ToList();
        var history = InteractionMatrix.Build(doubled, catalog, sumDuplicates: true);
        var options = new ImplicitAlsOptions { Rank = 4, Iterations = 3, Alpha = 0.5 };
        var model = new ImplicitAlsTrainer(options).Fit(history, catalog);
        var mean = history.Values.Average(v => (double)v);
        Assert.InRange(mean, 1.9, 2.1);

        // The same viewer against a model that keeps all-2 values (mean 2) and otherwise the same vectors.
        var (x, y, trained) = model.Vectors;
        var flat = InteractionMatrix.Build(doubled.Select(t => t with { Value = (float)mean }), catalog, sumDuplicates: true);
        var same = new ImplicitFactorModel(model.OptionsJson, catalog, flat, 4, x, y, trained);
        int[] given = [1, 5, 9, 22];
        Assert.True(model.FoldIn(given, out var first));
        var kept = first.ToArray();
        Assert.True(same.FoldIn(given, out var second));
        Assert.Equal(kept, second.ToArray());

        // A model keeping values of 1 confides less in the same titles, and gives another vector.
        var ones = new ImplicitFactorModel(model.OptionsJson, catalog, InteractionMatrix.Build(train, catalog, sumDuplicates: true), 4, x, y, trained);
        Assert.True(ones.FoldIn(given, out var third));
        Assert.NotEqual(kept, third.ToArray());
    }

    [Fact]
    public void Folded_in_viewers_get_the_planted_best_where_taste_is_not_in_the_content()
    {
        // Users are in five taste groups (u % 5) that like items of group i % 5 (not their genre, i % 4): content says
        // nothing of taste, and popularity only half. Each watch picks item i with probability proportional to
        // exp(bias_i + 2.5 [same group]); users 0-299 train the model, users 300-399 are viewers it does not know, who
        // give their first 15 titles and are judged on the next 5. Items 200-209 are in the catalogue but no one
        // watched them.
        var catalog = RecommenderTestData.Catalog(210);
        var (train, viewers, logit) = RecommenderTestData.PlantedViewers(17, 0.7, (u, i) => i % 5 == u % 5 ? 2.5 : 0);
        var history = InteractionMatrix.Build(train, catalog, sumDuplicates: true);
        var factors = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 8, Iterations = 10 }).Fit(history, catalog);
        var hybrid = new HybridRecommender(factors);
        Assert.True(factors.FoldsInNewViewers && hybrid.FoldsInNewViewers);

        double Ndcg(Recommender model, RecommendationSource expected) => viewers.Average(v =>
        {
            var top = new ScoredItem[10];
            var (count, source) = model.Recommend(null, top, recentItems: v.Given);
            Assert.Equal(expected, source);
            return RankingMetrics.NdcgAtK([.. top[..count].Select(s => s.Item)], v.Next, 10);
        });

        var foldedIn = Ndcg(factors, RecommendationSource.FactorModelFoldIn);
        var hybridFoldedIn = Ndcg(hybrid, RecommendationSource.FactorModelFoldIn);
        var blend = Ndcg(factors.WithNewViewerFoldIn(false), RecommendationSource.ContentAndPopularity);
        var planted = RecommenderTestData.PlantedBestNdcg(viewers, logit);
        var figures = $"folded in {foldedIn:F4}, hybrid folded in {hybridFoldedIn:F4}, blend {blend:F4}, planted {planted:F4}";
        Assert.True(foldedIn > 0.85 * planted && hybridFoldedIn > 0.85 * planted, figures);
        Assert.True(foldedIn > 1.3 * blend, figures);

        // A viewer none of whose titles the factors know (no one watched them) gets the blend, and says so.
        var unknownTitles = factors.Recommend(null, 10, recentItems: ["item203", "item207"]);
        Assert.Equal(RecommendationSource.ContentAndPopularity, unknownTitles.Source);
        Assert.Equal(factors.WithNewViewerFoldIn(false).Recommend(null, 10, recentItems: ["item203", "item207"]), unknownTitles, RecommendationListComparer.Instance);
        // Titles it knows beside them are folded in; the rest are excluded all the same.
        var mixed = factors.Recommend(null, 10, recentItems: ["item203", "item4", "item9"]);
        Assert.Equal(RecommendationSource.FactorModelFoldIn, mixed.Source);
        Assert.DoesNotContain(mixed.Items, i => i.ItemId is "item203" or "item4" or "item9");
    }

    [Fact]
    public void A_folded_in_viewer_gets_the_same_list_from_the_8_bit_scan_as_from_scoring_every_item_in_floats()
    {
        var model = RecommenderTestData.ClusteredImplicit(300, 400, 8, rank: 16, iterations: 5);
        var floats = model.WithFloatScan();
        Assert.NotNull(model.Quantised);
        Assert.Null(floats.Quantised);
        var (hybrid, hybridFloats) = (new HybridRecommender(model), new HybridRecommender(floats));
        var rng = new Rng(23);
        for (var v = 0; v < 80; v++)
        {
            var given = Enumerable.Range(0, 1 + rng.NextInt(25)).Select(_ => $"item{rng.NextInt(400)}").Distinct().ToArray();
            var genre = v % 3 == 0 ? "Comedy" : null;
            Assert.Equal(floats.Recommend(null, 10, genre: genre, recentItems: given), model.Recommend(null, 10, genre: genre, recentItems: given), RecommendationListComparer.Instance);
            Assert.Equal(hybridFloats.Recommend(null, 10, genre: genre, recentItems: given), hybrid.Recommend(null, 10, genre: genre, recentItems: given), RecommendationListComparer.Instance);
        }
    }

    [Theory]
    [InlineData("implicit-mf")]
    [InlineData("hybrid")]
    public void Fold_in_is_kept_in_the_models_file_and_an_older_file_without_it_does_not_fold_in(string name)
    {
        var factors = RecommenderTestData.ClusteredImplicit(30, 40, 6, rank: 4, iterations: 3);
        Recommender model = name == "hybrid" ? new HybridRecommender(factors) : factors;
        using var dir = new TempDirectory();
        var path = dir.File("model.zip");
        string[] given = ["item3", "item9", "item14", "item21", "item30"];
        foreach (var folds in new[] { true, false })
        {
            RecommenderFile.Save(path, model.WithNewViewerFoldIn(folds), new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch });
            var (reloaded, manifest) = RecommenderFile.Load(path);
            Assert.Equal(folds, reloaded.FoldsInNewViewers);
            Assert.Equal(folds, manifest.TrainerOptions![nameof(Recommender.FoldsInNewViewers)]!.GetValue<bool>());
            Assert.Equal(model.WithNewViewerFoldIn(folds).Recommend(null, 10, recentItems: given), reloaded.Recommend(null, 10, recentItems: given), RecommendationListComparer.Instance);
            Assert.Equal(model.OptionsJson, reloaded.OptionsJson);
        }

        Assert.Equal(RecommendationSource.FactorModelFoldIn, model.Recommend(null, 10, recentItems: given).Source);
        void Options(Action<JsonObject> change) => ManifestEdit.Replace(path, m => change(m["trainerOptions"]!.AsObject()));

        // A file from before fold-in serves new viewers as it did then.
        Options(o => o.Remove(nameof(Recommender.FoldsInNewViewers)));
        var older = RecommenderFile.Load(path).Model;
        Assert.False(older.FoldsInNewViewers);
        Assert.Equal(RecommendationSource.ContentAndPopularity, older.Recommend(null, 10, recentItems: given).Source);

        Options(o => o[nameof(Recommender.FoldsInNewViewers)] = "yes");
        var error = Assert.Throws<ModelFileException>(() => RecommenderFile.Load(path));
        Assert.Contains("trainer option FoldsInNewViewers is \"yes\", not true or false", error.Message, StringComparison.Ordinal);

        // Fold-in solves with the trainer's options, so they are read as such: one that is not a number is an error.
        Options(o =>
        {
            o[nameof(Recommender.FoldsInNewViewers)] = true;
            (name == "hybrid" ? o["factors"]!.AsObject() : o)[nameof(ImplicitAlsOptions.Alpha)] = "high";
        });
        Assert.Contains("parameters are malformed", Assert.Throws<ModelFileException>(() => RecommenderFile.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_that_cannot_fold_in_say_so_and_refuse_a_file_that_asks_them_to()
    {
        var catalog = RecommenderTestData.Catalog(40);
        var (train, _) = RecommenderTestData.Clustered(30, 40, 6);
        var history = InteractionMatrix.Build(train, catalog, sumDuplicates: true);
        var explicitModel = new MatrixFactorizationTrainer(new MatrixFactorizationOptions { ApproximationRank = 4, NumberOfIterations = 3 }).Fit(history, catalog);
        // Popularity-weighted negatives put item weights in the Gram matrix that the model does not keep.
        var weighted = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 4, Iterations = 3, NegativeWeightExponent = 0.5 }).Fit(history, catalog);
        foreach (var model in new Recommender[] { explicitModel, weighted, new PopularityRecommender(catalog, history), new ContentRecommender(catalog, history) })
        {
            Assert.False(model.CanFoldInNewViewers);
            Assert.False(model.FoldsInNewViewers);
            Assert.NotEqual(RecommendationSource.FactorModelFoldIn, model.Recommend(null, 10, recentItems: ["item3"]).Source);
            Assert.Contains("cannot fold in", Assert.Throws<InvalidOperationException>(() => model.WithNewViewerFoldIn(true)).Message, StringComparison.Ordinal);

            // Nor move a known user by the titles they have seen since training.
            Assert.False(model.UpdatesKnownUsers);
            Assert.Contains("cannot update a known user", Assert.Throws<InvalidOperationException>(() => model.WithKnownUserUpdate(true)).Message, StringComparison.Ordinal);
        }

        using var dir = new TempDirectory();
        var path = dir.File("explicit.zip");
        RecommenderFile.Save(path, explicitModel, new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch });
        Assert.Null(ModelFile.ReadManifest(path).TrainerOptions?[nameof(Recommender.FoldsInNewViewers)]);
        ManifestEdit.Replace(path, m => m["trainerOptions"]![nameof(Recommender.FoldsInNewViewers)] = true);
        var error = Assert.Throws<ModelFileException>(() => RecommenderFile.Load(path));
        Assert.Contains("trainer option FoldsInNewViewers is true, not false: the model cannot fold in", error.Message, StringComparison.Ordinal);
        ManifestEdit.Replace(path, m =>
        {
            m["trainerOptions"]![nameof(Recommender.FoldsInNewViewers)] = false;
            m["trainerOptions"]![nameof(Recommender.UpdatesKnownUsers)] = true;
        });
        error = Assert.Throws<ModelFileException>(() => RecommenderFile.Load(path));
        Assert.Contains("trainer option UpdatesKnownUsers is true, not false: the model cannot fold in", error.Message, StringComparison.Ordinal);
    }
}
