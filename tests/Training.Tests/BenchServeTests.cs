using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using NetflixML.Features.Reporting;
using NetflixML.Features.Storage;
using NetflixML.Training.Bench;

namespace NetflixML.Training.Tests;

/// <summary>`bench serve` for a second per endpoint against trained models: it starts the API, measures, swaps models, and reports.</summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class BenchServeTests(TrainedModels trained)
{
    [Fact]
    public void Bench_serve_drives_every_endpoint_swaps_two_models_and_the_database_without_errors_and_counts_the_log()
    {
        var before = Directory.GetFiles(trained.Models, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        var database = (Bytes: File.ReadAllBytes(trained.Database), Stamp: File.GetLastWriteTimeUtc(trained.Database));
        // A training run writing the folder meanwhile holds its lock file, which cannot be read then, and moves files
        // out of its staging folder (here a link to nothing, as a file moved away mid-copy); the bench copies neither.
        using var training = ModelsFolderLock.Take(trained.Models);
        var staging = Path.Combine(trained.Models, StagedRun.Prefix + "bench");
        Directory.CreateDirectory(staging);
        File.CreateSymbolicLink(Path.Combine(staging, "top10.zip"), Path.Combine(staging, "moved-away.zip"));

        int code;
        string output, error;
        try
        {
            (code, output, error) = CliRunner.Run("bench", "serve", "--seconds", "1", "--rounds", "1", "--warmup", "0.2", "--connections", "4", "--db", trained.Database, "--models", trained.Models, "--json");
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }

        Assert.True(code == 0, error);
        var result = JsonNode.Parse(output)!;
        var endpoints = result["endpoints"]!.AsArray();
        Assert.Equal(
            ["GET /health/live", "POST /api/top10/predictions", "POST /api/top10/predictions/batch (100 titles)", "GET /api/users/{id}/churn", "POST /api/churn/predictions",
             "GET /api/users/{id}/recommendations", "GET /api/titles/{id}/similar", "GET /api/models"],
            endpoints.Select(e => e!["endpoint"]!.GetValue<string>()));
        Assert.All(endpoints, e =>
        {
            Assert.Equal(0, e!["errors"]!.GetValue<int>());
            Assert.True(e["requests"]!.GetValue<long>() > 0);
            Assert.True(e["requestsPerSecond"]!.GetValue<double>() > 0);
            Assert.InRange(e["p50Ms"]!.GetValue<double>(), 0, e["p99Ms"]!.GetValue<double>());
        });
        Assert.Equal(1.0, endpoints[0]!["relativeToLive"]!.GetValue<double>());

        var reloads = result["reloads"]!.AsArray();
        Assert.Equal(3, reloads.Count);
        Assert.All(reloads, r => Assert.NotEqual(r!["oldVersion"]!.GetValue<string>(), r["newVersion"]!.GetValue<string>()));
        Assert.All(reloads, r => Assert.True(r!["slowestMsInPhase"]!.GetValue<double>() > 0));
        Assert.Contains("file watcher", reloads[0]!["how"]!.GetValue<string>());
        Assert.Equal("GET /api/users/{id}/churn", reloads[1]!["during"]!.GetValue<string>());
        Assert.Equal($"a copy of {Path.GetFileName(trained.Database)} renamed over the served file (loaded in the background)", reloads[1]!["how"]!.GetValue<string>());
        Assert.Contains("POST /api/models/reload", reloads[2]!["how"]!.GetValue<string>());

        var startUp = result["startUp"]!;
        Assert.InRange(startUp["listeningSeconds"]!.GetValue<double>(), 0.01, startUp["firstAnswerSeconds"]!.GetValue<double>());
        Assert.InRange(startUp["firstAnswerSeconds"]!.GetValue<double>(), 0.01, startUp["readySeconds"]!.GetValue<double>());

        Assert.True(result["predictionRequests"]!.GetValue<long>() > 0);
        Assert.Equal(result["predictionRequests"]!.GetValue<long>(), result["predictionsLogged"]!.GetValue<long>());
        Assert.Contains(result["targets"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "errors (all endpoints, reloads included)" && t["met"]!.GetValue<bool>());

        // The swaps happened in copies: the models and the database the bench was pointed at are untouched.
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        Assert.Equal(database.Bytes, File.ReadAllBytes(trained.Database));
        Assert.Equal(database.Stamp, File.GetLastWriteTimeUtc(trained.Database));
    }

    [Fact]
    public void Bench_serve_on_a_database_without_watch_events_says_so_and_leaves_none_of_its_copies_behind()
    {
        var database = Path.Combine(trained.Folder.Path, $"no-watching-{Guid.NewGuid():N}.db");
        File.Copy(trained.Database, database);
        using (var db = SqliteDatabase.Open(database, pooling: false))
        {
            db.Execute("DELETE FROM gold_watch_events");
        }

        var copies = BenchCopies();

        var (code, _, error) = CliRunner.Run("bench", "serve", "--db", database, "--models", trained.Models);

        Assert.Equal(2, code);
        Assert.Contains("has no watch events to draw subscribers and titles from", error, StringComparison.Ordinal);
        Assert.Equal(copies, BenchCopies()); // the models and database copies it made were removed

        static string[] BenchCopies() => [.. Directory.GetDirectories(Path.GetTempPath(), "netflixml-bench-serve-*").Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void Bench_serve_without_a_database_says_what_to_run()
    {
        var (code, _, error) = CliRunner.Run("bench", "serve", "--db", Path.Combine(trained.Folder.Path, "missing.db"), "--models", trained.Models);

        Assert.Equal(2, code);
        Assert.Contains("missing.db", error);
        Assert.Contains("dotnet run --project Training", error);
    }

    [Fact]
    public async Task The_log_is_counted_from_its_first_line_even_when_the_dashboard_warm_up_logs_before_the_address()
    {
        // In CI the warm-up, now fast, logged before "Now listening on", when the bench had not yet begun counting; it
        // then waited a minute for a line already gone and failed.
        var output = new StringBuilder()
            .AppendLine("""{"message":"Database data/netflix.db loaded (400 titles, churn features computed) in 612 ms"}""")
            .AppendLine("""{"message":"Dashboard figures computed (6 of them) in 41 ms"}""")
            .AppendLine("""{"message":"Now listening on: http://127.0.0.1:40123","address":"http://127.0.0.1:40123"}""");
        for (var i = 0; i < 5000; i++)
        {
            // Enough to fill several 64 KiB reads, so some occurrences straddle two of them.
            output.AppendLine(i % 250 == 7 ? """{"message":"Database data/netflix.db changed: the new version is served"}""" : $$"""{"message":"Prediction top10 {{i}} answered"}""");
        }

        var log = new ServeBenchmark.LogCounts();
        var listening = new TaskCompletionSource<Uri>();

        await ServeBenchmark.ReadOutput(new StringReader(output.ToString()), log, new ConcurrentQueue<string>(), listening);

        Assert.Equal(new Uri("http://127.0.0.1:40123"), await listening.Task);
        Assert.Equal(1, log.DashboardWarmUps);
        Assert.Equal(20, log.DatabaseReloads);
        Assert.Equal(4980, log.PredictionLines);
    }
}
