namespace NetflixML.Learning.Recommendation;

/// <summary>Where a recommendation list came from.</summary>
public enum RecommendationSource
{
    /// <summary>A factor model (or the hybrid led by one) scored the user's own history.</summary>
    FactorModel,

    /// <summary>
    /// Titles similar in content to what the user watched, and nothing else: a content model, or a factor model whose
    /// share for viewers it does not know is all content.
    /// </summary>
    ContentSimilarity,

    /// <summary>
    /// The most watched titles: the user is unknown and has no history to go on, the model is the popularity baseline,
    /// or its share for viewers it does not know gives content nothing.
    /// </summary>
    Popularity,

    /// <summary>
    /// Content similarity to what the user watched, weighed with popularity: a factor model's answer to a viewer it
    /// does not know (unless it folds them in), and the hybrid's to a short history.
    /// </summary>
    ContentAndPopularity,

    /// <summary>
    /// A factor model (or the hybrid led by one) scored a viewer it does not know by the vector that best fits the
    /// titles they gave, solved against its item vectors as training solves a known user's (fold-in); or a known
    /// user by their vector moved by the titles they have seen since training (<see cref="Recommender.UpdatesKnownUsers"/>).
    /// </summary>
    FactorModelFoldIn,
}

public sealed record RecommendedItem(string ItemId, double Score);

public sealed record RecommendationList(IReadOnlyList<RecommendedItem> Items, RecommendationSource Source);

/// <summary>What a list of similar items compares.</summary>
public enum SimilaritySource
{
    /// <summary>Who interacted with the items (factor vectors): the item has interactions the model was trained on.</summary>
    Interactions,

    /// <summary>Interactions and content blended (the hybrid).</summary>
    InteractionsAndContent,

    /// <summary>Genres and metadata only: a content model, or an item no one had interacted with when the model was trained.</summary>
    Content,
}

public sealed record SimilarItemList(IReadOnlyList<RecommendedItem> Items, SimilaritySource Source);

/// <summary>
/// What every recommender answers (as the implicit library's recommender base): the top n items for a user, with
/// seen items excluded and an optional genre filter, and the items most similar to an item. Scores are never NaN:
/// a user the model has not seen gets content similarity from the items the caller says they watched, weighed with
/// popularity (<see cref="NewViewerContentWeight"/>), or the most popular items, and the result says which.
/// Implementations are immutable and thread-safe; the span overload of Recommend allocates nothing (scores go to a
/// per-thread scratch buffer, selection is partial).
/// </summary>
public abstract class Recommender
{
    [ThreadStatic]
    private static float[]? _scratchScores;

    protected Recommender(ItemCatalog catalog, InteractionMatrix history)
    {
        if (history.ItemCount != catalog.Count)
        {
            throw new ArgumentException($"History indexes {history.ItemCount} items; the catalogue has {catalog.Count}.", nameof(history));
        }

        Catalog = catalog;
        History = history;
        Content = new ContentIndex(catalog);
        Popularity = new float[catalog.Count];
        for (var i = 0; i < catalog.Count; i++)
        {
            // Distinct users per item, with a hair of content-free tie-breaking by index (lower first, via TopN).
            Popularity[i] = history.UserCount(i);
        }

        PopularityScore = Popularity.Select(p => MathF.Log(1 + p)).ToArray();
        StandardScores.Standardise(PopularityScore);
    }

    /// <summary>
    /// A recommender over the same catalogue and history as <paramref name="basis"/>, sharing its content index and
    /// popularity, and answering viewers it does not know as it does.
    /// </summary>
    protected Recommender(Recommender basis)
    {
        Catalog = basis.Catalog;
        History = basis.History;
        Content = basis.Content;
        Popularity = basis.Popularity;
        PopularityScore = basis.PopularityScore;
        NewViewerContentWeight = basis.NewViewerContentWeight;
        FoldsInNewViewers = basis.FoldsInNewViewers;
        UpdatesKnownUsers = basis.UpdatesKnownUsers;
    }

    public ItemCatalog Catalog { get; }

    /// <summary>The interactions the model was trained on: who is known, and what each user has seen.</summary>
    public InteractionMatrix History { get; }

    public ContentIndex Content { get; }

    /// <summary>Distinct users per item in the training history (read-only: a hybrid shares its factor model's).</summary>
    public float[] Popularity { get; }

    /// <summary>Log popularity, log(1 + users), standardised over the catalogue: what popularity adds to a blend (read-only).</summary>
    internal float[] PopularityScore { get; }

