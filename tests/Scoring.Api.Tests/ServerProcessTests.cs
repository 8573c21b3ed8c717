using System.Diagnostics;
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
        var apiDirectory = ApiOutputDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = apiDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(apiDirectory, "NetflixML.Scoring.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");

        // Models from the defaults (the repository's models/); the database from an environment variable.
        start.Environment["Scoring__Database"] = fixture.Database;
        start.Environment["Scoring__AdminApiKey"] = "process-key";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            const string marker = "Now listening on: ";
            var at = e.Data.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(e.Data[(at + marker.Length)..].Split('"')[0].Trim()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var finished = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(finished == listening.Task, "the server did not start:\n" + output);
            var address = await listening.Task;
            Assert.Equal("127.0.0.1", address.Host);
            Assert.NotEqual(0, address.Port);
            using var client = new HttpClient { BaseAddress = address };

            var ready = await client.GetAsync("/health/ready");
            var models = (await client.GetFromJsonAsync<JsonObject>("/api/models"))!;
            var user = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id ORDER BY user_id LIMIT 1")[0];
            var recommendations = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations?count=3"))!;
            var top10 = await client.PostAsJsonAsync("/api/top10/predictions", new { title = "over the wire", runtimeMinutes = 95 });
            var malformed = await client.PostAsync("/api/top10/predictions", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
            client.DefaultRequestHeaders.Add("X-Api-Key", "process-key");
            var reload = await client.PostAsync("/api/models/reload", null);

            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal(3, models["models"]!.AsArray().Count);
            Assert.All(models["models"]!.AsArray(), m => Assert.Equal(Path.GetFullPath(ScoringFixture.RepositoryModels), Path.GetDirectoryName(m!["file"]!.GetValue<string>())));
            Assert.Equal(3, recommendations["titles"]!.AsArray().Count);
            Assert.Equal(HttpStatusCode.OK, top10.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.DoesNotContain(".cs:line", await malformed.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);

            // Production logs are JSON lines; the database was loaded in the background after start-up.
            string Log()
            {
                lock (output)
                {
                    return output.ToString();
                }
            }

            Assert.True(await ScoringFixture.Eventually(() => Task.FromResult(Log().Contains("churn features computed", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)), Log());
            var warmUp = Log().Split('\n').First(l => l.Contains("churn features computed", StringComparison.Ordinal));
            var entry = JsonNode.Parse(warmUp)!;
            Assert.Equal("info", entry["level"]!.GetValue<string>());
            Assert.Equal(fixture.Database, entry["Path"]!.GetValue<string>());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
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

    private static string ApiOutputDirectory()
    {
        // tests/Scoring.Api.Tests/bin/<Configuration>/<tfm>/ -> Scoring.Api/bin/<Configuration>/<tfm>/
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = Path.GetDirectoryName(ScoringFixture.RepositoryModels)!;
        var directory = Path.Combine(root, "Scoring.Api", "bin", configuration, tfm);
        Assert.True(File.Exists(Path.Combine(directory, "NetflixML.Scoring.Api.dll")), $"the API is not built in {directory}");
        return directory;
    }
}
