using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetflixML.Features.Reporting;
using NetflixML.Scoring.Api.Configuration;
using NetflixML.Scoring.Api.Data;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>
/// A retrain changes files in models/ while requests run: the watcher picks the change up, the new model is swapped in
/// without a failed request, and a file that does not load leaves the old model serving and says why.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class HotReloadTests(ScoringFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_server_keeps_full_collections_in_the_background_while_a_new_database_loads()
    {
        // bench serve at generate --scale 10: the slowest churn look-up during a database swap, when the runtime makes
        // a full collection blocking, was 378-489 ms without this mode and 229-325 ms with it (Program has the runs).
        // Program sets the mode before building the host.
        using var factory = fixture.Factory();
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/health/live")).StatusCode);

        Assert.Equal(System.Runtime.GCLatencyMode.SustainedLowLatency, System.Runtime.GCSettings.LatencyMode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Replacing_a_model_while_requests_run_fails_none_and_serves_the_new_version(bool atomicRename)
    {
        var models = fixture.CopyModels();
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();
        var user = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id ORDER BY user_id LIMIT 1")[0];
        var oldVersion = await Version(client, "top10");
        var replacement = Path.Combine(models, "candidates", "top10-fasttree-prerelease.zip");
        var newVersion = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(replacement)))[..12];
        Assert.NotEqual(oldVersion, newVersion);

        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var versionsSeen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var counts = new int[1];
        async Task Drive(int worker)
        {
            while (!stop.IsCancellationRequested)
            {
                HttpResponseMessage response = (worker % 3) switch
                {
                    0 => await client.PostAsJsonAsync("/api/top10/predictions", new { title = "x", runtimeMinutes = 100, genres = new[] { "Drama" } }),
                    1 => await client.GetAsync($"/api/users/{user}/recommendations?count=5"),
                    _ => await client.PostAsJsonAsync("/api/top10/predictions/batch", new { titles = new[] { new { title = "a" }, new { title = "b" } } }),
                };
                Interlocked.Increment(ref counts[0]);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                else if (worker % 3 == 0)
                {
                    var version = (await response.Content.ReadFromJsonAsync<JsonObject>())!["model"]!["version"]!.GetValue<string>();
                    versionsSeen.AddOrUpdate(version, 1, (_, n) => n + 1);
                }
            }
        }

        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(() => Drive(w))).ToList();
        await Task.Delay(300);
        if (atomicRename)
        {
            // What `train` does: write beside, then rename over.
            var temporary = Path.Combine(models, "top10.zip.partial");
            File.Copy(replacement, temporary);
            File.Move(temporary, Path.Combine(models, "top10.zip"), overwrite: true);
        }
        else
        {
            // What an operator's cp does: rewrite the file in place, in pieces.
            var bytes = File.ReadAllBytes(replacement);
            await using (var target = new FileStream(Path.Combine(models, "top10.zip"), FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
            {
                for (var offset = 0; offset < bytes.Length; offset += 32_768)
                {
                    await target.WriteAsync(bytes.AsMemory(offset, Math.Min(32_768, bytes.Length - offset)));
                    await target.FlushAsync();
                    await Task.Delay(20);
                }
            }
        }

        var switched = await ScoringFixture.Eventually(async () => await Version(client, "top10") == newVersion, Patience);
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.True(switched, "the new model was not picked up");
        Assert.Empty(failures);
        Assert.True(counts[0] > 50, $"only {counts[0]} requests ran");
        Assert.Subset(new HashSet<string> { oldVersion, newVersion }, versionsSeen.Keys.ToHashSet());
        Assert.True(versionsSeen.ContainsKey(newVersion), "requests after the swap used the new model");
        var last = (await (await client.PostAsJsonAsync("/api/top10/predictions", new { title = "after" })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(newVersion, last["model"]!["version"]!.GetValue<string>());
        Assert.Equal("top10-fasttree-prerelease", last["model"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_training_runs_files_are_swapped_in_together_when_the_run_releases_the_folder()
    {
        // The watcher reloaded 500 ms after each file, so mid-run the API served a new champion beside the last
        // run's leaderboard. While `train` holds models/.lock it now waits for the run to end.
        var models = fixture.CopyModels();
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();
        var oldVersion = await Version(client, "top10");
        var replacement = Path.Combine(models, "candidates", "top10-fasttree-prerelease.zip");
        var newVersion = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(replacement)))[..12];

        using (ModelsFolderLock.Take(models))
        {
            File.Copy(replacement, Path.Combine(models, "top10.zip.partial"));
            File.Move(Path.Combine(models, "top10.zip.partial"), Path.Combine(models, "top10.zip"), overwrite: true);
            await Task.Delay(2_000); // four times the watcher's quiet time
            Assert.Equal(oldVersion, await Version(client, "top10"));
        }

        Assert.True(await ScoringFixture.Eventually(async () => await Version(client, "top10") == newVersion, Patience), "the run's model was not picked up when it ended");
        // Said once for the run, not at every check while waiting.
        Assert.Single(factory.Log.Entries, e => e.Message.Contains("while a training run holds its lock", StringComparison.Ordinal));
    }

    public static TheoryData<string> Corruptions => ["garbage", "truncated", "hash-mismatch", "future-format", "wrong-task", "bad-history"];

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task A_model_file_that_does_not_load_leaves_the_old_model_serving_and_says_why(string corruption)
    {
        var models = fixture.CopyModels();
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();
        var oldVersion = await Version(client, "top10");
        var path = Path.Combine(models, "top10.zip");
        var bytes = Corrupt(corruption, File.ReadAllBytes(path), File.ReadAllBytes(Path.Combine(models, "churn.zip")));
        var temporary = path + ".partial";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);

        var noticed = await ScoringFixture.Eventually(async () => (await client.GetFromJsonAsync<JsonObject>("/api/models"))!["errors"]!.AsArray().Count > 0, Patience);

        Assert.True(noticed, "the failed load is not reported in /api/models");
        var listing = (await client.GetFromJsonAsync<JsonObject>("/api/models"))!;
        var error = listing["errors"]!.AsArray().Single()!;
        Assert.Equal("top10", error["task"]!.GetValue<string>());
        Assert.Equal(path, error["file"]!.GetValue<string>());
        Assert.Contains(Expected(corruption), error["reason"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(oldVersion, await Version(client, "top10"));
        var prediction = await client.PostAsJsonAsync("/api/top10/predictions", new { title = "still served" });
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        Assert.Equal(oldVersion, (await prediction.Content.ReadFromJsonAsync<JsonObject>())!["model"]!["version"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Contains(factory.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Could not load top10", StringComparison.Ordinal) && e.Message.Contains("previous model keeps serving", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_retrain_that_fixes_the_file_clears_the_error()
    {
        var models = fixture.CopyModels();
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();
        var path = Path.Combine(models, "top10.zip");
        var good = File.ReadAllBytes(path);
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.True(await ScoringFixture.Eventually(async () => (await client.GetFromJsonAsync<JsonObject>("/api/models"))!["errors"]!.AsArray().Count == 1, Patience));

        File.WriteAllBytes(path, good);

        Assert.True(await ScoringFixture.Eventually(async () => (await client.GetFromJsonAsync<JsonObject>("/api/models"))!["errors"]!.AsArray().Count == 0, Patience));
    }

    [Fact]
    public async Task A_models_folder_created_after_start_up_or_removed_and_created_again_is_watched_and_loaded()
    {
        // A folder missing at start-up was never watched: the first `train --models` into it served nothing until a
        // restart. A removed folder's watcher saw nothing of the folder created in its place.
        var models = Path.Combine(fixture.Root, "models-later-" + Guid.NewGuid().ToString("N")[..8]);
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();
        Assert.Empty((await client.GetFromJsonAsync<JsonObject>("/api/models"))!["models"]!.AsArray());

        Directory.Move(fixture.CopyModels(), models);

        Assert.True(await ScoringFixture.Eventually(async () => (await client.GetFromJsonAsync<JsonObject>("/api/models"))!["models"]!.AsArray().Count == 3, Patience), "the new folder's models were not loaded");
        Assert.Contains(factory.Log.Entries, e => e.Message == $"Models folder {models} now exists; watching it and loading its models");

        var replacement = File.ReadAllBytes(Path.Combine(models, "candidates", "top10-fasttree-prerelease.zip"));
        var newVersion = Convert.ToHexStringLower(SHA256.HashData(replacement))[..12];
        Directory.Delete(models, recursive: true);
        Assert.True(await ScoringFixture.Eventually(() => Task.FromResult(factory.Log.Entries.Any(e => e.Message == $"Models folder {models} does not exist; its models load when it is created")), Patience));
        Directory.Move(fixture.CopyModels(), models);
        var appeared = $"Models folder {models} now exists; watching it and loading its models";
        bool ReloadedSinceAppearing(IReadOnlyList<(string Category, LogLevel Level, string Message)> log) =>
            log.Count(e => e.Message == appeared) == 2
            && log.SkipWhile(e => e.Message != appeared).Skip(1).SkipWhile(e => e.Message != appeared).Any(e => e.Message.StartsWith("Models loaded", StringComparison.Ordinal));
        Assert.True(await ScoringFixture.Eventually(() => Task.FromResult(ReloadedSinceAppearing(factory.Log.Entries)), Patience));
        File.WriteAllBytes(Path.Combine(models, "top10.zip"), replacement); // only the new folder's watcher can see this

        Assert.True(await ScoringFixture.Eventually(async () => await Version(client, "top10") == newVersion, Patience), "a change in the folder created again was not picked up");
    }

    [Fact]
    public async Task A_new_database_is_loaded_in_the_background_with_its_churn_features_while_requests_keep_the_old_one()
    {
        var path = fixture.CopyDatabase();
        using var factory = fixture.Factory(database: path);
        var client = factory.CreateClient();
        var database = factory.Services.GetRequiredService<ScoringDatabase>();
        var users = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id ORDER BY user_id LIMIT 2");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{users[0]}/churn")).StatusCode);
        var old = database.Current();
        var snapshots = old.ChurnSnapshotsComputed.ToList();

        // What ingest does: a new database written beside (here without the first subscriber), renamed into place.
        var next = path + ".next";
        File.Copy(path, next);
        ScoringFixture.Query(next, "DELETE FROM gold_users WHERE user_id = $u", ("$u", users[0]));
        File.Move(next, path, overwrite: true);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        await Task.Delay(1100); // past the once-a-second look at the file

        var during = database.TryCurrent();
        var loaded = await ScoringFixture.Eventually(() => Task.FromResult(!database.Loading), Patience);
        var after = database.Current();

        Assert.Same(old, during); // the request that saw the change was answered from the old version
        Assert.True(loaded, "the new database was not loaded");
        Assert.NotSame(old, after);
        Assert.False(after.UserExists(users[0]));
        Assert.Equal(snapshots, after.ChurnSnapshotsComputed); // computed before the swap, not by the next request
        Assert.Single(snapshots);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/users/{users[0]}/churn")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/users/{users[1]}/churn")).StatusCode);
        Assert.Contains(factory.Log.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith($"Database {path} changed: the new version ({after.Movies.Count} titles, churn features computed) was loaded in the background in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_swap_undone_while_its_database_loads_keeps_the_version_served()
    {
        // The load of the version in between used to be swapped in when it finished, though the file was back.
        var path = fixture.CopyDatabase();
        var clock = new SteppedClock();
        var database = Database(path, clock);
        var served = database.Current();
        var stamp = File.GetLastWriteTimeUtc(path);

        File.SetLastWriteTimeUtc(path, stamp.AddSeconds(5));
        clock.Step(TimeSpan.FromSeconds(2));
        var duringSwap = database.TryCurrent();
        var loading = database.Loading;
        File.SetLastWriteTimeUtc(path, stamp);
        clock.Step(TimeSpan.FromSeconds(2));
        var undone = database.TryCurrent();
        var dropped = await ScoringFixture.Eventually(() => Task.FromResult(database.LoadsDropped == 1), Patience);
        clock.Step(TimeSpan.FromSeconds(2));

        Assert.Same(served, duringSwap);
        Assert.True(loading);
        Assert.Same(served, undone);
        Assert.False(database.Loading);
        Assert.True(dropped, "the load of the version in between did not finish");
        Assert.Same(served, database.Current());
    }

    [Fact]
    public void A_database_that_cannot_be_read_at_the_first_look_is_not_read_again_until_it_changes()
    {
        // Every request read it again: at generate --scale 10, seconds each before the bad value was reached.
        var path = fixture.CopyDatabase();
        ScoringFixture.Query(path, "UPDATE gold_movies SET title = NULL WHERE movie_id = (SELECT MIN(movie_id) FROM gold_movies)");
        var database = Database(path);

        var first = Assert.Throws<Errors.ServiceUnavailableException>(() => database.TryCurrent());
        var second = Assert.Throws<Errors.ServiceUnavailableException>(() => database.TryCurrent());
        File.Copy(fixture.Database, path, overwrite: true);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(30));
        var mended = database.TryCurrent();

        Assert.StartsWith($"The database {path} cannot be read: a value is not what ingest writes", first.Message, StringComparison.Ordinal);
        Assert.Same(first, second); // the recorded problem, not a second read
        Assert.NotNull(mended);
        Assert.NotEmpty(mended.Movies);
    }

    [Fact]
    public void The_first_load_computes_the_churn_features_it_is_given_a_snapshot_for_beside_the_rest_and_they_answer_as_on_demand()
    {
        // The start-up warm-up read the database, then computed the churn features: at generate --scale 10, 5 s and
        // 8 s one after the other. It now gives the churn model's snapshot to the load, which computes them meanwhile.
        var path = fixture.CopyDatabase();
        var hinted = Database(path);
        var plain = Database(path);
        var onDemand = plain.Current();
        var snapshot = onDemand.ChurnSnapshot!.Value;

        var alongside = hinted.TryCurrent(churnAt: snapshot)!;
        var startedByTheLoad = alongside.ChurnSnapshotsStarted.ToList();
        var startedWithoutAHint = onDemand.ChurnSnapshotsStarted.ToList();
        var notTheLoad = hinted.TryCurrent(churnAt: snapshot.AddDays(-30)); // the version is loaded: nothing more starts
        var users = fixture.Strings("SELECT user_id FROM gold_users ORDER BY user_id LIMIT 20");

        Assert.Equal([snapshot], startedByTheLoad);
        Assert.Empty(startedWithoutAHint);
        Assert.Same(alongside, notTheLoad);
        Assert.Equal([snapshot], alongside.ChurnSnapshotsStarted);
        Assert.All(users, user =>
        {
            var expected = onDemand.ChurnFeatures(user, snapshot);
            var actual = alongside.ChurnFeatures(user, snapshot);
            Assert.NotNull(expected);
            Assert.Equal(expected.Numeric, actual!.Numeric);
            Assert.Equal(expected.Categorical, actual.Categorical);
        });
        Assert.Equal([snapshot], alongside.ChurnSnapshotsComputed);
    }

    [Fact]
    public void Churn_features_that_fail_beside_the_load_leave_the_rest_served_and_fail_each_look_up_as_on_demand()
    {
        // A start date ingest never writes: the churn features cannot be computed, the titles and viewing can.
        var path = fixture.CopyDatabase();
        ScoringFixture.Query(path, "UPDATE gold_users SET subscription_start_date = '2000-13-45' WHERE user_id = (SELECT MIN(user_id) FROM gold_users)");
        var database = Database(path);
        var snapshot = Database(fixture.Database).Current().ChurnSnapshot!.Value;
        var user = fixture.Strings("SELECT user_id FROM gold_users ORDER BY user_id LIMIT 2")[1];

        var data = database.TryCurrent(churnAt: snapshot)!;
        var first = Assert.Throws<Errors.ServiceUnavailableException>(() => data.ChurnFeatures(user, snapshot));
        var second = Assert.Throws<Errors.ServiceUnavailableException>(() => data.ChurnFeatures(user, snapshot));

        Assert.NotEmpty(data.Movies);
        Assert.True(data.UserExists(user));
        Assert.StartsWith($"The database {path} cannot be read: a value is not what ingest writes", first.Message, StringComparison.Ordinal);
        Assert.Same(first, second); // kept failed, as a look-up that computed them would have left it
        Assert.Same(data, database.Current());
    }

    private ScoringDatabase Database(string path, TimeProvider? clock = null) =>
        new(new ScoringPaths(new ScoringOptions { Database = path }, fixture.Root), clock ?? TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ScoringDatabase>.Instance);

    [Theory]
    [InlineData("not a database", "Database '{0}' cannot be read: ")]
    [InlineData("a title without a name", "The database {0} cannot be read: ")] // read by hand-edited SQL, not ingest
    public async Task A_new_database_that_cannot_be_read_is_a_503_with_the_reason_until_the_file_changes_again(string damage, string reason)
    {
        var path = fixture.CopyDatabase();
        using var factory = fixture.Factory(database: path);
        var client = factory.CreateClient();
        var database = factory.Services.GetRequiredService<ScoringDatabase>();
        var user = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id ORDER BY user_id LIMIT 1")[0];
        var old = database.Current();

        if (damage == "not a database")
        {
            File.WriteAllText(path, damage);
        }
        else
        {
            var next = path + ".next";
            File.Copy(path, next);
            ScoringFixture.Query(next, "UPDATE gold_movies SET title = NULL WHERE movie_id = (SELECT MIN(movie_id) FROM gold_movies)");
            File.Move(next, path, overwrite: true);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        }

        await Task.Delay(1100);
        var during = database.TryCurrent();
        Assert.True(await ScoringFixture.Eventually(() => Task.FromResult(!database.Loading), Patience));
        await Task.Delay(1100); // the next look at the file finds the version that failed
        var broken = await client.GetAsync($"/api/users/{user}/churn");

        File.Copy(fixture.Database, path, overwrite: true);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(20));
        var mended = await ScoringFixture.Eventually(async () => (await client.GetAsync($"/api/users/{user}/churn")).StatusCode == HttpStatusCode.OK, Patience);

        Assert.Same(old, during);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken.StatusCode);
        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, path), (await broken.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(mended, "the mended database was not served");
        Assert.Single(factory.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Database changed and the new version cannot be loaded: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, path), StringComparison.Ordinal));
    }

    [Fact]
    public async Task While_a_stopped_runs_move_into_the_folder_is_unfinished_the_set_it_was_committing_is_served()
    {
        // A run stopped among its moves left its new churn.zip in place and its new top10.zip still staged. The
        // watcher used to load that mix (new churn, old top10); it now reads the files the run was committing.
        var models = fixture.CopyModels();
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();
        var (top10, newTop10) = Replacement(models, "top10", "top10-fasttree-prerelease");
        var (churn, newChurn) = Replacement(models, "churn", "churn-fasttree-behaviour");
        Assert.NotEqual(newTop10, await Version(client, "top10"));
        var staging = Path.Combine(models, StagedRun.Prefix + "stopped");
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, "top10.zip"), top10);
        File.WriteAllBytes(Path.Combine(staging, StagedRun.CommitMarker), []);

        File.WriteAllBytes(Path.Combine(models, "churn.zip"), churn);

        Assert.True(await ScoringFixture.Eventually(async () => await Version(client, "churn") == newChurn, Patience), "the moved churn.zip was not picked up");
        Assert.Equal(newTop10, await Version(client, "top10"));
        Assert.Contains(factory.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("stopped while moving its files into place; serving the files it was committing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_api_started_while_a_stopped_runs_move_is_unfinished_serves_the_set_it_was_committing()
    {
        var models = fixture.CopyModels();
        var (top10, newTop10) = Replacement(models, "top10", "top10-fasttree-prerelease");
        var staging = Path.Combine(models, StagedRun.Prefix + "stopped");
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, "top10.zip"), top10);
        File.WriteAllBytes(Path.Combine(staging, StagedRun.CommitMarker), []);

        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();

        Assert.Equal(newTop10, await Version(client, "top10"));
    }

    /// <summary>A candidate other than the task's champion, as a new champion's bytes, and the version it is served as.</summary>
    private static (byte[] Bytes, string Version) Replacement(string models, string task, string candidate)
    {
        var bytes = File.ReadAllBytes(Path.Combine(models, "candidates", candidate + ".zip"));
        Assert.NotEqual(bytes, File.ReadAllBytes(Path.Combine(models, task + ".zip")));
        return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
    }

    private static async Task<string> Version(HttpClient client, string task) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/models"))!["models"]!.AsArray()
            .Single(m => m!["task"]!.GetValue<string>() == task)!["version"]!.GetValue<string>();

    private static string Expected(string corruption) => corruption switch
    {
        "garbage" or "truncated" => "zip",
        "hash-mismatch" => "sha-256",
        "future-format" => "format version",
        "bad-history" => "entry 'track-record-history.json' is malformed",
        _ => "holds a 'churn' model",
    };

    private static byte[] Corrupt(string corruption, byte[] model, byte[] otherTask)
    {
        switch (corruption)
        {
            case "garbage":
                return [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37))];
            case "truncated":
                return model[..(model.Length / 2)];
            case "wrong-task":
                return otherTask;
            case "bad-history":
                // Saved whole and hashed, so only reading the track-record history can fail.
                var (classifier, manifest) = Learning.Persistence.ModelFile.LoadBinaryClassifier(model, "top10.zip");
                var path = Path.Combine(Path.GetTempPath(), "netflixml-bad-history-" + Guid.NewGuid().ToString("N")[..8] + ".zip");
                Learning.Persistence.ModelFile.Save(path, classifier, new Learning.Persistence.ModelMetadata
                {
                    Task = manifest.Task,
                    FeatureSet = manifest.FeatureSet,
                    Properties = (JsonObject)manifest.Properties!.DeepClone(),
                    Attachments = new Dictionary<string, byte[]> { [Features.Top10.TrackRecordHistory.EntryName] = "{\"not\": \"a list of titles\"}"u8.ToArray() },
                });
                var bytes = File.ReadAllBytes(path);
                File.Delete(path);
                return bytes;
        }

        using var stream = new MemoryStream();
        stream.Write(model);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            if (corruption == "hash-mismatch")
            {
                var entry = zip.GetEntry("parameters.bin")!;
                byte[] parameters;
                using (var read = entry.Open())
                using (var copy = new MemoryStream())
                {
                    read.CopyTo(copy);
                    parameters = copy.ToArray();
                }

                parameters[parameters.Length / 2] ^= 0xFF;
                entry.Delete();
                using var write = zip.CreateEntry("parameters.bin").Open();
                write.Write(parameters);
            }
            else
            {
                var entry = zip.GetEntry("manifest.json")!;
                JsonNode manifest;
                using (var read = entry.Open())
                {
                    manifest = JsonNode.Parse(read)!;
                }

                manifest["formatVersion"] = 99;
                entry.Delete();
                using var write = zip.CreateEntry("manifest.json").Open();
                write.Write(System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
            }
        }

        return stream.ToArray();
    }

    /// <summary>A clock whose timestamps move only when told to (timers are the system's).</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _offset;

        public void Step(TimeSpan by) => Interlocked.Add(ref _offset, (long)(by.TotalSeconds * TimestampFrequency));

        public override long GetTimestamp() => Interlocked.Read(ref _offset);
    }
}
