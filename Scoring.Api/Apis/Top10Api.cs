using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NetflixML.Features.Catalog;
using NetflixML.Features.Top10;
using NetflixML.Scoring.Api.Configuration;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Models;
using NetflixML.Scoring.Api.Predictions;

namespace NetflixML.Scoring.Api.Apis;

/// <summary>Top-10 predictions.</summary>
public static class Top10Api
{
    public static RouteGroupBuilder MapTop10Api(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/top10").WithTags("Top 10");
        group.MapPost("/predictions", Predict)
            .WithName("PredictTop10")
            .WithSummary("Will this title enter the weekly Netflix Top 10?")
            .ProducesPredictionProblems();
        group.MapPost("/predictions/batch", PredictBatch)
            .WithName("PredictTop10Batch")
            .WithSummary("Top-10 predictions for up to 1,000 titles in one request.")
            .ProducesPredictionProblems();
        return group;
    }

    /// <summary>Predicts whether one title will enter the weekly Top 10.</summary>
    /// <remarks>
    /// Send the title's pre-release facts (and, for an early-signal model, its first-week hours viewed). Fields the
    /// champion does not use are accepted and ignored; the response lists which inputs it used, ignored and missed,
    /// and each feature's contribution.
    /// </remarks>
    /// <param name="request">The title.</param>
    /// <param name="registry">Served models.</param>
    /// <param name="database">Title history for the director and cast track records, for a model file that does not carry its own.</param>
    /// <param name="logger">Prediction log.</param>
    /// <response code="200">The prediction, the model that made it, and why.</response>
    /// <response code="400">A field is out of range (each named with its allowed range), or the JSON is malformed.</response>
    /// <response code="413">The request body is larger than the configured limit.</response>
    /// <response code="503">No Top-10 model is loaded; the problem names the command that creates it.</response>
    public static Results<Ok<Top10PredictionResponse>, ValidationProblem> Predict(Top10TitleRequest request, ModelRegistry registry, ScoringDatabase database, ILogger<Top10PredictionResponse> logger)
    {
        var clock = Stopwatch.StartNew();
        var validation = new Validation();
        Top10Scorer.Validate(request, validation);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var served = registry.Classifier(FeatureCatalog.Top10);
        var response = Top10Scorer.Score(served, request, TrackRecords(served, database));
        Log.Prediction(logger, "top10", served.Name, served.Version, 1, clock.Elapsed.TotalMilliseconds);
        return TypedResults.Ok(response);
    }

    /// <summary>Top-10 predictions for a batch of titles, in request order.</summary>
    /// <param name="request">Up to the configured batch size (1,000) titles.</param>
    /// <param name="registry">Served models.</param>
    /// <param name="database">Title history, for a model file that does not carry its own.</param>
    /// <param name="options">Limits.</param>
    /// <param name="logger">Prediction log.</param>
    /// <response code="200">One prediction per title.</response>
    /// <response code="400">No titles, too many, or a field out of range (named as titles[i].field).</response>
    /// <response code="413">The request body is larger than the configured limit.</response>
    /// <response code="503">No Top-10 model is loaded.</response>
    public static Results<Ok<Top10BatchResponse>, ValidationProblem> PredictBatch(Top10BatchRequest request, ModelRegistry registry, ScoringDatabase database, IOptions<ScoringOptions> options, ILogger<Top10BatchResponse> logger)
    {
        var clock = Stopwatch.StartNew();
        var validation = Validation.ForBatch("titles", request.Titles, options.Value.MaxBatchSize, Top10Scorer.Validate);
        if (!validation.IsValid || request.Titles is not { } titles)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var served = registry.Classifier(FeatureCatalog.Top10);
        var records = TrackRecords(served, database);
        var predictions = titles.Select(t => Top10Scorer.Score(served, t, records)).ToList();
        Log.Prediction(logger, "top10-batch", served.Name, served.Version, predictions.Count, clock.Elapsed.TotalMilliseconds);
        return TypedResults.Ok(new Top10BatchResponse(predictions));
    }

    private static readonly TrackRecordIndex NoHistory = new([]);

    /// <summary>
    /// Earlier titles' outcomes for director and cast records: those the model was trained with, saved in its file;
    /// for an older file without them, the database's (without a database every record is unknown).
    /// </summary>
    private static TrackRecordIndex TrackRecords(ServedClassifier served, ScoringDatabase database) =>
        served.TrackRecords ?? database.TryCurrent()?.TrackRecords ?? NoHistory;

}
