using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NetflixML.Features.Catalog;
using NetflixML.Scoring.Api.Configuration;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Errors;
using NetflixML.Scoring.Api.Models;
using NetflixML.Scoring.Api.Predictions;

namespace NetflixML.Scoring.Api.Apis;

/// <summary>Churn predictions.</summary>
public static class ChurnApi
{
    public static IEndpointRouteBuilder MapChurnApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/users/{userId}/churn", ForUser)
            .WithTags("Churn")
            .WithName("PredictChurnForUser")
            .WithSummary("Will this subscriber cancel within 30 days? (from their behaviour in the database)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        var group = app.MapGroup("/api/churn").WithTags("Churn");
        group.MapPost("/predictions", Predict)
            .WithName("PredictChurn")
            .WithSummary("Churn probability from a payload of behaviour features (subscribers outside the database).")
            .ProducesPredictionProblems();
        group.MapPost("/predictions/batch", PredictBatch)
            .WithName("PredictChurnBatch")
            .WithSummary("Churn probabilities for up to 1,000 subscribers in one request.")
            .ProducesPredictionProblems();
        return app;
    }

    /// <summary>Churn probability of a subscriber in the database, from their behaviour before the snapshot.</summary>
    /// <param name="userId">Subscriber id.</param>
    /// <param name="registry">Served models.</param>
    /// <param name="database">Subscribers and their events.</param>
    /// <param name="logger">Prediction log.</param>
    /// <response code="200">Probability, risk band and the factors that weigh most.</response>
    /// <response code="404">No such subscriber, or they had not subscribed by the snapshot.</response>
    /// <response code="503">No churn model is loaded, or the database is missing.</response>
    public static Results<Ok<ChurnPredictionResponse>, ProblemHttpResult> ForUser(string userId, ModelRegistry registry, ScoringDatabase database, ILogger<ChurnPredictionResponse> logger)
    {
        var clock = Stopwatch.StartNew();
        var served = registry.Classifier(FeatureCatalog.Churn);
        var gold = database.Current();
        var snapshot = gold.ChurnSnapshotFor(served.Snapshot) ?? throw new ServiceUnavailableException($"The database {database.Path} has no events to place a churn snapshot in.", ScoringDatabase.Command);
        var row = gold.ChurnFeatures(userId, snapshot);
        if (row is null)
        {
            var detail = gold.UserExists(userId)
                ? $"Subscriber '{userId}' had not subscribed by the snapshot ({snapshot:yyyy-MM-dd}), so there is no behaviour to score."
                : $"No subscriber '{userId}' in the database.";
            return TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Subscriber not found");
        }

        var response = ChurnScorer.Score(served, row, userId, null, DateOnly.FromDateTime(snapshot));
        Log.Prediction(logger, "churn-user", served.Name, served.Version, 1, clock.Elapsed.TotalMilliseconds);
        return TypedResults.Ok(response);
    }

    /// <summary>Churn probability from a payload of behaviour features.</summary>
    /// <param name="request">The subscriber's features; missing ones are treated as unknown.</param>
    /// <param name="registry">Served models.</param>
    /// <param name="logger">Prediction log.</param>
    /// <response code="200">Probability, risk band and top factors.</response>
    /// <response code="400">A field is out of range (named with its allowed range), or the JSON is malformed.</response>
    /// <response code="413">The request body is larger than the configured limit.</response>
    /// <response code="503">No churn model is loaded.</response>
    public static Results<Ok<ChurnPredictionResponse>, ValidationProblem> Predict(ChurnFeaturesRequest request, ModelRegistry registry, ILogger<ChurnPredictionResponse> logger)
    {
        var clock = Stopwatch.StartNew();
        var validation = new Validation();
        ChurnScorer.Validate(request, validation);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var served = registry.Classifier(FeatureCatalog.Churn);
        var response = ChurnScorer.Score(served, ChurnScorer.FromRequest(request), null, request.Reference, null);
        Log.Prediction(logger, "churn", served.Name, served.Version, 1, clock.Elapsed.TotalMilliseconds);
        return TypedResults.Ok(response);
    }

    /// <summary>Churn probabilities for a batch of subscribers, in request order.</summary>
    /// <param name="request">Up to the configured batch size (1,000) subscribers.</param>
    /// <param name="registry">Served models.</param>
    /// <param name="options">Limits.</param>
    /// <param name="logger">Prediction log.</param>
    /// <response code="200">One prediction per subscriber.</response>
    /// <response code="400">No subscribers, too many, or a field out of range (named as subscribers[i].field).</response>
    /// <response code="413">The request body is larger than the configured limit.</response>
    /// <response code="503">No churn model is loaded.</response>
    public static Results<Ok<ChurnBatchResponse>, ValidationProblem> PredictBatch(ChurnBatchRequest request, ModelRegistry registry, IOptions<ScoringOptions> options, ILogger<ChurnBatchResponse> logger)
    {
        var clock = Stopwatch.StartNew();
        var validation = Validation.ForBatch("subscribers", request.Subscribers, options.Value.MaxBatchSize, ChurnScorer.Validate);
        if (!validation.IsValid || request.Subscribers is not { } subscribers)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var served = registry.Classifier(FeatureCatalog.Churn);
        var predictions = subscribers.Select(s => ChurnScorer.Score(served, ChurnScorer.FromRequest(s), null, s.Reference, null)).ToList();
        Log.Prediction(logger, "churn-batch", served.Name, served.Version, predictions.Count, clock.Elapsed.TotalMilliseconds);
        return TypedResults.Ok(new ChurnBatchResponse(predictions));
    }

}
