using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.OpenApi;
using NetflixML.Features.Reporting;
using NetflixML.Scoring.Api.Apis;
using NetflixML.Scoring.Api.Configuration;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Errors;
using NetflixML.Scoring.Api.Health;
using NetflixML.Scoring.Api.Http;
using NetflixML.Scoring.Api.Logging;
using NetflixML.Scoring.Api.Models;
using NetflixML.Scoring.Api.OpenApi;

namespace NetflixML.Scoring.Api;

/// <summary>The service's wiring, so Program.cs reads like a table of contents.</summary>
public static class ScoringServiceExtensions
{
    public static WebApplicationBuilder AddScoring(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        if (!string.Equals(builder.Configuration[$"{ScoringOptions.Section}:{nameof(ScoringOptions.LogFormat)}"], "console", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            services.AddSingleton<ILoggerProvider>(_ => new JsonLinesLoggerProvider(Console.OpenStandardOutput()));
        }

        services.AddOptions<ScoringOptions>().Bind(builder.Configuration.GetSection(ScoringOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ScoringOptions>>(provider => new ScoringOptionsValidator(provider.GetRequiredService<IWebHostEnvironment>().ContentRootPath));
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<ScoringOptions>>((kestrel, scoring) => kestrel.Limits.MaxRequestBodySize = scoring.Value.MaxRequestBodyBytes);
        services.AddSingleton(provider => new ScoringPaths(
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ScoringOptions>>().Value,
            provider.GetRequiredService<IWebHostEnvironment>().ContentRootPath));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<ScoringDatabase>();
        services.AddHostedService<ModelWatcher>();
        services.AddSingleton<DatabaseWarmUp>();
        services.AddHostedService(provider => provider.GetRequiredService<DatabaseWarmUp>());
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Detail ??= StatusDetail.For(c.HttpContext, c.ProblemDetails.Status));
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
            // A misspelt field ("sesions7d") would otherwise be dropped and its feature scored as missing.
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            // {"sessions30d": 2, "sessions30d": 20} would otherwise score the last one without a word.
            o.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy("The process is up."), tags: ["live"])
            .AddCheck<ModelsReadyCheck>("models", tags: ["ready"]);
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "NetflixML Scoring API",
                Version = "v1",
                Description = "Top-10, churn and recommendation predictions from the champions in models/, their metrics, " +
                    "leaderboards and the leakage audit. Retrain with `dotnet run --project Training`; changes are picked up within a second.",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, Assembly.GetExecutingAssembly().GetName().Name + ".xml");
            swagger.IncludeXmlComments(xml, includeControllerXmlComments: true);

            // The leaderboard and leakage records the models endpoints return are Features' types, documented there.
            swagger.IncludeXmlComments(Path.Combine(AppContext.BaseDirectory, typeof(Leaderboard).Assembly.GetName().Name + ".xml"));
            swagger.OperationFilter<ChampionDescriptionFilter>();
            swagger.DocumentFilter<HealthEndpointsFilter>();
        });
        return builder;
    }

    public static WebApplication UseScoring(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHeadAsGet();
        app.UseRouting();
        app.UseMiddleware<RequestSizeLimit>();
        app.UseUnknownQueryParameterCheck();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseSwagger();
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/swagger/v1/swagger.json", "NetflixML Scoring API v1");
            ui.DocumentTitle = "NetflixML Scoring API";
        });
        return app;
    }

    public static WebApplication MapScoringEndpoints(this WebApplication app)
    {
        app.MapTop10Api();
        app.MapChurnApi();
        app.MapRecommendationsApi();
        app.MapModelsApi();
        app.MapAnalyticsApi();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live"), ResponseWriter = WriteHealth });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealth });
        return app;
    }

    private static readonly JsonSerializerOptions HealthJson = new(JsonSerializerDefaults.Web);

    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, HealthJson));
    }
}
