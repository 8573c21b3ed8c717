namespace NetflixML.Scoring.Api.Contracts;

/// <summary>A recommended or similar title.</summary>
/// <param name="TitleId">Title id.</param>
/// <param name="Name">Title name.</param>
/// <param name="Genres">Its genres.</param>
/// <param name="Score">
/// The model's score: higher is better, and comparable within one list only, for its scale depends on the model
/// (model.trainer). Recommendations for a known subscriber: hybrid, a weighted sum of the title's z-scores over the
/// catalogue for this subscriber (factor, content and popularity parts; 0 is their average title, 2 two standard
/// deviations above it); implicit-mf, the factor dot product (fitted towards 1 for watched or clicked titles and 0 for the rest);
/// explicit-mf, the dot product plus the title's bias; content, a cosine (0-1); popularity, how many subscribers
/// watched the title in the training data. A viewer the model does not know gets content cosines or popularity counts,
/// as source says. Similar titles: the cosine of the two titles' factor or content vectors (the hybrid blends both).
/// </param>
/// <param name="Reason">Why it is here.</param>
public sealed record RecommendedTitle(string TitleId, string Name, IReadOnlyList<string> Genres, double Score, string Reason);

/// <summary>A viewer outside the database (a subscriber who just joined, a profile on another service), described by the titles they watched.</summary>
public sealed record RecommendationRequest
{
    /// <summary>Title ids they watched, 0-1,000: excluded from the answer and, when there are any, what content similarity starts from.</summary>
    /// <example>["movie_0042", "movie_0107"]</example>
    public IReadOnlyList<string>? Watched { get; init; }

    /// <summary>How many titles, 1-100 (default 10).</summary>
    /// <example>10</example>
    public int? Count { get; init; }

    /// <summary>Only titles of this genre (e.g. Drama), case-insensitive.</summary>
    /// <example>Drama</example>
    public string? Genre { get; init; }
}

/// <summary>Recommendations for one subscriber, titles they have watched excluded.</summary>
public sealed record RecommendationsResponse
{
    /// <summary>The subscriber (null for a viewer described by the titles in the request).</summary>
    /// <example>user_00042</example>
    public string? UserId { get; init; }

    /// <summary>
    /// factor-model, factor-model-fold-in (a viewer the model does not know, given a vector fitted to the titles they
    /// watched; or a subscriber it knows, their vector moved by the titles they watched since it was trained),
    /// content-and-popularity (titles like those watched, weighed with how widely they are watched: the
    /// answer for a viewer it does not know from a factor model that does not fold in, the hybrid's for a short
    /// history), content-similarity (the content model) or popularity.
    /// </summary>
    /// <example>factor-model</example>
    public required string Source { get; init; }

    /// <summary>The genre filter, if any.</summary>
    /// <example>Drama</example>
    public string? Genre { get; init; }

    /// <summary>Best first.</summary>
    public IReadOnlyList<RecommendedTitle> Titles { get; init; } = [];

    /// <summary>
    /// Why there are fewer titles than asked for (null when there are as many): how many titles of the genre the
    /// model knows, how many of them were watched, and how many the model cannot score.
    /// </summary>
    /// <example>null</example>
    public string? Note { get; init; }

    /// <summary>The model that answered.</summary>
    public required ModelReference Model { get; init; }
}

/// <summary>The titles most similar to one title.</summary>
public sealed record SimilarTitlesResponse
{
    /// <summary>The title asked about.</summary>
    /// <example>movie_0042</example>
    public required string TitleId { get; init; }

    /// <summary>Its name.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// What was compared: viewing (who watched the titles, from the model's factors), viewing-and-content (the hybrid's
    /// blend of that with genres and metadata), or content (genres and metadata only: a content model, or a title no
    /// one had watched when the model was trained).
    /// </summary>
    /// <example>viewing-and-content</example>
    public required string Source { get; init; }

    /// <summary>Most similar first.</summary>
    public IReadOnlyList<RecommendedTitle> Similar { get; init; } = [];

    /// <summary>The model that answered.</summary>
    public required ModelReference Model { get; init; }
}
