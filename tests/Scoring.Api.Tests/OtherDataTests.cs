using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Storage;
using NetflixML.Features.Synthetic;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>
/// The recommendation model served beside a database of other data. Its subscribers and titles are those of the data
/// it was trained on; where the ids coincide (user_00001, movie_0467 in ours and in the real Netflix 2025 files) it
/// used to answer "matches your viewing" for subscribers who had watched nothing there, under unrelated titles' names.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class OtherDataTests(ScoringFixture fixture)
{
    [Fact]
    public async Task Beside_the_real_netflix_files_the_model_answers_for_no_subscriber_or_title_and_readiness_says_why()
    {
        // The committed models were trained on the default synthetic data; the real files use the same id formats.
        var database = fixture.RealNetflixDatabase;
        using var factory = fixture.Factory(database: database);
        var client = factory.CreateClient();
        var title = ScoringFixture.Query(database, "SELECT movie_id, title FROM gold_movies ORDER BY movie_id LIMIT 1")[0];

        foreach (var path in new[] { "/api/users/user_00001/recommendations", $"/api/titles/{title[0]}/similar" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            var detail = problem["detail"]!.GetValue<string>();
            Assert.StartsWith($"The recommendation model was trained on other data than {database} holds: of the 1000 titles both have, ", detail, StringComparison.Ordinal);
            Assert.Matches(@"(9\d\d) have other genres in the database \(movie_\d{4} is [A-Za-z, -]+ in the model and [A-Za-z, -]+ in the database\)", detail);
            Assert.False(problem.ContainsKey("command")); // training on these files cannot help: they have no watch history
        }

        // A viewer outside the database is still answered from the model alone, without the database's names.
        var viewer = (await (await client.PostAsJsonAsync("/api/recommendations", new { watched = new[] { title[0] }, count = 5 })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(5, viewer["titles"]!.AsArray().Count);
        Assert.All(viewer["titles"]!.AsArray(), t => Assert.Equal(t!["titleId"]!.GetValue<string>(), t["name"]!.GetValue<string>()));

        // Ready (every model is loaded, and payload predictions work) but degraded, with the reason.
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var health = (await ready.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Degraded", health["status"]!.GetValue<string>());
        Assert.StartsWith("The recommendation model was trained on other data", health["checks"]![0]!["description"]!.GetValue<string>(), StringComparison.Ordinal);

        // The model list says so beside the recommender, and only there.
        var models = (await client.GetFromJsonAsync<JsonObject>("/api/models"))!["models"]!.AsArray().ToDictionary(m => m!["task"]!.GetValue<string>(), m => m!["warning"]?.GetValue<string>());
        Assert.StartsWith("The recommendation model was trained on other data", models["recommend"], StringComparison.Ordinal);
        Assert.Null(models["top10"]);
        Assert.Null(models["churn"]);
    }

    [Fact]
    public async Task A_database_that_holds_none_of_the_models_titles_is_other_data_too()
    {
        var raw = Path.Combine(fixture.Root, "raw-other-ids");
        var database = Path.Combine(fixture.Root, "other-ids.db");
        SyntheticGenerator.Generate(raw, new GeneratorOptions(5, 0.02));
        Ingestor.Ingest(raw, database);
        using (var db = SqliteDatabase.Open(database, pooling: false))
        {
            db.Execute("UPDATE gold_movies SET movie_id = 'title-' || movie_id");
        }

        using var factory = fixture.Factory(database: database);
        var user = ScoringFixture.Query(database, "SELECT user_id FROM gold_users ORDER BY user_id LIMIT 1")[0][0];

        var response = await factory.CreateClient().GetAsync($"/api/users/{user}/recommendations");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("none of its 1000 titles is in the database.", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // This database has watch history, so training the recommender on it is the way out.
        Assert.Equal($"dotnet run --project Training -- train --task recommend --db {database}", problem["command"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_database_the_model_was_trained_on_is_served_as_before()
    {
        using var factory = fixture.Factory();
        var client = factory.CreateClient();
        var user = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id ORDER BY user_id LIMIT 1")[0];

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{user}/recommendations")).StatusCode);
        var health = (await client.GetFromJsonAsync<JsonObject>("/health/ready"))!;
        Assert.Equal("Healthy", health["status"]!.GetValue<string>());
        Assert.All((await client.GetFromJsonAsync<JsonObject>("/api/models"))!["models"]!.AsArray(), m => Assert.Null(m!["warning"]));
    }
}
