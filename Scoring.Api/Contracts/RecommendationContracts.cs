namespace NetflixML.Scoring.Api.Contracts;

/// <summary>A recommended or similar title.</summary>
/// <param name="TitleId">Title id.</param>
/// <param name="Name">Title name.</param>
/// <param name="Genres">Its genres.</param>
/// <param name="Score">The model's score (higher is better; comparable within one list only).</param>
/// <param name="Reason">Why it is here.</param>
public sealed record RecommendedTitle(string TitleId, string Name, IReadOnlyList<string> Genres, double Score, string Reason);

/// <summary>Recommendations for one subscriber, titles they have watched excluded.</summary>
public sealed record RecommendationsResponse
{
    /// <summary>The subscriber.</summary>
    /// <example>user_00042</example>
    public required string UserId { get; init; }

    /// <summary>factor-model, content-similarity or popularity.</summary>
    /// <example>factor-model</example>
    public required string Source { get; init; }

    /// <summary>The genre filter, if any.</summary>
    /// <example>Drama</example>
    public string? Genre { get; init; }

    /// <summary>Best first.</summary>
    public IReadOnlyList<RecommendedTitle> Titles { get; init; } = [];

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

    /// <summary>Most similar first.</summary>
    public IReadOnlyList<RecommendedTitle> Similar { get; init; } = [];

    /// <summary>The model that answered.</summary>
    public required ModelReference Model { get; init; }
}
