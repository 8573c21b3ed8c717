using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>Swagger is the manual: every endpoint, its parameters and responses, and the current champion's figures.</summary>
[Collection(ScoringCollection.Name)]
public sealed partial class SwaggerTests(ScoringFixture fixture)
{
    private static readonly (string Path, string Method)[] Endpoints =
    [
        ("/api/top10/predictions", "post"),
        ("/api/top10/predictions/batch", "post"),
        ("/api/users/{userId}/churn", "get"),
        ("/api/churn/predictions", "post"),
        ("/api/churn/predictions/batch", "post"),
        ("/api/users/{userId}/recommendations", "get"),
        ("/api/recommendations", "post"),
        ("/api/titles/{titleId}/similar", "get"),
        ("/api/models", "get"),
        ("/api/models/{task}/leaderboard", "get"),
        ("/api/models/leakage", "get"),
        ("/api/models/reload", "post"),
        ("/api/models/{task}/evaluation", "get"),
        ("/api/analytics/countries", "get"),
        ("/api/analytics/plans-devices", "get"),
        ("/api/analytics/plans-by-country", "get"),
        ("/api/analytics/users-per-country", "get"),
        ("/api/analytics/genre-popularity", "get"),
        ("/api/analytics/ratings-by-genre", "get"),
        ("/api/analytics/device-engagement", "get"),
        ("/api/analytics/title-similarity", "get"),
        ("/api/analytics/genre-flows", "get"),
        ("/health/live", "get"),
        ("/health/ready", "get"),
    ];