    /// <summary>
    /// The share <see cref="NewViewerContentWeight"/> has until one is chosen. 0.1 on MovieLens per-user 75/25 splits
    /// with seeds 7 and 13 (NDCG@10 with the test users served as viewers the model does not know: 0.2585 and 0.2590,
    /// against 0.2477 and 0.2472 by popularity alone, 0.2509 and 0.2488 at 0.2, 0.2226 and 0.2220 at 0.3). It depends
    /// on the data: where titles are alike in content as they are in who watches them, more (the recommend task
    /// chooses it on its validation split).
    /// </summary>
    public const double DefaultNewViewerContentWeight = 0.1;

    /// <summary>
    /// Content similarity's share in the answer to a viewer the model does not know, from the items they say they
    /// have seen; popularity has the rest (standardised scores). Content alone ignores how much more some titles are
    /// watched than others; popularity alone ignores what the viewer watched. Not used where
    /// <see cref="BlendsNewViewers"/> is false.
    /// </summary>
    public double NewViewerContentWeight { get; private set; } = DefaultNewViewerContentWeight;

    /// <summary>
    /// Whether a viewer the model does not know gets the blend of <see cref="NewViewerContentWeight"/> (the factor
    /// models and the hybrid), rather than the one signal the model is (popularity, content).
    /// </summary>
    public virtual bool BlendsNewViewers => true;

    /// <summary>
    /// Whether a viewer the model does not know is folded in: given a vector fitted to the titles they say they
    /// watched, then served as a known user with that history would be (<see cref="RecommendationSource.FactorModelFoldIn"/>).
    /// On wherever the model can (<see cref="CanFoldInNewViewers"/>) unless turned off (<see cref="WithNewViewerFoldIn"/>);
    /// a viewer none of whose titles has a vector gets <see cref="NewViewerContentWeight"/>'s blend still.
    /// </summary>
    public bool FoldsInNewViewers { get; private protected set; }

    /// <summary>Whether this model can fold in a viewer it does not know (the implicit factor model and the hybrid).</summary>
    public virtual bool CanFoldInNewViewers => false;

    /// <summary>This model (sharing all it holds) folding in viewers it does not know, or not.</summary>
    public Recommender WithNewViewerFoldIn(bool foldIn)
    {
        if (foldIn && !CanFoldInNewViewers)
        {
            throw new InvalidOperationException($"The {Name} model cannot fold in a viewer it does not know.");
        }

        return Copy(copy => copy.FoldsInNewViewers = foldIn);
    }

    /// <summary>
    /// Whether a known user's titles seen since training (recent items not in their history) move their vector before
    /// they are scored (<see cref="RecommendationSource.FactorModelFoldIn"/>), as training's user step would have with
    /// them; off, the trained vector scores them and those titles are only excluded. Off unless turned on
    /// (<see cref="WithKnownUserUpdate"/>), where the model can fold in (<see cref="CanFoldInNewViewers"/>).
    /// </summary>
    public bool UpdatesKnownUsers { get; private set; }

    /// <summary>This model (sharing all it holds) updating a known user with the titles they have seen since training, or not.</summary>
    public Recommender WithKnownUserUpdate(bool update)
    {
        if (update && !CanFoldInNewViewers)
        {
            throw new InvalidOperationException($"The {Name} model cannot update a known user with titles seen since training.");
        }

        return Copy(copy => copy.UpdatesKnownUsers = update);
    }

    /// <summary>This model (sharing all it holds) answering viewers it does not know with content's share <paramref name="contentWeight"/>.</summary>
    public Recommender WithNewViewerContentWeight(double contentWeight)
    {
        if (contentWeight is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(contentWeight), contentWeight, "Content's share for viewers the model does not know lies in [0, 1].");
        }

