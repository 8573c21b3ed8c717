using NetflixML.Learning.Persistence;
using NetflixML.Learning.Recommendation;
using NetflixML.Learning.Tests.Support;

namespace NetflixML.Learning.Tests.Recommendation;

/// <summary>The contract every recommender honours, run for each of the five.</summary>
public sealed class RecommenderContractTests
{
    private static readonly ItemCatalog Catalog = RecommenderTestData.Catalog(80);
    private static readonly InteractionMatrix History = InteractionMatrix.Build(RecommenderTestData.Clustered(120, 80, 1).Train, Catalog, sumDuplicates: true);

    public static TheoryData<string> Models => new() { "popularity", "content", "explicit-mf", "implicit-mf", "hybrid" };

    private static Recommender Model(string name, int? threads = null) => RecommenderTestData.All(Catalog, History, threads).Single(m => m.Name == name);

    [Theory]
    [MemberData(nameof(Models))]
    public void Saved_and_reloaded_model_recommends_the_same(string name)
    {
        var model = Model(name);
        using var dir = new TempDirectory();
        RecommenderFile.Save(dir.File("r.zip"), model, new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch });
        var (reloaded, manifest) = RecommenderFile.Load(dir.File("r.zip"));
        Assert.Equal(model.Kind, manifest.Trainer);
        Assert.Equal(model.Name, reloaded.Name);
        foreach (var user in new[] { "user0", "user7", "user33", "stranger" })
        {
            Assert.Equal(model.Recommend(user, 10), reloaded.Recommend(user, 10), RecommendationListComparer.Instance);
        }

