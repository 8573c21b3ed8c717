using NetflixML.Learning.Recommendation;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Models;

namespace NetflixML.Scoring.Api.Predictions;

/// <summary>Recommendations and similar titles from the recommendation champion, with names and reasons.</summary>
public static class RecommendationService
{
    /// <summary>
    /// For a subscriber in the database. Everything they have watched, including after the model was trained, is
    /// excluded; for a subscriber the model never saw, it is also the history content similarity starts from.
    /// </summary>
    public static RecommendationsResponse Recommend(ServedRecommender served, GoldData database, string userId, int count, string? genre) =>
        Recommend(served, database, userId, database.WatchedBy(userId), count, genre);

    /// <summary>For a viewer described only by the titles they watched (names and genres from the database when it is there).</summary>
    public static RecommendationsResponse Recommend(ServedRecommender served, GoldData? database, IReadOnlyList<string> watched, int count, string? genre) =>
        Recommend(served, database, null, watched, count, genre);

    private static RecommendationsResponse Recommend(ServedRecommender served, GoldData? database, string? userId, IReadOnlyList<string> watched, int count, string? genre)
    {
        var list = served.Model.Recommend(userId, count, excludeSeen: true, genre, watched);
        var reason = list.Source switch
        {
            RecommendationSource.FactorModel => "matches your viewing (factor model)",
            RecommendationSource.FactorModelFoldIn when userId is not null && served.Model.History.Users.IndexOf(userId) >= 0 => "matches your viewing, with what you watched since the model was trained (factor model, updated with those titles)",
            RecommendationSource.FactorModelFoldIn => "matches what you watched (factor model, fitted to those titles)",
            RecommendationSource.ContentAndPopularity => "similar to what you watched, and popular with subscribers (content similarity and popularity)",
            RecommendationSource.ContentSimilarity => "similar to what you watched (content similarity)",
            _ => "popular with subscribers (new subscriber: no history yet)",
        };
        return new RecommendationsResponse
        {
            UserId = userId,
            Source = Source(list.Source),
            Genre = genre,
            Titles = list.Items.Select(i => Title(served, database, i, list.Source is RecommendationSource.FactorModel or RecommendationSource.FactorModelFoldIn && i.Score <= 0 ? WeakMatch : reason)).ToList(),
            Note = list.Items.Count < count ? Shortfall(served, userId, watched, count, genre, list.Items.Count) : null,
            Model = Reference(served),
        };
    }

    // A factor score at or below zero (the hybrid's: no better than the subscriber's average title; a plain factor
    // model's: no predicted liking) is listed to fill the count, typically deep in a genre's list; "matches your
    // viewing" said otherwise.
    private const string WeakMatch = "a weak match for your viewing, listed to fill the count (factor model)";

    /// <summary>
    /// Says why only <paramref name="written"/> of <paramref name="count"/> titles came back: the titles of the genre
    /// the model knows, less those watched (in its history or since) and those it cannot score.
    /// </summary>
    private static string Shortfall(ServedRecommender served, string? userId, IReadOnlyList<string> watched, int count, string? genre, int written)
    {
        var model = served.Model;
        var mask = genre is null ? null : model.Catalog.GenreMask(genre);
        var seen = watched.Select(model.Catalog.Items.IndexOf).Where(i => i >= 0).ToHashSet();
        foreach (var item in userId is null ? [] : model.History.ItemsOf(userId))
        {
            seen.Add(item);
        }

        var known = mask?.Count(m => m) ?? model.Catalog.Count;
        var seenKnown = seen.Count(i => mask is null || mask[i]);
        var unscorable = known - seenKnown - written;
        var titles = genre is null ? "titles" : $"{genre} titles";
        var viewer = userId is null ? "the viewer" : "the subscriber";
        var cannotScore = unscorable > 0 ? $"; it cannot score the other {unscorable}, which no one had {Engaged(served)} when it was trained" : string.Empty;
        return $"{written} of the {count} titles asked for: the model knows {known} {titles}, and {viewer} has watched {seenKnown} of them{cannotScore}.";
    }

    public static SimilarTitlesResponse? Similar(ServedRecommender served, GoldData database, string titleId, int count)
    {
        if (!served.Model.Catalog.Items.TryGet(titleId, out _))
        {
            return null;
        }

        var similar = served.Model.SimilarItems(titleId, count);
        var name = database.Movies.TryGetValue(titleId, out var info) ? info.Name : titleId;
        var reason = similar.Source switch
        {
            SimilaritySource.Interactions => $"{Engaged(served)} by the same subscribers as {name}",
            SimilaritySource.InteractionsAndContent => $"{Engaged(served)} by the same subscribers as {name}, and alike in genres and metadata",
            _ => $"alike in genres and metadata to {name}",
        };
        return new SimilarTitlesResponse
        {
            TitleId = titleId,
            Name = name,
            Source = Source(similar.Source),
            Similar = similar.Items.Select(i => Title(served, database, i, reason)).ToList(),
            Model = Reference(served),
        };
    }

    /// <summary>What subscribers did with a title for the factor model to learn about it.</summary>
    private static string Engaged(ServedRecommender served) => served.LearnedFromClicks ? "watched or clicked" : "watched";

    public static ModelReference Reference(ServedRecommender served) =>
        new(served.Name, served.Version, served.Manifest.FeatureSet ?? string.Empty, served.Manifest.Trainer);

    public static string Source(RecommendationSource source) => source switch
    {
        RecommendationSource.FactorModel => "factor-model",
        RecommendationSource.FactorModelFoldIn => "factor-model-fold-in",
        RecommendationSource.ContentSimilarity => "content-similarity",
        RecommendationSource.ContentAndPopularity => "content-and-popularity",
        _ => "popularity",
    };

    public static string Source(SimilaritySource source) => source switch
    {
        SimilaritySource.Interactions => "viewing",
        SimilaritySource.InteractionsAndContent => "viewing-and-content",
        _ => "content",
    };

    // A title the database does not hold (or no database) is named by its id, with the genres the model knows.
    private static RecommendedTitle Title(ServedRecommender served, GoldData? database, RecommendedItem item, string reason)
    {
        var info = database is not null && database.Movies.TryGetValue(item.ItemId, out var known)
            ? known
            : new TitleInfo(item.ItemId, item.ItemId, [.. served.Model.Catalog.Genres(served.Model.Catalog.Items.IndexOf(item.ItemId))]);
        return new RecommendedTitle(item.ItemId, info.Name, info.Genres, Math.Round(item.Score, 6), reason);
    }
}