        return Copy(copy => copy.NewViewerContentWeight = contentWeight);
    }

    // A shallow copy (sharing all the model holds) with one serving choice changed.
    private Recommender Copy(Action<Recommender> change)
    {
        var copy = (Recommender)MemberwiseClone();
        change(copy);
        return copy;
    }

    public abstract string Name { get; }

    /// <summary>
    /// Writes a score for every catalogue item for a known user, and says what produced them. A model that overrides
    /// <see cref="SelectKnownUser"/> may write what its selection reads instead (bounds on the scores), with negative
    /// infinity for items it never recommends.
    /// </summary>
    protected abstract RecommendationSource ScoreKnownUser(int user, Span<float> scores);

    /// <summary>
    /// Writes a score for every catalogue item for a user the model does not know, from the items they have seen
    /// (at least one, as catalogue indices), and says what produced them: by default content similarity to those
    /// items and popularity, weighed by <see cref="NewViewerContentWeight"/> (standardised scores, as the hybrid blends
    /// them for a known user).
    /// </summary>
    protected virtual RecommendationSource ScoreNewUser(ReadOnlySpan<int> seen, Span<float> scores)
    {
        var wc = NewViewerContentWeight;
        Content.ScoreProfile(seen, default, scores);
        StandardScores.Brackets(scores, PopularityScore, wc, 1 - wc);
        return wc switch
        {
            <= 0 => RecommendationSource.Popularity,
            >= 1 => RecommendationSource.ContentSimilarity,
            _ => RecommendationSource.ContentAndPopularity,
        };
    }

    /// <summary>
    /// Writes a score for every catalogue item for a known user with the titles they have seen since training in
    /// <paramref name="recent"/> (catalogue indices; those in their history too), and says what produced them; null,
    /// with nothing written, to score them as <see cref="ScoreKnownUser"/> does (by default, or when none of
    /// <paramref name="recent"/> is new to the model's view of them). Only asked where <see cref="UpdatesKnownUsers"/>.
    /// </summary>
    protected virtual RecommendationSource? ScoreUpdatedUser(int user, ReadOnlySpan<int> recent, Span<float> scores) => null;

    /// <summary>
    /// The best items for a viewer the model does not know from what <see cref="ScoreNewUser"/> wrote (<paramref name="source"/>),
    /// or for a known user from what <see cref="ScoreUpdatedUser"/> wrote (both score a vector fitted at the call),
    /// once the excluded items are set to negative infinity: by default, those values are the scores and the best are
    /// selected.
    /// </summary>
    protected virtual int SelectNewUser(RecommendationSource source, Span<float> scores, Span<ScoredItem> destination) =>
        TopN.Select(scores, destination);

    /// <summary>
    /// The best items for a known user from what <see cref="ScoreKnownUser"/> wrote, once the excluded items (those
    /// seen, and those a genre filter leaves out) are set to negative infinity: by default, those values are the
    /// scores and the best are selected.
    /// </summary>
    protected virtual int SelectKnownUser(int user, Span<float> scores, Span<ScoredItem> destination) =>
        TopN.Select(scores, destination);

    /// <summary>
    /// Writes every item's similarity to <paramref name="item"/>, as this model sees similarity, and returns what it
    /// compared. A model that overrides <see cref="SelectSimilar"/> may write what its selection reads instead (bounds
    /// on the similarities), with negative infinity for items it never returns.
    /// </summary>
    protected virtual SimilaritySource ScoreSimilar(int item, Span<float> scores)
    {
        Content.ScoreSimilar(item, scores);
        return SimilaritySource.Content;
    }

    /// <summary>
    /// The items most similar to <paramref name="item"/> from what <see cref="ScoreSimilar"/> wrote, once the item
    /// itself is set to negative infinity: by default, those values are the similarities and the best are selected.
    /// </summary>
    protected virtual int SelectSimilar(int item, Span<float> scores, Span<ScoredItem> destination) =>
        TopN.Select(scores, destination);

    /// <summary>
    /// Fills <paramref name="destination"/> with the best items for <paramref name="userId"/>, best first; returns how
    /// many were written and their source. <paramref name="recentItems"/> (catalogue indices) are also excluded;
    /// for an unknown user they are the history content similarity starts from, and a known user's that are not in
    /// their history update them where <see cref="UpdatesKnownUsers"/>. A null user is a viewer with no id at all
    /// (described only by <paramref name="recentItems"/>), never mistaken for a known one.
    /// </summary>
    public (int Count, RecommendationSource Source) Recommend(string? userId, Span<ScoredItem> destination, bool excludeSeen = true, string? genre = null, ReadOnlySpan<int> recentItems = default)
    {
        var scores = Scratch(Catalog.Count);
        RecommendationSource source;
        var user = -1;
        var known = userId is not null && History.Users.TryGet(userId, out user);
        var updated = false;
        if (known)
        {
            var update = UpdatesKnownUsers && !recentItems.IsEmpty ? ScoreUpdatedUser(user, recentItems, scores) : null;
            updated = update is not null;
            source = update ?? ScoreKnownUser(user, scores);
        }
        else if (!recentItems.IsEmpty)
        {
            source = ScoreNewUser(recentItems, scores);
        }
        else
        {
            Popularity.CopyTo(scores);
            source = RecommendationSource.Popularity;
        }

        if (excludeSeen)
        {
            if (known)
            {
                foreach (var item in History.ItemsOf(user))
                {
                    scores[item] = float.NegativeInfinity;
                }
            }

            foreach (var item in recentItems)
            {
                if ((uint)item < (uint)scores.Length)
                {
                    scores[item] = float.NegativeInfinity;
                }
            }
        }

        if (genre is not null)
        {
            var mask = Catalog.GenreMask(genre);
            if (mask is null)
            {
                return (0, source);
            }

            TopN.Restrict(scores, mask);
        }

        var count = known && !updated ? SelectKnownUser(user, scores, destination)
            : !recentItems.IsEmpty ? SelectNewUser(source, scores, destination)
            : TopN.Select(scores, destination);
        return (count, source);
    }

    /// <summary>Convenience form: ids and scores (allocates the list).</summary>
    public RecommendationList Recommend(string? userId, int count, bool excludeSeen = true, string? genre = null, IReadOnlyList<string>? recentItems = null)
    {
        CheckCount(count);
        var recent = recentItems?.Select(Catalog.Items.IndexOf).Where(i => i >= 0).ToArray() ?? [];
        var buffer = new ScoredItem[count];
        var (written, source) = Recommend(userId, buffer, excludeSeen, genre, recent);
        return new RecommendationList(Named(buffer.AsSpan(0, written)), source);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with the items most similar to <paramref name="itemId"/> (itself
    /// excluded), best first; returns how many were written and what was compared. None (by content) when the
    /// catalogue does not hold it. Allocates nothing.
    /// </summary>
    public (int Count, SimilaritySource Source) SimilarItems(string itemId, Span<ScoredItem> destination)
    {
        if (!Catalog.Items.TryGet(itemId, out var item))
        {
            return (0, SimilaritySource.Content);
        }

        var scores = Scratch(Catalog.Count);
        var source = ScoreSimilar(item, scores);
        scores[item] = float.NegativeInfinity;
        return (SelectSimilar(item, scores, destination), source);
    }

    /// <summary>Convenience form: ids and scores (allocates the list); empty (by content) when the catalogue does not hold the item.</summary>
    public SimilarItemList SimilarItems(string itemId, int count)
    {
        CheckCount(count);
        var buffer = new ScoredItem[count];
        var (written, source) = SimilarItems(itemId, buffer);
        return new SimilarItemList(Named(buffer.AsSpan(0, written)), source);
    }

    // The convenience forms' answer: catalogue ids in place of indices, in the same order.
    private List<RecommendedItem> Named(ReadOnlySpan<ScoredItem> selected)
    {
        var named = new List<RecommendedItem>(selected.Length);
        foreach (var s in selected)
        {
            named.Add(new RecommendedItem(Catalog.Items[s.Item], s.Score));
        }

        return named;
    }

    private static Span<float> Scratch(int length) => ThreadScratch.Get(ref _scratchScores, length);

    private static void CheckCount(int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Ask for at least one item.");
        }
    }

    /// <summary>Writes model-specific parameters (the catalogue and history are written with the model file).</summary>
    internal abstract void WriteParameters(BinaryWriter writer);

    /// <summary>Model kind in the file manifest.</summary>
    public abstract string Kind { get; }

    public virtual string OptionsJson => "{}";
}

