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
    /// A subscriber the model knows gets the champion's personal ranking; a subscriber with history the model never
    /// saw gets titles similar to what they watched; a new subscriber with no history gets the most popular titles.
    /// The response's source says which.
    /// </remarks>
    /// <param name="userId">Subscriber id.</param>
    /// <param name="registry">Served models.</param>
    /// <param name="database">Subscribers, titles and viewing history.</param>
    /// <param name="logger">Prediction log.</param>
    /// <param name="count">How many titles, 1-100.</param>
    /// <param name="genre">Only titles of this genre (e.g. Drama), case-insensitive.</param>
    /// <response code="200">Titles with id, name, genres, score and reason.</response>
    /// <response code="400">count is outside 1-100, or the genre is not in the catalogue (the allowed genres are listed).</response>
    /// <response code="404">No such subscriber.</response>
    /// <response code="503">No recommendation model is loaded, or the database is missing.</response>
    public static Results<Ok<RecommendationsResponse>, ValidationProblem, ProblemHttpResult> ForUser(string userId, ModelRegistry registry, ScoringDatabase database, ILogger<RecommendationsResponse> logger, int count = 10, string? genre = null)
    {
        var clock = Stopwatch.StartNew();
        var validation = new Validation();
        validation.Count("count", count, 1, 100);
        var served = registry.Recommender();
        if (genre is not null && served.Model.Catalog.GenreMask(genre) is null)
        {
            validation.Add("genre", $"must be one of {string.Join(", ", served.Model.Catalog.AllGenres)}; got '{genre}'.");
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var gold = database.Current();
        if (!gold.UserExists(userId))
        {
            return TypedResults.Problem($"No subscriber '{userId}' in the database.", statusCode: StatusCodes.Status404NotFound, title: "Subscriber not found");
        }

        var response = RecommendationService.Recommend(served, gold, userId, count, genre);
        Log.Prediction(logger, "recommendations", served.Name, served.Version, response.Titles.Count, clock.Elapsed.TotalMilliseconds);
        return TypedResults.Ok(response);
    }

    /// <summary>The titles most similar to a title (by viewing patterns, or content for titles with no viewing yet).</summary>
    /// <param name="titleId">Title id (e.g. movie_0042).</param>
    /// <param name="registry">Served models.</param>
    /// <param name="database">Title names and genres.</param>
    /// <param name="count">How many titles, 1-100.</param>
    /// <response code="200">Similar titles, most similar first.</response>
    /// <response code="400">count is outside 1-100.</response>
    /// <response code="404">No such title.</response>
    /// <response code="503">No recommendation model is loaded, or the database is missing.</response>
    public static Results<Ok<SimilarTitlesResponse>, ValidationProblem, ProblemHttpResult> Similar(string titleId, ModelRegistry registry, ScoringDatabase database, int count = 10)
    {
        var validation = new Validation();
        validation.Count("count", count, 1, 100);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var response = RecommendationService.Similar(registry.Recommender(), database.Current(), titleId, count);
        return response is null
            ? TypedResults.Problem($"No title '{titleId}' in the catalogue.", statusCode: StatusCodes.Status404NotFound, title: "Title not found")
            : TypedResults.Ok(response);
    }

}
