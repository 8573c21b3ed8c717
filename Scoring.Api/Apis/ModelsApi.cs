using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using NetflixML.Features.Catalog;
using NetflixML.Features.Reporting;
using NetflixML.Scoring.Api.Configuration;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Errors;
using NetflixML.Scoring.Api.Models;
using NetflixML.Scoring.Api.Predictions;

namespace NetflixML.Scoring.Api.Apis;

/// <summary>What is served, how good it is, and how it was chosen.</summary>
public static class ModelsApi
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/models").WithTags("Models");
        group.MapGet("/", List).WithName("ListModels").WithSummary("Every loaded champion: trainer, feature set, threshold, metrics, version, SHA-256, load time.");
        group.MapGet("/{task}/leaderboard", Leaderboard).WithName("Leaderboard").WithSummary("The task's comparison of every candidate (leaderboard.json).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{task}/evaluation", Evaluation).WithName("ModelEvaluation").WithSummary("A binary champion's test ROC curve, operating point and feature importance.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/leakage", Leakage).WithName("LeakageReport").WithSummary("The leakage audit: which features leak and what they inflate (leakage-report.json).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/reload", Reload).WithName("ReloadModels").WithSummary("Reload the models from disk now (requires the X-Api-Key header).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    /// <summary>Lists every loaded champion with its metrics and identity, and any file that failed to load.</summary>
    /// <param name="registry">Served models.</param>
    /// <param name="database">The database the recommender's catalogue is compared with.</param>
    /// <response code="200">Loaded champions (with a warning where some answers are refused) and load errors.</response>
    public static Ok<ModelsResponse> List(ModelRegistry registry, ScoringDatabase database) => TypedResults.Ok(Describe(registry.Current, database));

    /// <summary>The leaderboard of one task: every candidate's cross-validated and test figures.</summary>
    /// <param name="task">top10, churn or recommend.</param>
    /// <param name="registry">Served models.</param>
    /// <response code="200">The task's entry of leaderboard.json.</response>
    /// <response code="404">No such task in the leaderboard.</response>
    /// <response code="503">No leaderboard.json in the models folder, or one that cannot be read.</response>
    public static Results<Ok<TaskEntry>, ProblemHttpResult> Leaderboard(string task, ModelRegistry registry)
    {
        var leaderboard = registry.Current.Leaderboard ?? throw NoReport(registry, Features.Reporting.Leaderboard.FileName, "dotnet run --project Training -- train");
        if (leaderboard.Task(task) is { } entry)
        {
            return TypedResults.Ok(entry);
        }

        var skipped = registry.Current.NoChampionReason(task) is { } why ? " " + why : string.Empty;
        return TypedResults.Problem($"No task '{task}' in the leaderboard (it has {string.Join(", ", leaderboard.Tasks.Select(t => t.Task))}).{skipped}", statusCode: StatusCodes.Status404NotFound, title: "Task not found");
    }

    /// <summary>The ROC curve and permutation feature importance of a binary champion, measured on the test set.</summary>
    /// <param name="task">top10 or churn.</param>
    /// <param name="registry">Served models.</param>
    /// <response code="200">ROC points, the threshold's operating point, and each feature's AUC drop when shuffled.</response>
    /// <response code="404">No such binary task (recommend is a ranking task: see its leaderboard).</response>
    /// <response code="503">The task's model is not loaded, or was trained before evaluations were stored.</response>
    public static Results<Ok<ModelEvaluation>, ProblemHttpResult> Evaluation(string task, ModelRegistry registry)
    {
        if (task is not (FeatureCatalog.Top10 or FeatureCatalog.Churn))
        {
            return TypedResults.Problem($"No binary task '{task}'; ROC curves exist for top10 and churn.", statusCode: StatusCodes.Status404NotFound, title: "Task not found");
        }

        var served = registry.Classifier(task);
        var metrics = served.Manifest.Metrics;
        if (metrics?["roc"] is not System.Text.Json.Nodes.JsonObject roc || metrics["importance"] is not System.Text.Json.Nodes.JsonArray importance)
        {
            throw new ServiceUnavailableException($"{served.Path} has no stored ROC curve or importance (it predates them).", $"dotnet run --project Training -- train --task {task}");
        }

        var operating = roc["operatingPoint"];
        return TypedResults.Ok(new ModelEvaluation
        {
            Task = task,
            Name = served.Name,
            Trainer = served.Manifest.Trainer,
            FeatureSet = served.Manifest.FeatureSet,
            Auc = metrics["test"]?["auc"]?.GetValue<double>(),
            RocPoints = roc["points"]!.AsArray().Select(p => (IReadOnlyList<double>)[p![0]!.GetValue<double>(), p[1]!.GetValue<double>()]).ToList(),
            OperatingPoint = operating is null ? null : new OperatingPoint(operating["threshold"]!.GetValue<double>(), operating["falsePositiveRate"]!.GetValue<double>(), operating["truePositiveRate"]!.GetValue<double>()),
            Importance = importance.Select(i => new FeatureImportanceEntry(i!["feature"]!.GetValue<string>(), i["aucDrop"]!.GetValue<double>(), i["standardError"]!.GetValue<double>())).ToList(),
        });
    }

    /// <summary>The leakage audit report.</summary>
    /// <param name="registry">Served models.</param>
    /// <response code="200">Flagged features with their evidence, and honest vs leaky test figures.</response>
    /// <response code="503">No leakage-report.json in the models folder, or one that cannot be read.</response>
    public static Ok<LeakageReport> Leakage(ModelRegistry registry) =>
        TypedResults.Ok(registry.Current.Leakage ?? throw NoReport(registry, LeakageReport.FileName, "dotnet run --project Training -- leakage"));

    /// <summary>
    /// The 503 for a report that is not served: absent, or present but unreadable (a truncated or hand-edited file),
    /// which used to be answered "No leaderboard.json in models" beside the file.
    /// </summary>
    private static ServiceUnavailableException NoReport(ModelRegistry registry, string file, string command) =>
        new(registry.Current.Errors.FirstOrDefault(e => e.Task == file) is { } error
            ? $"{file} in {registry.ModelsFolder} cannot be read: {error.Reason}. Running `{command}` writes it again."
            : $"No {file} in {registry.ModelsFolder}.",
            command);

    /// <summary>Reloads the models from disk now (changes are also picked up automatically within a second).</summary>
    /// <param name="apiKey">Must equal the configured Scoring:AdminApiKey.</param>
    /// <param name="registry">Served models.</param>
    /// <param name="database">The database the recommender's catalogue is compared with.</param>
    /// <param name="options">Configuration.</param>
    /// <param name="cancellationToken">Request cancellation.</param>
    /// <response code="200">What is loaded after the reload (failed files are listed; their previous models keep serving).</response>
    /// <response code="401">The X-Api-Key header is missing or wrong.</response>
    /// <response code="403">Reload is turned off: no admin key is configured.</response>
    public static async Task<Results<Ok<ModelsResponse>, ProblemHttpResult>> Reload([FromHeader(Name = ApiKeyHeader)] string? apiKey, ModelRegistry registry, ScoringDatabase database, IOptions<ScoringOptions> options, CancellationToken cancellationToken)
    {
        var configured = options.Value.AdminApiKey;
        if (string.IsNullOrEmpty(configured))
        {
            return TypedResults.Problem("Reload is turned off because no admin key is configured (set Scoring:AdminApiKey).", statusCode: StatusCodes.Status403Forbidden, title: "Reload disabled");
        }

        if (apiKey is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(apiKey), Encoding.UTF8.GetBytes(configured)))
        {
            return TypedResults.Problem($"Send the admin key in the {ApiKeyHeader} header.", statusCode: StatusCodes.Status401Unauthorized, title: "Missing or wrong API key");
        }

        return TypedResults.Ok(Describe(await registry.ReloadAsync(cancellationToken), database));
    }

    public static ModelsResponse Describe(ServedModels served, ScoringDatabase database)
    {
        var models = new List<LoadedModel>();
        foreach (var classifier in new[] { served.Top10, served.Churn }.OfType<ServedClassifier>())
        {
            models.Add(Loaded(classifier.Task, classifier.Name, classifier.Manifest, classifier.Path, classifier.Sha256, classifier.LoadedAt, classifier.Model.Threshold));
        }

        if (served.Recommend is { } recommender)
        {
            var loaded = Loaded(FeatureCatalog.Recommend, recommender.Name, recommender.Manifest, recommender.Path, recommender.Sha256, recommender.LoadedAt, null);
            models.Add(loaded with { Warning = CatalogAgreement.Problem(recommender, database) });
        }

        return new ModelsResponse(models, served.Errors.Select(e => new ModelLoadError(e.Task, e.File, e.Reason, e.At)).ToList(), served.LoadedAt, served.Generation);
    }

    private static LoadedModel Loaded(string task, string name, Learning.Persistence.ModelManifest manifest, string file, string sha, DateTimeOffset loadedAt, double? threshold)
    {
        IReadOnlyDictionary<string, double> Numbers(string key) => manifest.Metrics?[key] is System.Text.Json.Nodes.JsonObject o
            ? o.Where(kv => kv.Value is System.Text.Json.Nodes.JsonValue).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>())
            : new Dictionary<string, double>();
        var cv = manifest.Metrics?["cv"] is System.Text.Json.Nodes.JsonObject c
            ? c.ToDictionary(kv => kv.Key, kv => kv.Value!["mean"]!.GetValue<double>())
            : null;
        return new LoadedModel
        {
            Task = task,
            Name = name,
            Trainer = manifest.Trainer,
            FeatureSet = manifest.FeatureSet,
            Contract = manifest.Properties?["contract"]?.GetValue<string>(),
            Threshold = threshold,
            Test = Numbers("test"),
            Cv = cv,
            Baseline = Numbers("baseline"),
            Version = sha[..12],
            Sha256 = sha,
            File = file,
            CreatedAt = manifest.CreatedAt,
            LoadedAt = loadedAt,
            Features = manifest.Features.Select(f => new ModelFeatureInfo(f.Name, f.Type, f.Availability)).ToList(),
        };
    }
}