/// <summary>The most popular items for everyone: the baseline every model must beat.</summary>
public sealed class PopularityRecommender(ItemCatalog catalog, InteractionMatrix history) : Recommender(catalog, history)
{
    public override string Name => "popularity";

    public override string Kind => "popularity";

    public override bool BlendsNewViewers => false;

    protected override RecommendationSource ScoreKnownUser(int user, Span<float> scores)
    {
        Popularity.CopyTo(scores);
        return RecommendationSource.Popularity;
    }

    /// <summary>Popularity for a user with a history too: the baseline uses nothing else.</summary>
    protected override RecommendationSource ScoreNewUser(ReadOnlySpan<int> seen, Span<float> scores) => ScoreKnownUser(-1, scores);

    internal override void WriteParameters(BinaryWriter writer)
    {
    }
}

/// <summary>Items whose content (genres and metadata) is closest to what the user has seen.</summary>
public sealed class ContentRecommender(ItemCatalog catalog, InteractionMatrix history) : Recommender(catalog, history)
{
    public override string Name => "content";

    public override string Kind => "content";

    public override bool BlendsNewViewers => false;

    protected override RecommendationSource ScoreKnownUser(int user, Span<float> scores)
    {
        var start = History.UserStart[user];
        return ScoreNewUser(History.UserItems.AsSpan(start, History.UserStart[user + 1] - start), scores);
    }

    /// <summary>Content similarity alone for a viewer the model does not know too: the model uses nothing else.</summary>
    protected override RecommendationSource ScoreNewUser(ReadOnlySpan<int> seen, Span<float> scores)
    {
        Content.ScoreProfile(seen, default, scores);
        return RecommendationSource.ContentSimilarity;
    }

    internal override void WriteParameters(BinaryWriter writer)
    {
    }
}