    [Fact]
    public async Task The_document_lists_every_endpoint_with_a_summary_and_documented_responses()
    {
        using var factory = fixture.Factory();
        var document = (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/swagger/v1/swagger.json"))!;
        var paths = document["paths"]!.AsObject();

        Assert.Equal(Endpoints.Select(e => e.Path).Order(), paths.Select(p => p.Key).Order());
        foreach (var (path, method) in Endpoints)
        {
            var operation = paths[path]![method];
            Assert.True(operation is not null, $"{method} {path}");
            Assert.False(string.IsNullOrWhiteSpace(operation!["summary"]?.GetValue<string>()), $"summary of {path}");
            foreach (var (code, response) in operation["responses"]!.AsObject())
            {
                Assert.False(string.IsNullOrWhiteSpace(response!["description"]?.GetValue<string>()), $"{path} {code} description");
            }

            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                Assert.False(string.IsNullOrWhiteSpace(parameter!["description"]?.GetValue<string>()), $"{path} parameter {parameter["name"]}");
            }
        }

        Assert.Equal(["200", "400", "413", "503"], Codes(paths, "/api/top10/predictions", "post"));
        Assert.Equal(["200", "400", "404", "503"], Codes(paths, "/api/users/{userId}/recommendations", "get"));
        Assert.Equal(["200", "400", "413", "503"], Codes(paths, "/api/recommendations", "post"));
        Assert.Equal(["200", "404", "503"], Codes(paths, "/api/users/{userId}/churn", "get"));
        Assert.Equal(["200", "401", "403"], Codes(paths, "/api/models/reload", "post"));
        Assert.Equal(["200", "503"], Codes(paths, "/health/ready", "get"));
        Assert.Contains("Degraded with the reason when the by-id endpoints cannot answer", paths["/health/ready"]!["get"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        var problem = paths["/api/top10/predictions"]!["post"]!["responses"]!["400"]!["content"]!["application/problem+json"];
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData("Top10TitleRequest", "/api/top10/predictions")]
    [InlineData("ChurnFeaturesRequest", "/api/churn/predictions")]
    [InlineData("RecommendationRequest", "/api/recommendations")]
    public async Task A_request_made_of_the_documented_examples_is_accepted(string schema, string path)
    {
        using var factory = fixture.Factory();
        var client = factory.CreateClient();
        var document = (await client.GetFromJsonAsync<JsonObject>("/swagger/v1/swagger.json"))!;
        var body = new JsonObject(document["components"]!["schemas"]![schema]!["properties"]!.AsObject()
            .Where(p => p.Value!["example"] is not null)
            .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value!["example"]!.DeepClone())));

        var response = await client.PostAsJsonAsync(path, body);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{body.ToJsonString()}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Request_and_report_records_carry_descriptions_and_requests_examples()
    {
        using var factory = fixture.Factory();
        var document = (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/swagger/v1/swagger.json"))!;
        var schemas = document["components"]!["schemas"]!.AsObject();

        foreach (var name in new[] { "Top10TitleRequest", "ChurnFeaturesRequest", "RecommendationRequest" })
        {
            var properties = schemas[name]!["properties"]!.AsObject();
            Assert.All(properties, p => Assert.False(string.IsNullOrWhiteSpace(p.Value!["description"]?.GetValue<string>()), $"{name}.{p.Key}"));
            Assert.True(properties.Count(p => p.Value!["example"] is not null) >= properties.Count / 2, $"{name} examples");
        }

        Assert.Contains("1-10", schemas["Top10TitleRequest"]!["properties"]!["imdbRating"]!["description"]!.GetValue<string>());

        // A hybrid score of 12 puzzled: the text said only "comparable within one list". It now says what each model's is.
        var score = schemas["RecommendedTitle"]!["properties"]!["score"]!["description"]!.GetValue<string>();
        Assert.All(new[] { "hybrid, a weighted sum of the title's z-scores", "implicit-mf, the factor dot product", "popularity, how many subscribers" }, part => Assert.Contains(part, score, StringComparison.Ordinal));

        // The metrics records (leaderboard.json and leakage-report.json, defined in Features) are described too.
        foreach (var name in new[] { "TaskEntry", "CandidateEntry", "MetricStat", "LeakageReport", "LeakageTask", "AuditComparison", "AuditedFeature", "FlaggedFeature" })
        {
            var properties = schemas[name]!["properties"]!.AsObject().Where(p => p.Value!["$ref"] is null).ToList(); // OpenAPI 3.0 puts nothing beside a $ref
            Assert.NotEmpty(properties);
            Assert.All(properties, p => Assert.False(string.IsNullOrWhiteSpace(p.Value!["description"]?.GetValue<string>()), $"{name}.{p.Key}"));
        }

        Assert.Contains("no candidate was promoted", schemas["TaskEntry"]!["properties"]!["noChampion"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(7.4, schemas["Top10TitleRequest"]!["properties"]!["imdbRating"]!["example"]!.GetValue<double>());
    }

    [Fact]
    public async Task Prediction_endpoints_state_the_current_champion_and_change_when_it_is_reloaded()
    {
        var models = fixture.CopyModels();
        using var factory = fixture.Factory(models, null, ("Scoring:AdminApiKey", "test-key"), ("Scoring:WatchModels", "false"));
        var client = factory.CreateClient();
        var served = (await client.GetFromJsonAsync<JsonObject>("/api/models"))!["models"]!.AsArray().ToDictionary(m => m!["task"]!.GetValue<string>(), m => m!);

        var before = (await client.GetFromJsonAsync<JsonObject>("/swagger/v1/swagger.json"))!["paths"]!;
        string Description(JsonNode paths, string path, string method) => paths[path]![method]!["description"]!.GetValue<string>();

        foreach (var (path, method, task) in new[] { ("/api/top10/predictions", "post", "top10"), ("/api/top10/predictions/batch", "post", "top10"), ("/api/users/{userId}/churn", "get", "churn"), ("/api/churn/predictions", "post", "churn") })
        {
            var text = Description(before, path, method);
            var model = served[task];
            Assert.Contains($"`{model["name"]!.GetValue<string>()}`", text);
            Assert.Contains($"feature set '{model["featureSet"]!.GetValue<string>()}'", text);
            Assert.Contains("Test AUC " + F(model["test"]!["auc"]!), text);
            Assert.Contains("accuracy " + F(model["test"]!["accuracy"]!), text);
            Assert.Contains("majority-class baseline " + F(model["baseline"]!["accuracy"]!), text);
        }

        foreach (var (path, method) in new[] { ("/api/users/{userId}/recommendations", "get"), ("/api/recommendations", "post") })
        {
            var recommend = Description(before, path, method);
            Assert.Contains($"`{served["recommend"]["name"]!.GetValue<string>()}`", recommend);
            Assert.Contains("NDCG@10 " + F(served["recommend"]["test"]!["ndcgAtK"]!), recommend);
        }

        File.Copy(Path.Combine(models, "candidates", "top10-fasttree-prerelease.zip"), Path.Combine(models, "top10.zip"), overwrite: true);
        client.DefaultRequestHeaders.Add("X-Api-Key", "test-key");
        var reloaded = (await (await client.PostAsync("/api/models/reload", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        var after = (await client.GetFromJsonAsync<JsonObject>("/swagger/v1/swagger.json"))!["paths"]!;

        var newTop10 = reloaded["models"]!.AsArray().Single(m => m!["task"]!.GetValue<string>() == "top10")!;
        Assert.Contains("`top10-fasttree-prerelease`", Description(after, "/api/top10/predictions", "post"));
        Assert.Contains("Test AUC " + F(newTop10["test"]!["auc"]!), Description(after, "/api/top10/predictions", "post"));
        Assert.DoesNotContain($"`{served["top10"]["name"]!.GetValue<string>()}`", Description(after, "/api/top10/predictions", "post"));
        Assert.Equal(Description(before, "/api/churn/predictions", "post"), Description(after, "/api/churn/predictions", "post"));
    }

    [Fact]
    public async Task Swagger_ui_is_served_locally_with_no_external_assets()
    {
        using var factory = fixture.Factory();
        var client = factory.CreateClient();

        var page = await client.GetAsync("/swagger/index.html");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotMatch(ExternalAsset(), html);
        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            var response = await client.GetAsync(new Uri(new Uri("http://localhost/swagger/"), asset));
            Assert.True(response.IsSuccessStatusCode, $"{asset}: {(int)response.StatusCode}");
        }
    }

    private static string F(JsonNode value) => value.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture);

    private static string[] Codes(JsonObject paths, string path, string method) =>
        [.. paths[path]![method]!["responses"]!.AsObject().Select(r => r.Key).Order()];

    [GeneratedRegex("(src|href)=\"https?://", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalAsset();

    [GeneratedRegex("(?:src|href)=\"([^\"]+\\.(?:js|css))\"")]
    private static partial Regex AssetReference();
}
