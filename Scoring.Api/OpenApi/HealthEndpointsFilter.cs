using System.Net.Mime;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NetflixML.Scoring.Api.OpenApi;

/// <summary>Adds the health endpoints (mapped by the health-check middleware, which API Explorer does not see).</summary>
public sealed class HealthEndpointsFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        swaggerDoc.Paths ??= [];
        swaggerDoc.Paths["/health/live"] = Path("Liveness: the process is up.", "Always 200 while the process runs.", "Healthy");
        swaggerDoc.Paths["/health/ready"] = Path(
            "Readiness: every champion (top10, churn, recommend) is loaded.",
            "200 when all are loaded: status Healthy, or Degraded with the reason when the by-id endpoints cannot answer (no database, one that cannot be read, or a recommender trained on other data than the database holds; payload predictions still work). Also Degraded, naming the task and why, when a task has no champion because the last training skipped it (the data could not support it) or promoted none, and another task is served. 503 while the database is being loaded into memory after start-up (status Unhealthy, description `Warming up (...)`: by-id requests would wait for it), and otherwise naming what is missing.",
            "Healthy or Degraded");
    }

    private static OpenApiPathItem Path(string summary, string description, string ok) => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new OpenApiOperation
            {
                Summary = summary,
                Description = description,
                Tags = new HashSet<OpenApiTagReference> { new("Health") },
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse { Description = ok + ": {\"status\":\"Healthy\",\"checks\":[...]}", Content = new Dictionary<string, OpenApiMediaType> { [MediaTypeNames.Application.Json] = new() } },
                    ["503"] = new OpenApiResponse { Description = "Unhealthy, with each check's description.", Content = new Dictionary<string, OpenApiMediaType> { [MediaTypeNames.Application.Json] = new() } },
                },
            },
        },
    };
}
