using System.Globalization;
using Microsoft.OpenApi;
using NetflixML.Features.Catalog;
using NetflixML.Scoring.Api.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NetflixML.Scoring.Api.OpenApi;

/// <summary>
/// Writes the current champion into each prediction endpoint's description: its name, trainer, feature set and
/// contract, and its headline test figures beside the baseline. The document is generated per request, so the text
/// changes as soon as a reload swaps the models.
/// </summary>
public sealed class ChampionDescriptionFilter(ModelRegistry registry) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var path = context.ApiDescription.RelativePath ?? string.Empty;
        var task = path switch
        {
            _ when path.StartsWith("api/top10", StringComparison.Ordinal) => FeatureCatalog.Top10,
            _ when path.StartsWith("api/churn", StringComparison.Ordinal) || path.EndsWith("/churn", StringComparison.Ordinal) => FeatureCatalog.Churn,
            _ when path.EndsWith("/recommendations", StringComparison.Ordinal) || path.EndsWith("/similar", StringComparison.Ordinal) => FeatureCatalog.Recommend,
            _ => null,
        };
        if (task is null)
        {
            return;
        }

        var line = Describe(registry.Current, task);
        operation.Description = string.IsNullOrEmpty(operation.Description) ? line : operation.Description + "\n\n" + line;
    }

    public static string Describe(ServedModels served, string task)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double? value) => value is { } v ? v.ToString("F3", inv) : "n/a";
        if (task == FeatureCatalog.Recommend)
        {
            if (served.Recommend is not { } r)
            {
                return "**Current champion:** none loaded (503 until `dotnet run --project Training` has run).";
            }

            var test = r.Manifest.Metrics?["test"];
            var baseline = r.Manifest.Metrics?["baseline"];
            return $"**Current champion:** `{r.Name}` ({r.Manifest.Trainer}, version {r.Version}). " +
                $"Test NDCG@10 {F(test?["ndcgAtK"]?.GetValue<double>())}, precision@10 {F(test?["precisionAtK"]?.GetValue<double>())}, genre match {F(test?["genreMatchRate"]?.GetValue<double>())}; " +
                $"popularity baseline NDCG@10 {F(baseline?["ndcgAtK"]?.GetValue<double>())}.";
        }

        if (served.Classifier(task) is not { } c)
        {
            return "**Current champion:** none loaded (503 until `dotnet run --project Training` has run).";
        }

        var metrics = c.Manifest.Metrics;
        return $"**Current champion:** `{c.Name}` ({c.Manifest.Trainer} on feature set '{c.Manifest.FeatureSet}', version {c.Version}; {c.Manifest.Properties?["contract"]?.GetValue<string>()}) " +
            $"Test AUC {F(metrics?["test"]?["auc"]?.GetValue<double>())} (baseline 0.500); accuracy {F(metrics?["test"]?["accuracy"]?.GetValue<double>())} " +
            $"at threshold {F(c.Model.Threshold)} (majority-class baseline {F(metrics?["baseline"]?["accuracy"]?.GetValue<double>())}); " +
            $"cross-validated AUC {F(metrics?["cv"]?["auc"]?["mean"]?.GetValue<double>())}.";
    }
}
