using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Models;
using NetflixML.Scoring.Api.Predictions;

namespace NetflixML.Scoring.Api.Apis;

/// <summary>Recommendations and similar titles.</summary>
public static class RecommendationsApi
{
    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/users/{userId}/recommendations", ForUser)
            .WithTags("Recommendations")
            .WithName("RecommendForUser")
            .WithSummary("The titles this subscriber should watch next (watched titles excluded).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/recommendations", ForViewer)
            .WithTags("Recommendations")
            .WithName("RecommendForViewer")
            .WithSummary("The titles a viewer outside the database should watch next, from the titles they watched.")
            .ProducesPredictionProblems();
        app.MapGet("/api/titles/{titleId}/similar", Similar)
            .WithTags("Recommendations")
            .WithName("SimilarTitles")
            .WithSummary("Titles most similar to this one.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>Recommends titles for a subscriber, with the reason for each.</summary>
    /// <remarks>
    /// A subscriber the model knows gets the champion's personal ranking, from their vector moved by the titles they
    /// watched since it was trained where the champion does that (source factor-model-fold-in); a subscriber with
    /// history the model never saw is folded in by a champion that does that (source factor-model-fold-in: a vector
    /// fitted to what they watched, ranked as a known subscriber's), or gets titles similar to what they watched,
    /// weighed with popularity (source content-and-popularity; content-similarity alone when the champion is the
    /// content model); a new subscriber with no history gets the most popular titles.
    /// The response's source says which.
    /// </remarks>
    /// <param name="userId">Subscriber id.</param>
    /// <param name="registry">Served models.</param>
    /// <param name="database">Subscribers, titles and viewing history.</param>
    /// <param name="logger">Prediction log.</param>
    /// <param name="count">How many titles, 1-100.</param>
    /// <param name="genre">Only titles of this genre (e.g. Drama), ignoring case and surrounding spaces.</param>
    /// <response code="200">Titles with id, name, genres, score and reason.</response>
    /// <response code="400">count is outside 1-100, or the genre is not in the catalogue (the allowed genres are listed).</response>
    /// <response code="404">No such subscriber.</response>
    /// <response code="503">No recommendation model is loaded, the database is missing, or the model was trained on other data than the database holds (its titles have other genres there).</response>
    public static Results<Ok<RecommendationsResponse>, ValidationProblem, ProblemHttpResult> ForUser(string userId, ModelRegistry registry, ScoringDatabase database, ILogger<RecommendationsResponse> logger, int count = 10, string? genre = null)
    {
        var clock = Stopwatch.StartNew();
        var served = registry.Recommender();
        var (validation, spelling) = CheckCountAndGenre(served, count, genre);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var gold = database.Current();
        CatalogAgreement.Require(served, gold);
        if (!gold.UserExists(userId))
        {
            return TypedResults.Problem($"No subscriber '{userId}' in the database.", statusCode: StatusCodes.Status404NotFound, title: "Subscriber not found");
        }

        var response = RecommendationService.Recommend(served, gold, userId, count, spelling);
        Log.Prediction(logger, "recommendations", served.Name, served.Version, response.Titles.Count, clock.Elapsed.TotalMilliseconds);
        return TypedResults.Ok(response);
    }

    /// <summary>Recommends titles for a viewer the database does not hold, from the titles they say they watched.</summary>
    /// <remarks>
    /// For a subscriber who has just joined, or one whose viewing lives elsewhere: a champion that folds viewers in
    /// fits a vector to the titles watched and ranks as for a known subscriber (source factor-model-fold-in; the
    /// hybrid leaves a history of three titles or fewer to content and popularity, as for a known subscriber, and says
    /// content-and-popularity); otherwise titles similar in content to those watched, weighed with popularity (source
    /// content-and-popularity; content-similarity alone when the champion is the content model); the most popular
    /// titles when none are given (source popularity). The titles given are never recommended back. Works without the
    /// database (titles are then named by their id).
    /// </remarks>
    /// <param name="request">The titles watched, how many to return, and an optional genre.</param>
    /// <param name="registry">Served models.</param>
    /// <param name="database">Title names and genres, when the database is there.</param>
    /// <param name="logger">Prediction log.</param>
    /// <response code="200">Titles with id, name, genres, score and reason; userId is null.</response>
    /// <response code="400">count is outside 1-100, the genre is not in the catalogue, more than 1,000 titles are listed, or one is blank or not in the model's catalogue (named by its index).</response>
    /// <response code="413">The request body is larger than the configured limit.</response>
    /// <response code="503">No recommendation model is loaded.</response>
    public static Results<Ok<RecommendationsResponse>, ValidationProblem> ForViewer(RecommendationRequest request, ModelRegistry registry, ScoringDatabase database, ILogger<RecommendationsResponse> logger)
    {
        var clock = Stopwatch.StartNew();
        var served = registry.Recommender();
        var count = request.Count ?? 10;
        var watched = request.Watched ?? [];
        var (validation, genre) = CheckCountAndGenre(served, count, request.Genre);
        validation.Count("watched", watched.Count, 0, MaxWatched);
        if (validation.IsValid)
        {
            validation.Names("watched", watched);
            for (var i = 0; i < watched.Count; i++)
            {
                if (!string.IsNullOrWhiteSpace(watched[i]) && !served.Model.Catalog.Items.TryGet(watched[i], out _))
                {
                    validation.Add($"watched[{i}]", $"no title '{watched[i]}' in the model's catalogue.");
                }
            }
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        // The database only names the titles here; one of other data would name them wrongly, so it is left out.
        var gold = database.TryCurrent();
        var response = RecommendationService.Recommend(served, gold is not null && CatalogAgreement.Problem(served, gold) is null ? gold : null, watched, count, genre);
        Log.Prediction(logger, "recommendations-viewer", served.Name, served.Version, response.Titles.Count, clock.Elapsed.TotalMilliseconds);
        return TypedResults.Ok(response);
    }

    private const int MaxWatched = 1000;

    /// <summary>Checks count and genre; the genre comes back in the catalogue's spelling (" drama " is "Drama").</summary>
    private static (Validation Validation, string? Genre) CheckCountAndGenre(ServedRecommender served, int count, string? genre)
    {
        var validation = new Validation();
        validation.Count("count", count, 1, 100);
        var spelling = genre is null ? null : served.Genres.Match(genre);
        if (genre is not null && spelling is null)
        {
            validation.Add("genre", $"must be one of {string.Join(", ", served.Model.Catalog.AllGenres)}; got '{genre}'.");
        }

        return (validation, spelling);
    }

    /// <summary>The titles most similar to a title (by viewing patterns, or content for titles with no viewing yet).</summary>
    /// <param name="titleId">Title id (e.g. movie_0042).</param>
    /// <param name="registry">Served models.</param>
    /// <param name="database">Title names and genres.</param>
    /// <param name="count">How many titles, 1-100.</param>
    /// <response code="200">Similar titles, most similar first.</response>
    /// <response code="400">count is outside 1-100.</response>
    /// <response code="404">No such title.</response>
    /// <response code="503">No recommendation model is loaded, the database is missing, or the model was trained on other data than the database holds.</response>
    public static Results<Ok<SimilarTitlesResponse>, ValidationProblem, ProblemHttpResult> Similar(string titleId, ModelRegistry registry, ScoringDatabase database, int count = 10)
    {
        var validation = new Validation();
        validation.Count("count", count, 1, 100);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var served = registry.Recommender();
        var gold = database.Current();
        CatalogAgreement.Require(served, gold);
        var response = RecommendationService.Similar(served, gold, titleId, count);
        return response is null
            ? TypedResults.Problem($"No title '{titleId}' in the catalogue.", statusCode: StatusCodes.Status404NotFound, title: "Title not found")
            : TypedResults.Ok(response);
    }

}
