using Microsoft.Extensions.Diagnostics.HealthChecks;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Errors;
using NetflixML.Scoring.Api.Models;
using NetflixML.Scoring.Api.Predictions;

namespace NetflixML.Scoring.Api.Health;

/// <summary>
/// Ready when every champion (top10, churn, recommend) is loaded; degraded (still 200) when the by-id answers are
/// refused: the database is missing or cannot be read, or the recommendation model was trained on other data than it
/// holds.
/// </summary>
public sealed class ModelsReadyCheck(ModelRegistry registry, ScoringDatabase database) : IHealthCheck
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
        if (missing.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Not loaded: {string.Join(", ", missing)} (run `dotnet run --project Training`).", data: data));
        }

        var problem = DatabaseProblem()
            ?? (served.Recommend is { } recommend ? CatalogAgreement.Problem(recommend, database) : null);
        return Task.FromResult(problem is not null
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
