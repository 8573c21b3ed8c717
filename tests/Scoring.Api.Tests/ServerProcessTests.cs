using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>The real server process on a loopback port, configured the way an operator would configure it.</summary>
[Collection(ScoringCollection.Name)]
public sealed class ServerProcessTests(ScoringFixture fixture)
{
    [Fact]
    public async Task The_built_server_serves_the_repository_models_by_default_over_real_http()
    {
        // Models from the defaults (the repository's models/); the database and the admin key from environment variables.
        await using var server = await ApiServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Scoring__Database"] = fixture.Database,
            ["Scoring__AdminApiKey"] = "process-key",
        });
        Assert.Equal("127.0.0.1", server.Address.Host);
        Assert.NotEqual(0, server.Address.Port);
        using var client = new HttpClient { BaseAddress = server.Address };

        // Not ready while the database is loaded into memory in the background after start-up; then ready.
        var warming = new List<string>();
        var ready = await ScoringFixture.Eventually(
            async () =>
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    warming.Add(await response.Content.ReadAsStringAsync());
                }

                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(30));
        var models = (await client.GetFromJsonAsync<JsonObject>("/api/models"))!;
        var user = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id ORDER BY user_id LIMIT 1")[0];
        var recommendations = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations?count=3"))!;
        var top10 = await client.PostAsJsonAsync("/api/top10/predictions", new { title = "over the wire", runtimeMinutes = 95 });
        var malformed = await client.PostAsync("/api/top10/predictions", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        var dashboard = await client.GetAsync("/");
        client.DefaultRequestHeaders.Add("X-Api-Key", "process-key");
        var reload = await client.PostAsync("/api/models/reload", null);

        Assert.True(ready, string.Join("\n", warming));
        Assert.All(warming, w => Assert.Contains("\"description\":\"Warming up (", w, StringComparison.Ordinal));
        Assert.Equal(3, models["models"]!.AsArray().Count);
        Assert.All(models["models"]!.AsArray(), m => Assert.Equal(Path.GetFullPath(ScoringFixture.RepositoryModels), Path.GetDirectoryName(m!["file"]!.GetValue<string>())));
        Assert.Equal(3, recommendations["titles"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, top10.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.DoesNotContain(".cs:line", await malformed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);

        // The dashboard is served from the build output.
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("NetflixML dashboard", await dashboard.Content.ReadAsStringAsync());

        // Production logs are JSON lines; the database was loaded in the background after start-up.
        Assert.True(await ScoringFixture.Eventually(() => Task.FromResult(server.Output.Contains("churn features computed", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)), server.Output);
        var warmUp = server.Output.Split('\n').First(l => l.Contains("churn features computed", StringComparison.Ordinal));
        var entry = JsonNode.Parse(warmUp)!;
        Assert.Equal("info", entry["level"]!.GetValue<string>());
        Assert.Equal(fixture.Database, entry["Path"]!.GetValue<string>());
        // The churn model names its snapshot, so the warm-up's load computed its churn features while reading the rest.
        Assert.Equal("beside the read", entry["When"]!.GetValue<string>());
        Assert.Matches(@"^Database .+ loaded \(\d+ titles, churn features computed\) in \d+ ms: read in \d+ ms, churn features at \d{4}-\d{2}-\d{2} computed beside the read$", entry["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(new[] { "MaxBatchSize", "0", "Database", " ", "LogFormat", "xml" }, new[] { "error: Scoring:Database is ' '; it must name the database file.", "error: Scoring:MaxBatchSize is 0; it must be at least 1.", "error: Scoring:LogFormat is 'xml'; it must be json or console." })]
    [InlineData(new[] { "MaxRequestBodyBytes", "-1" }, new[] { "error: Scoring:MaxRequestBodyBytes is -1; it must be at least 1." })]
    [InlineData(new[] { "MaxRequestBodyBytes", "lots" }, new[] { "error: Scoring:MaxRequestBodyBytes must be a whole number; got 'lots'." })]
    [InlineData(new[] { "Database", "/" }, new[] { "error: Scoring:Database is '/', a folder; it must name the database file." })]
    public async Task A_bad_setting_stops_the_server_at_start_up_naming_the_setting_and_its_value(string[] settings, string[] lines)
    {
        // MaxRequestBodyBytes=-1 crashed with a stack trace; MaxBatchSize=0 refused every batch; an empty Database became
        // the content root; LogFormat=xml was JSON without a word.
        var environment = settings.Chunk(2).ToDictionary(s => "Scoring__" + s[0], s => s[1]);

        var (code, output) = await ApiServerProcess.RunUntilExitAsync(environment);

        Assert.Equal(2, code);
        Assert.Equal(lines, output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("notaurl", "it is not an address")]
    [InlineData("http://127.0.0.1:abc", "the port 'abc' is not a number")] // was port 80 on every interface
    [InlineData("ftp://127.0.0.1:5080", "the scheme must be http or https, not 'ftp'")]
    [InlineData("http://127.0.0.1:99999", "the port 99999 is outside 0-65535")]
    [InlineData("http://127.0.0.1:5080/api", "an address to listen on has no path ('/api')")]
    public async Task An_address_that_cannot_be_listened_on_stops_the_server_with_exit_2_naming_it(string urls, string problem)
    {
        // Each crashed with an unhandled exception and Kestrel's stack trace (exit 134), but the second, which listened.
        var (code, output) = await ApiServerProcess.RunUntilExitAsync(new Dictionary<string, string>(), urls);

        Assert.Equal(2, code);
        Assert.Equal($"error: --urls '{urls}' cannot be listened on: {problem}; give an address such as http://localhost:5080 (several separated by ';').", output.Trim());
    }

    [Fact]
    public async Task An_address_in_use_stops_the_server_with_exit_1_and_one_line_saying_so()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var urls = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (code, output) = await ApiServerProcess.RunUntilExitAsync(new Dictionary<string, string>(), urls);

        Assert.Equal(1, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Standard error's line and the host's JSON log line on standard output arrive in either order.
        Assert.Contains($"error: cannot listen on {urls}: the address is already in use (is another copy of the API running?); stop that process, or give another address such as --urls http://localhost:5080.", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Unhandled exception", StringComparison.Ordinal) || l.StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_get_endpoint_answers_head_with_the_same_status_and_type_and_no_body_over_real_http()
    {
        // HEAD was 405 on every API endpoint, so uptime monitors and link checkers that probe with HEAD saw it broken.
        await using var server = await ApiServerProcess.StartAsync(new Dictionary<string, string> { ["Scoring__Database"] = fixture.Database });
        using var client = new HttpClient { BaseAddress = server.Address };
        var user = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id ORDER BY user_id LIMIT 1")[0];
        var title = fixture.Strings("SELECT movie_id FROM gold_movies ORDER BY movie_id LIMIT 1")[0];
        var swagger = (await client.GetFromJsonAsync<JsonObject>("/swagger/v1/swagger.json"))!;
        var paths = swagger["paths"]!.AsObject()
            .Where(p => p.Value!.AsObject().ContainsKey("get"))
            .Select(p => p.Key.Replace("{userId}", user, StringComparison.Ordinal).Replace("{titleId}", title, StringComparison.Ordinal).Replace("{task}", "churn", StringComparison.Ordinal))
            .Concat(["/", "/api/titles/no-such-title/similar", "/api/models?cuont=1", "/api/users/" + user + "/recommendations?count=abc"])
            .ToList();
        Assert.True(paths.Count > 20, string.Join(", ", paths));

        foreach (var path in paths)
        {
            using var get = await client.GetAsync(path);
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.True(get.StatusCode == head.StatusCode, $"HEAD {path}: {head.StatusCode}, GET: {get.StatusCode}");
            Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        }

        // Over the wire: the headers and nothing after them (HttpClient would not read a body a HEAD response sent).
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes("HEAD /api/models HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var raw = await new StreamReader(stream, System.Text.Encoding.ASCII).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", raw, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", raw, StringComparison.Ordinal);
        Assert.Single(raw.Split("\r\n\r\n"), part => part.Length > 0);
    }

    [Fact]
    public async Task Each_prediction_is_logged_with_model_version_and_latency_and_no_subscriber_id()
    {
        using var factory = fixture.Factory();
        var client = factory.CreateClient();
        var user = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id ORDER BY user_id LIMIT 1 OFFSET 7")[0];
        var versions = (await client.GetFromJsonAsync<JsonObject>("/api/models"))!["models"]!.AsArray()
            .ToDictionary(m => m!["task"]!.GetValue<string>(), m => m!["version"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{user}/churn")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{user}/recommendations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/top10/predictions", new { title = "Secret Project" })).StatusCode);

        var predictions = factory.Log.Entries.Where(e => e.Message.StartsWith("Prediction ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, predictions.Count);
        Assert.All(predictions, p => Assert.Equal(LogLevel.Information, p.Level));
        Assert.Contains(predictions, p => p.Message.Contains("churn-user", StringComparison.Ordinal) && p.Message.Contains(versions["churn"], StringComparison.Ordinal));
        Assert.Contains(predictions, p => p.Message.Contains("recommendations", StringComparison.Ordinal) && p.Message.Contains(versions["recommend"], StringComparison.Ordinal));
        Assert.Contains(predictions, p => p.Message.Contains("top10", StringComparison.Ordinal) && p.Message.Contains(versions["top10"], StringComparison.Ordinal));
        Assert.All(predictions, p => Assert.Matches(@"\d+\.\d\d ms", p.Message));
        Assert.DoesNotContain(factory.Log.Entries, e => e.Message.Contains(user, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Log.Entries, e => e.Message.Contains("Secret Project", StringComparison.Ordinal));
    }
}
