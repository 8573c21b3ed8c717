using Microsoft.Extensions.Diagnostics.HealthChecks;
using NetflixML.Features.Catalog;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Errors;
using NetflixML.Scoring.Api.Models;
using NetflixML.Scoring.Api.Predictions;

namespace NetflixML.Scoring.Api.Health;

/// <summary>
/// Ready when every champion (top10, churn, recommend) is loaded. Degraded (still 200) when a task has none because
/// the last training said why (it skipped a task the data could not support, or no candidate beat chance) and another
/// task is served, or when the by-id answers are refused: the database is missing or cannot be read, or the
/// recommendation model was trained on other data than it holds. Before, a deployment trained on data without titles
/// was never ready, so a load balancer sent its churn and recommendation endpoints no traffic. Not ready (503) while
/// the database warm-up runs, since a by-id request would wait for it.
/// </summary>
public sealed class ModelsReadyCheck(ModelRegistry registry, ScoringDatabase database, DatabaseWarmUp warmUp) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var served = registry.Current;
        var missing = served.MissingChampions.ToList();
        var data = new Dictionary<string, object>
        {
            ["top10"] = served.Top10?.Version ?? "not loaded",
            ["churn"] = served.Churn?.Version ?? "not loaded",
            ["recommend"] = served.Recommend?.Version ?? "not loaded",
            ["generation"] = served.Generation,
        };
        if (warmUp.Warming is { } warming)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Warming up ({warming.TotalSeconds:F1} s so far): loading {warmUp.DatabasePath} into memory and computing churn features, which a by-id request would wait for."), data: data));
        }

        // Each missing task as "task (why the last training left it without a champion)", or alone when it does not say.
        var named = missing.Select(task => served.NoChampionReason(task) is { } reason ? (Text: $"{task} ({reason})", Explained: true) : (Text: task, Explained: false)).ToList();
        if (named.Any(m => !m.Explained) || missing.Count == FeatureCatalog.Tasks.Count)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Not loaded: {string.Join("; ", named.Select(m => m.Text))} (run `dotnet run --project Training`).", data: data));
        }

        var notServed = missing.Count > 0
            ? $"Not served: {string.Join("; ", named.Select(m => m.Text))} {(missing.Count == 1 ? "Its endpoints answer" : "Their endpoints answer")} 503 with that reason; the other tasks answer."
            : null;
        var problem = string.Join(" ", new[] { notServed, DatabaseProblem(), served.Recommend is { } recommend ? CatalogAgreement.Problem(recommend, database) : null }.OfType<string>());
        return Task.FromResult(problem.Length > 0
            ? HealthCheckResult.Degraded(problem, data: data)
            : HealthCheckResult.Healthy("Every champion is loaded.", data));
    }

    /// <summary>
    /// Why the by-id endpoints answer 503 whatever the subscriber or title: no database, or one that cannot be read,
    /// in the words of their own 503.
    /// </summary>
    private string? DatabaseProblem()
    {
        try
        {
            database.Current();
            return null;
        }
        catch (ServiceUnavailableException ex)
        {
            return $"{ex.Message} The by-id endpoints answer 503 (`{ex.Command}` builds it); payload predictions work.";
        }
    }
}
