using Microsoft.Extensions.Diagnostics.HealthChecks;
using NetflixML.Scoring.Api.Models;

namespace NetflixML.Scoring.Api.Health;

/// <summary>Ready when every champion (top10, churn, recommend) is loaded.</summary>
public sealed class ModelsReadyCheck(ModelRegistry registry) : IHealthCheck
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
        return Task.FromResult(missing.Count == 0
            ? HealthCheckResult.Healthy("Every champion is loaded.", data)
            : HealthCheckResult.Unhealthy($"Not loaded: {string.Join(", ", missing)} (run `dotnet run --project Training`).", data: data));
    }
}
