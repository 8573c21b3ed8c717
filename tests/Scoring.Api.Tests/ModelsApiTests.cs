using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetflixML.Features.Storage;
using NetflixML.Scoring.Api.Configuration;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Health;
using NetflixML.Scoring.Api.Models;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>What is served and how good it is: /api/models, the leaderboard, the leakage audit, reload and health.</summary>
[Collection(ScoringCollection.Name)]
public sealed class ModelsApiTests(ScoringFixture fixture)
{
    [Fact]
    public async Task The_committed_models_are_served_with_their_identity_and_metrics()
    {
        using var factory = fixture.Factory();
        var leaderboard = JsonNode.Parse(File.ReadAllText(Path.Combine(ScoringFixture.RepositoryModels, "leaderboard.json")))!;

        var body = (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/api/models"))!;

        Assert.Empty(body["errors"]!.AsArray());
        var models = body["models"]!.AsArray().ToDictionary(m => m!["task"]!.GetValue<string>(), m => m!);
        Assert.Equal(["churn", "recommend", "top10"], models.Keys.Order());
        foreach (var (task, model) in models)
        {
            var file = Path.Combine(ScoringFixture.RepositoryModels, task + ".zip");
            var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
            Assert.Equal(sha, model["sha256"]!.GetValue<string>());
            Assert.Equal(sha[..12], model["version"]!.GetValue<string>());
            var entry = leaderboard["tasks"]!.AsArray().Single(t => t!["task"]!.GetValue<string>() == task)!;
            Assert.Equal(entry["champion"]!.GetValue<string>(), model["name"]!.GetValue<string>());
            var candidate = entry["candidates"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == entry["champion"]!.GetValue<string>())!;
            Assert.Equal(candidate["featureSet"]!.GetValue<string>(), model["featureSet"]!.GetValue<string>());
            Assert.NotEmpty(model["features"]!.AsArray());
            Assert.True(model["loadedAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-5));
            if (task == "recommend")
            {
                Assert.Equal(candidate["test"]!["ndcgAtK"]!.GetValue<double>(), model["test"]!["ndcgAtK"]!.GetValue<double>(), 9);
                Assert.True(model["baseline"]!["ndcgAtK"]!.GetValue<double>() > 0);
            }
            else
            {
                Assert.Equal(candidate["test"]!["auc"]!.GetValue<double>(), model["test"]!["auc"]!.GetValue<double>(), 9);
                Assert.Equal(candidate["cv"]!["auc"]!["mean"]!.GetValue<double>(), model["cv"]!["auc"]!.GetValue<double>(), 9);
                Assert.Equal(candidate["baseline"]!["accuracy"]!.GetValue<double>(), model["baseline"]!["accuracy"]!.GetValue<double>(), 9);
                Assert.InRange(model["threshold"]!.GetValue<double>(), 0.01, 0.99);
                Assert.DoesNotContain(model["features"]!.AsArray(), f => f!["availability"]!.GetValue<string>() == "PostOutcome");
            }
        }
    }

    [Fact]
    public async Task Leaderboard_and_leakage_report_are_served_as_written()
    {
        using var factory = fixture.Factory();
        var client = factory.CreateClient();
        var onDisk = JsonNode.Parse(File.ReadAllText(Path.Combine(ScoringFixture.RepositoryModels, "leaderboard.json")))!;

        foreach (var task in new[] { "top10", "churn", "recommend" })
        {
            var served = (await client.GetFromJsonAsync<JsonObject>($"/api/models/{task}/leaderboard"))!;
            var written = onDisk["tasks"]!.AsArray().Single(t => t!["task"]!.GetValue<string>() == task)!;
            Assert.Equal(written["champion"]!.GetValue<string>(), served["champion"]!.GetValue<string>());
            Assert.Equal(
                written["candidates"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()),
                served["candidates"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        }

        var leakage = (await client.GetFromJsonAsync<JsonObject>("/api/models/leakage"))!.ToJsonString();
        Assert.Contains("cumulative_weeks_in_top_10", leakage);
        Assert.Contains("sessions_after_snapshot", leakage);
    }

    [Fact]
    public async Task Missing_reports_are_503_with_the_command()
    {
        var models = fixture.CopyModels();
        File.Delete(Path.Combine(models, "leaderboard.json"));
        File.Delete(Path.Combine(models, "leakage-report.json"));
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();

        var leaderboard = await client.GetAsync("/api/models/top10/leaderboard");
        var leakage = await client.GetAsync("/api/models/leakage");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, leaderboard.StatusCode);
        Assert.Equal("dotnet run --project Training -- train", (await leaderboard.Content.ReadFromJsonAsync<JsonObject>())!["command"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, leakage.StatusCode);
        Assert.Equal("dotnet run --project Training -- leakage", (await leakage.Content.ReadFromJsonAsync<JsonObject>())!["command"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_task_the_last_training_skipped_is_404_with_the_reason()
    {
        var models = fixture.CopyModelsWithSkippedTask("recommend", "The database has no watch events.");
        using var factory = fixture.Factory(models);

        var response = await factory.CreateClient().GetAsync("/api/models/recommend/leaderboard");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(
            "No task 'recommend' in the leaderboard (it has top10, churn). The last training skipped it: The database has no watch events.",
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reload_is_off_without_a_configured_key()
    {
        using var factory = fixture.Factory();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "anything");

        var response = await client.PostAsync("/api/models/reload", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Scoring:AdminApiKey", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("test-key ")]
    public async Task Reload_without_the_right_key_is_401(string? key)
    {
        using var factory = fixture.Factory(settings: ("Scoring:AdminApiKey", "test-key"));
        var client = factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        var response = await client.PostAsync("/api/models/reload", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Reload_with_the_key_loads_what_is_on_disk_now()
    {
        var models = fixture.CopyModels();
        using var factory = fixture.Factory(models, null, ("Scoring:AdminApiKey", "test-key"), ("Scoring:WatchModels", "false"));
        var client = factory.CreateClient();
        var before = (await client.GetFromJsonAsync<JsonObject>("/api/models"))!;
        File.Copy(Path.Combine(models, "candidates", "top10-logisticregression-prerelease.zip"), Path.Combine(models, "top10.zip"), overwrite: true);
        var unchanged = (await client.GetFromJsonAsync<JsonObject>("/api/models"))!;
        client.DefaultRequestHeaders.Add("X-Api-Key", "test-key");

        var response = await client.PostAsync("/api/models/reload", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(Name(before, "top10"), Name(unchanged, "top10"));
        Assert.Equal("top10-logisticregression-prerelease", Name(after, "top10"));
        Assert.Equal(Name(before, "churn"), Name(after, "churn"));
        Assert.Equal(before["generation"]!.GetValue<long>() + 1, after["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Ready_is_503_while_the_database_warm_up_runs_and_healthy_once_it_is_done()
    {
        // The served factory has warm-up off; a warm-up of its own database, built but not started, is running
        // from its creation on, as the host's is from start-up.
        using var api = fixture.Factory();
        var services = api.Services;
        var database = services.GetRequiredService<ScoringDatabase>();
        using var warmUp = new DatabaseWarmUp(database, services.GetRequiredService<ModelRegistry>(), Options.Create(new ScoringOptions { WarmUpDatabase = true }), NullLogger<DatabaseWarmUp>.Instance);
        var check = new ModelsReadyCheck(services.GetRequiredService<ModelRegistry>(), database, warmUp);

        var warming = await check.CheckHealthAsync(new HealthCheckContext());
        await warmUp.StartAsync(CancellationToken.None);
        await warmUp.ExecuteTask!;
        var warm = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, warming.Status);
        Assert.Matches(@"^Warming up \(\d+\.\d s so far\): loading .+netflix\.db into memory and computing churn features, which a by-id request would wait for\.$", warming.Description);
        Assert.Null(warmUp.Warming);
        Assert.Equal(HealthStatus.Healthy, warm.Status);
        Assert.Equal("Every champion is loaded.", warm.Description);
    }

    [Fact]
    public async Task Health_live_is_the_process_and_ready_is_every_champion()
    {
        using var full = fixture.Factory();
        using var empty = fixture.Factory(Path.Combine(fixture.Root, "empty-models"));

        var fullLive = await full.CreateClient().GetAsync("/health/live");
        var fullReady = await full.CreateClient().GetAsync("/health/ready");
        var emptyLive = await empty.CreateClient().GetAsync("/health/live");
        var emptyReady = await empty.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, fullLive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fullReady.StatusCode);
        Assert.Equal("Healthy", (await fullReady.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, emptyLive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, emptyReady.StatusCode);
        var text = await emptyReady.Content.ReadAsStringAsync();
        Assert.Contains("top10", text);
        Assert.Contains("recommend", text);
    }

    [Fact]
    public async Task Ready_is_degraded_naming_the_task_when_the_last_training_skipped_it_or_promoted_none_and_503_when_a_champion_is_just_missing()
    {
        // Trained on data without titles, the API was never ready (503), so a load balancer sent churn and recommend
        // no traffic, and the top10 503 told the operator to train what the data cannot support.
        var skipped = fixture.CopyModelsWithSkippedTask("top10", "No titles in /data/netflix.db.");
        var noChampion = fixture.CopyModelsWithNoChampion("churn", "No deployable candidate beats chance.");
        File.Delete(Path.Combine(noChampion, "churn.zip"));
        var justMissing = fixture.CopyModels();
        File.Delete(Path.Combine(justMissing, "churn.zip"));
        using var skippedApi = fixture.Factory(skipped);
        using var noChampionApi = fixture.Factory(noChampion);
        using var justMissingApi = fixture.Factory(justMissing);

        var top10 = await skippedApi.CreateClient().PostAsJsonAsync("/api/top10/predictions", new { title = "x" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, top10.StatusCode);
        Assert.Equal($"No top10 model is loaded from {skipped}. The last training skipped it: No titles in /data/netflix.db.", (await top10.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        Assert.Equal(
            ("Degraded", "Not served: top10 (The last training skipped it: No titles in /data/netflix.db.) Its endpoints answer 503 with that reason; the other tasks answer."),
            await Ready(skippedApi, HttpStatusCode.OK));
        Assert.Equal(
            ("Degraded", "Not served: churn (The last training promoted none: No deployable candidate beats chance.) Its endpoints answer 503 with that reason; the other tasks answer."),
            await Ready(noChampionApi, HttpStatusCode.OK));
        Assert.Equal(("Unhealthy", "Not loaded: churn (run `dotnet run --project Training`)."), await Ready(justMissingApi, HttpStatusCode.ServiceUnavailable));
        // The load error the dashboard shows on the task's card gives the same reason, not "run training to create it".
        var error = (await skippedApi.CreateClient().GetFromJsonAsync<JsonObject>("/api/models"))!["errors"]!.AsArray().Single()!;
        Assert.Equal("no such file: The last training skipped it: No titles in /data/netflix.db.", error["reason"]!.GetValue<string>());

        static async Task<(string Status, string Description)> Ready(ScoringFactory api, HttpStatusCode expected)
        {
            var response = await api.CreateClient().GetAsync("/health/ready");
            Assert.Equal(expected, response.StatusCode);
            var check = (await response.Content.ReadFromJsonAsync<JsonObject>())!["checks"]!.AsArray().Single()!;
            return (check["status"]!.GetValue<string>(), check["description"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Ready_is_degraded_with_the_reason_when_the_database_is_missing_or_lacks_a_column()
    {
        // Both used to be "Healthy" while every by-id request was a 503; the second 503 gave SQLite's "no such column".
        var older = Path.Combine(fixture.Root, "older-schema.db");
        File.Copy(fixture.Database, older, overwrite: true);
        using (var db = SqliteDatabase.Open(older, pooling: false))
        {
            db.Execute("ALTER TABLE gold_users DROP COLUMN country");
        }

        var missing = Path.Combine(fixture.Root, "no-such.db");
        using var olderApi = fixture.Factory(database: older);
        using var missingApi = fixture.Factory(database: missing);
        var user = fixture.Strings("SELECT user_id FROM gold_users ORDER BY user_id LIMIT 1")[0];
        var olderClient = olderApi.CreateClient();

        var churn = await olderClient.GetAsync($"/api/users/{user}/churn");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, churn.StatusCode);
        var refusal = $"Database '{older}' cannot be read: it lacks gold_users.country, so another version of ingest built it or it was changed since. Build it with `dotnet run --project Training -- ingest --raw DIR --db {older}`.";
        Assert.Equal(refusal, (await churn.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await olderClient.PostAsJsonAsync("/api/churn/predictions", new { tenureDays = 120 })).StatusCode);
        foreach (var (client, reason) in new[]
        {
            (olderClient, $"{refusal} The by-id endpoints answer 503 (`dotnet run --project Training` builds it); payload predictions work."),
            (missingApi.CreateClient(), $"The database {missing} does not exist, so subscribers and titles cannot be looked up. The by-id endpoints answer 503 (`dotnet run --project Training` builds it); payload predictions work."),
        })
        {
            var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode); // every model is loaded, and payload predictions work
            var health = (await ready.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("Degraded", health["status"]!.GetValue<string>());
            Assert.Equal(reason, health["checks"]![0]!["description"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_database_holding_a_value_ingest_never_writes_is_a_503_for_lookups_and_the_api_stays_up()
    {
        // A title with no name stopped the whole API at start-up: the warm-up's reader threw, and the host stops when
        // a background service does.
        var edited = fixture.CopyDatabase();
        ScoringFixture.Query(edited, "UPDATE gold_movies SET title = NULL WHERE movie_id = (SELECT MIN(movie_id) FROM gold_movies)");
        using var api = fixture.Factory(null, edited, ("Scoring:WarmUpDatabase", "true"));
        var client = api.CreateClient();
        var warmUp = api.Services.GetRequiredService<DatabaseWarmUp>();
        Assert.True(await ScoringFixture.Eventually(() => Task.FromResult(warmUp.Warming is null), TimeSpan.FromSeconds(30)));
        var user = fixture.Strings("SELECT user_id FROM gold_users ORDER BY user_id LIMIT 1")[0];

        var churn = await client.GetAsync($"/api/users/{user}/churn");
        var payload = await client.PostAsJsonAsync("/api/churn/predictions", new { tenureDays = 120 });
        var ready = (await client.GetFromJsonAsync<JsonObject>("/health/ready"))!;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, churn.StatusCode);
        var detail = (await churn.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>();
        Assert.StartsWith($"The database {edited} cannot be read: a value is not what ingest writes (The data is NULL at ordinal 1.", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, payload.StatusCode);
        Assert.Equal("Degraded", ready["status"]!.GetValue<string>());
        Assert.StartsWith(detail, ready["checks"]![0]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_that_cannot_be_read_is_named_as_such_not_as_missing()
    {
        // Both endpoints said "No leaderboard.json in <folder>" beside a truncated file.
        var models = fixture.CopyModels();
        File.WriteAllText(Path.Combine(models, "leaderboard.json"), "{\"tasks\":[{\"task\":\"top10\"");
        File.WriteAllText(Path.Combine(models, "leakage-report.json"), "garbage");
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();

        foreach (var (path, file, command) in new[]
        {
            ("/api/models/top10/leaderboard", "leaderboard.json", "train"),
            ("/api/models/leakage", "leakage-report.json", "leakage"),
        })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.StartsWith($"{file} in {models} cannot be read: not a valid report: ", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.EndsWith($"Running `dotnet run --project Training -- {command}` writes it again.", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal($"dotnet run --project Training -- {command}", problem["command"]!.GetValue<string>());
        }

        var missing = fixture.CopyModels();
        File.Delete(Path.Combine(missing, "leakage-report.json"));
        using var without = fixture.Factory(missing);
        var absent = (await (await without.CreateClient().GetAsync("/api/models/leakage")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"No leakage-report.json in {missing}.", absent["detail"]!.GetValue<string>());
    }

    internal static string Name(JsonObject models, string task) =>
        models["models"]!.AsArray().Single(m => m!["task"]!.GetValue<string>() == task)!["name"]!.GetValue<string>();
}