        // A viewer it does not know, with a share for them other than the default, and not folded in.
        var shared = model.WithNewViewerContentWeight(0.35).WithNewViewerFoldIn(false);
        RecommenderFile.Save(dir.File("s.zip"), shared, new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch });
        Assert.Equal(shared.Recommend(null, 10, recentItems: ["item2", "item9"]), RecommenderFile.Load(dir.File("s.zip")).Model.Recommend(null, 10, recentItems: ["item2", "item9"]), RecommendationListComparer.Instance);
        Assert.Equal(model.Recommend(null, 10, recentItems: ["item2", "item9"]), reloaded.Recommend(null, 10, recentItems: ["item2", "item9"]), RecommendationListComparer.Instance);

        Assert.Equal(model.SimilarItems("item5", 5).Items, reloaded.SimilarItems("item5", 5).Items);
        Assert.Equal(model.SimilarItems("item5", 5).Source, reloaded.SimilarItems("item5", 5).Source);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Same_data_and_seed_give_the_same_file_whatever_the_thread_count(string name)
    {
        using var dir = new TempDirectory();
        var metadata = new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch };
        RecommenderFile.Save(dir.File("a.zip"), Model(name, threads: 1), metadata);
        RecommenderFile.Save(dir.File("b.zip"), Model(name, threads: 2), metadata);
        Assert.Equal(File.ReadAllBytes(dir.File("a.zip")), File.ReadAllBytes(dir.File("b.zip")));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Unknown_users_get_popularity_or_content_and_never_nan(string name)
    {
        var model = Model(name);
        var stranger = model.Recommend("nobody", 10);
        Assert.Equal(RecommendationSource.Popularity, stranger.Source);
        Assert.Equal(10, stranger.Items.Count);
        Assert.All(stranger.Items, i => Assert.True(double.IsFinite(i.Score)));
        var withHistory = model.Recommend("nobody", 10, recentItems: ["item2", "item6"]);
        Assert.DoesNotContain(withHistory.Items, i => i.ItemId is "item2" or "item6");
        if (name == "popularity")
        {
            // The baseline is popularity for everyone: the most popular titles, less those given.
            Assert.Equal(RecommendationSource.Popularity, withHistory.Source);
            Assert.Equal(model.Recommend("nobody", 12).Items.Where(i => i.ItemId is not ("item2" or "item6")).Take(10), withHistory.Items);
        }
        else
        {
            // The implicit model folds the viewer in; the hybrid does too, but two titles leave the lead to content and
            // popularity. Without fold-in, the factor models weigh content with popularity; the content model has
            // content alone.
            Assert.Equal(name == "implicit-mf" ? RecommendationSource.FactorModelFoldIn : model.BlendsNewViewers ? RecommendationSource.ContentAndPopularity : RecommendationSource.ContentSimilarity, withHistory.Source);
            Assert.Equal(name is "implicit-mf" or "hybrid", model.FoldsInNewViewers);
            var unfolded = model.WithNewViewerFoldIn(false).Recommend("nobody", 10, recentItems: ["item2", "item6"]);
            Assert.Equal(model.BlendsNewViewers ? RecommendationSource.ContentAndPopularity : RecommendationSource.ContentSimilarity, unfolded.Source);
            Assert.All(unfolded.Items, i => Assert.True(double.IsFinite(i.Score)));
            // Both recent items are Action (index % 4 == 2): content similarity, given the whole share, proposes Action first.
            var byContent = model.WithNewViewerFoldIn(false).WithNewViewerContentWeight(1).Recommend("nobody", 10, recentItems: ["item2", "item6"]);
            Assert.Equal(RecommendationSource.ContentSimilarity, byContent.Source);
            Assert.Equal("Action", Catalog.Genres(Catalog.Items.IndexOf(byContent.Items[0].ItemId))[0]);
        }

        Assert.Empty(model.SimilarItems("no-such-item", 5).Items);
        // No id at all is a stranger too, with or without a history.
        Assert.Equal(stranger, model.Recommend(null, 10), RecommendationListComparer.Instance);
        Assert.Equal(withHistory, model.Recommend(null, 10, recentItems: ["item2", "item6"]), RecommendationListComparer.Instance);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Seen_items_are_excluded_unless_asked_otherwise(string name)
    {
        var model = Model(name);
        for (var u = 0; u < 40; u++)
        {
            var user = $"user{u}";
            var seen = History.ItemsOf(History.Users.IndexOf(user)).ToArray().Select(i => Catalog.Items[i]).ToHashSet();
            var list = model.Recommend(user, 10);
            Assert.Equal(10, list.Items.Count);
            Assert.DoesNotContain(list.Items, i => seen.Contains(i.ItemId));
            Assert.All(list.Items, i => Assert.True(double.IsFinite(i.Score)));
        }

        var popularity = new PopularityRecommender(Catalog, History);
        var mostPopular = popularity.Recommend("nobody", 1).Items[0].ItemId;
        var fan = History.Users.Ids.First(u => History.ItemsOf(History.Users.IndexOf(u)).Contains(Catalog.Items.IndexOf(mostPopular)));
        Assert.Equal(mostPopular, popularity.Recommend(fan, 1, excludeSeen: false).Items[0].ItemId);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Genre_filter_is_honoured(string name)
    {
        var model = Model(name);
        foreach (var user in new[] { "user0", "user3" })
        {
            var seen = History.ItemsOf(History.Users.IndexOf(user)).ToArray();
            var unseenHorror = Enumerable.Range(0, Catalog.Count).Count(i => i % 4 == 3 && !seen.Contains(i));
            var list = model.Recommend(user, 10, genre: "horror"); // case-insensitive
            Assert.Equal(Math.Min(10, unseenHorror), list.Items.Count);
            Assert.All(list.Items, i => Assert.Contains("Horror", Catalog.Genres(Catalog.Items.IndexOf(i.ItemId))));
        }

        Assert.Empty(model.Recommend("user3", 10, genre: "Musical").Items);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_genre_filtered_list_is_the_top_of_that_genre_in_the_unfiltered_ranking(string name)
    {
        // The filter leaves the other genres out and changes nothing else: not the scores, not the order, not the ties.
        var model = Model(name);
        foreach (var user in new[] { "user0", "user3", "nobody" })
        {
            var everything = model.Recommend(user, Catalog.Count).Items;
            var horror = everything.Where(i => Catalog.Genres(Catalog.Items.IndexOf(i.ItemId)).Contains("Horror")).Take(10).ToList();
            Assert.NotEmpty(horror);
            Assert.Equal(horror, model.Recommend(user, 10, genre: "Horror").Items);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Parallel_calls_give_the_sequential_answers_for_users_viewers_and_similar_items(string name)
    {
        var model = Model(name);
        var users = Enumerable.Range(0, 120).Select(u => $"user{u}").ToArray();
        var items = Enumerable.Range(0, 80).Select(i => $"item{i}").ToArray();
        // Viewers the model does not know, each giving some titles: folded in where the model does that.
        var viewers = Enumerable.Range(0, 60).Select(v => Enumerable.Range(0, 1 + (v % 12)).Select(j => $"item{((v * 7) + (j * 13)) % 80}").Distinct().ToArray()).ToArray();
        var sequential = users.Select(u => model.Recommend(u, 10)).ToArray();
        var sequentialSimilar = items.Select(i => model.SimilarItems(i, 10)).ToArray();
        var sequentialViewers = viewers.Select(v => model.Recommend(null, 10, recentItems: v)).ToArray();
        var parallel = new RecommendationList[users.Length];
        var parallelSimilar = new SimilarItemList[items.Length];
        var parallelViewers = new RecommendationList[viewers.Length];

        // All three calls on the same threads, interleaved: the models keep per-thread scratch that each reuses.
        Parallel.For(0, users.Length * 3, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            parallel[k % users.Length] = model.Recommend(users[k % users.Length], 10);
            parallelViewers[k % viewers.Length] = model.Recommend(null, 10, recentItems: viewers[k % viewers.Length]);
            parallelSimilar[k % items.Length] = model.SimilarItems(items[k % items.Length], 10);
        });
        for (var u = 0; u < users.Length; u++)
        {
            Assert.Equal(sequential[u], parallel[u], RecommendationListComparer.Instance);
        }

        for (var v = 0; v < viewers.Length; v++)
        {
            Assert.Equal(sequentialViewers[v], parallelViewers[v], RecommendationListComparer.Instance);
        }

        for (var i = 0; i < items.Length; i++)
        {
            Assert.Equal(sequentialSimilar[i].Source, parallelSimilar[i].Source);
            Assert.Equal(sequentialSimilar[i].Items, parallelSimilar[i].Items);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void The_span_overloads_allocate_nothing(string name)
    {
        var model = Model(name);
        var buffer = new ScoredItem[10];
        var longer = new ScoredItem[40]; // half the catalogue: the scores that reach the floor are gathered and sorted
        int[] watched = [2, 6, 9, 17, 30];
        // A known user with titles since training, updated where the model can do that.
        var updating = model.CanFoldInNewViewers ? model.WithKnownUserUpdate(true) : model;
        Assert.Equal(model.CanFoldInNewViewers ? RecommendationSource.FactorModelFoldIn : model.Recommend("user5", buffer).Source, updating.Recommend("user5", buffer, recentItems: watched).Source);
        Assert.Equal(0, Allocations.SteadyStateBytes(
            () =>
            {
                model.Recommend("user5", buffer);
                updating.Recommend("user5", buffer, recentItems: watched);
                model.Recommend(null, buffer, recentItems: watched);
                model.Recommend(null, longer, genre: "Drama", recentItems: watched);
                model.Recommend("user5", buffer, genre: "Horror");
                model.Recommend("nobody", buffer);
                model.Recommend("user5", longer);
                model.SimilarItems("item5", buffer);
                model.SimilarItems("no-such-item", buffer);
            },
            calls: 500));
    }

    [Theory]
    [InlineData("explicit-mf")]
    [InlineData("implicit-mf")]
    public void Factor_similarity_is_the_cosine_of_the_item_vectors(string name)
    {
        var model = Model(name);
        var ((vectors, trained), rank) = model switch
        {
            MatrixFactorizationModel explicitModel => (explicitModel.ItemVectors, explicitModel.Rank),
            ImplicitFactorModel implicitModel => ((implicitModel.Vectors.Items, implicitModel.Vectors.Trained), implicitModel.Rank),
            _ => throw new InvalidOperationException(name),
        };

        // Worked out apart, in doubles: each similar item's score is its cosine with item 5, and no other item's
        // cosine is above the last one given.
        double Cosine(int a, int b) => RecommenderTestData.Cosine(vectors, rank, a, b);

        var similar = model.SimilarItems("item5", 10);
        Assert.Equal(SimilaritySource.Interactions, similar.Source);
        var given = similar.Items.Select(i => Catalog.Items.IndexOf(i.ItemId)).ToArray();
        Assert.Equal(10, given.Length);
        Assert.DoesNotContain(5, given);
        Assert.All(similar.Items.Zip(given), pair => Assert.Equal(Cosine(5, pair.Second), pair.First.Score, 1e-5));
        var others = Enumerable.Range(0, Catalog.Count).Where(i => i != 5 && trained[i] && !given.Contains(i));
        Assert.All(others, i => Assert.True(Cosine(5, i) <= similar.Items[^1].Score + 1e-5, $"item{i}: cosine {Cosine(5, i)} above the last given, {similar.Items[^1].Score}"));
    }

    public static TheoryData<string, SimilaritySource> SimilaritySources => new()
    {
        { "popularity", SimilaritySource.Content },
        { "content", SimilaritySource.Content },
        { "explicit-mf", SimilaritySource.Interactions },
        { "implicit-mf", SimilaritySource.Interactions },
        { "hybrid", SimilaritySource.InteractionsAndContent },
    };

    [Theory]
    [MemberData(nameof(SimilaritySources))]
    public void Similar_items_say_what_they_compare_and_fall_back_to_content_for_an_item_no_one_saw(string name, SimilaritySource watched)
    {
        // item80 is in the catalogue but in no one's history.
        var catalog = RecommenderTestData.Catalog(81);
        var history = InteractionMatrix.Build(RecommenderTestData.Clustered(120, 80, 1).Train, catalog, sumDuplicates: true);
        var model = RecommenderTestData.All(catalog, history).Single(m => m.Name == name);
        var content = new ContentRecommender(catalog, history);

        var known = model.SimilarItems("item5", 8);
        var unseen = model.SimilarItems("item80", 8);

        Assert.Equal(watched, known.Source);
        Assert.Equal(8, known.Items.Count);
        Assert.Equal(SimilaritySource.Content, unseen.Source);
        Assert.Equal(content.SimilarItems("item80", 8).Items, unseen.Items);
        if (watched != SimilaritySource.Content)
        {
            Assert.NotEqual(content.SimilarItems("item5", 8).Items, known.Items);
        }
    }
}
