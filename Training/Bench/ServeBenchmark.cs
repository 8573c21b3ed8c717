using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NetflixML.Features;
using NetflixML.Features.Churn;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Reporting;
using NetflixML.Features.Storage;

namespace NetflixML.Training.Bench;

public sealed record ServeBenchmarkOptions(int Seconds, int Connections, string Database, string Models, double WarmUpSeconds = 2, int Rounds = 5);

/// <summary>One endpoint's figures: requests per second over the run, latency percentiles, and failed requests.</summary>
/// <remarks>Requests counts the measured window; Sent adds the warm-up.</remarks>
public sealed record EndpointFigures(string Endpoint, double RequestsPerSecond, double P50Ms, double P99Ms, int Errors, long Requests, long Sent, double RelativeToLive);

/// <summary>
/// A model or the database replaced during a run: how long until the new version answered, requests that failed
/// meanwhile, and the slowest request of that endpoint's slice (the swap's stall, if any).
/// </summary>
public sealed record ReloadFigures(string During, string How, string OldVersion, string NewVersion, double SecondsUntilServed, int ErrorsInPhase, double SlowestMsInPhase = 0);

public sealed record ServeTarget(string Name, string Required, string Measured, bool Met);

/// <summary>
/// Seconds from launching the API process until it logged the address it listens on, first answered an HTTP request
/// (/health/ready, polled every 0.1 s, whatever it said), and was ready (200: models loaded, database warm-up done).
/// </summary>
public sealed record StartUpFigures(double ListeningSeconds, double FirstAnswerSeconds, double ReadySeconds);

public sealed record ServeBenchmarkResult(
    string Server,
    int Connections,
    int SecondsPerEndpoint,
    int Rounds,
    IReadOnlyList<EndpointFigures> Endpoints,
    IReadOnlyList<ReloadFigures> Reloads,
    long PredictionRequests,
    long PredictionsLogged,
    IReadOnlyList<ServeTarget> Targets,
    StartUpFigures StartUp);

/// <summary>
/// Starts the built Scoring.Api as its own process on 127.0.0.1 (a free port the server picks), on a copy of the
/// models folder, and drives one endpoint at a time with N keep-alive connections (one HttpClient each, one request
/// in flight per connection) for the given seconds after a warm-up. Client and server share the machine, as they
/// would on a 2-core box; /health/live measured the same way is the bare-HTTP reference the others are compared to.
/// Mid-run it replaces the Top-10 champion (picked up by the file watcher), the recommendation champion (by
/// POST /api/models/reload) and the database (a copy renamed over the served one, as ingest does), and counts every
/// failed request. The server's standard output is read throughout, which also counts the prediction log lines it
/// writes and the database reloads it logs.
/// </summary>
public static class ServeBenchmark
{
    private const string AdminKey = "bench-serve";

    public static async Task<ServeBenchmarkResult> RunAsync(ServeBenchmarkOptions options, IProgress<string> progress)
    {
        var dll = ApiAssembly();
        if (!File.Exists(options.Database))
        {
            throw new FileNotFoundException($"No database at {options.Database}: run `dotnet run --project Training` first (it generates and ingests the default data).");
        }

        if (!File.Exists(Path.Combine(options.Models, "top10.zip")))
        {
            throw new FileNotFoundException($"No models in {options.Models}: run `dotnet run --project Training -- train` first.");
        }

        var models = CopyModels(options.Models);
        var database = Path.Combine(models + "-database", Path.GetFileName(options.Database));
        List<string> users, churnUsers, titles;
        ApiProcess server;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(database)!);
            File.Copy(options.Database, database);
            (users, churnUsers, titles) = Samples(database);
            server = await ApiProcess.StartAsync(dll, models, database, progress);
        }
        catch
        {
            // The copies are the bench's own: none is left behind when it cannot start.
            TryDelete(models);
            TryDelete(Path.GetDirectoryName(database)!);
            throw;
        }

        using var started = server;
        try
        {
            var reloads = new List<ReloadFigures>();
            var top10 = Body(new JsonObject
            {
                ["title"] = "The Silent Harbor",
                ["releaseDate"] = "2025-12-05",
                ["genres"] = new JsonArray("Thriller", "Crime"),
                ["certificate"] = "TV-MA",
                ["runtimeMinutes"] = 112,
                ["director"] = "Fanny Turner",
                ["cast"] = new JsonArray("Kayden Bednar", "Rosanna Roberts", "Mia Lopez"),
                ["isOriginal"] = true,
                ["budgetUsd"] = 45_000_000,
                ["firstWeekHoursViewed"] = 5_200_000,
            });
            var batch = Body(new JsonObject { ["titles"] = new JsonArray(Enumerable.Range(0, 100).Select(i => (JsonNode?)JsonNode.Parse(top10)).ToArray()) });
            var churn = Body(new JsonObject { ["subscriptionPlan"] = "Basic", ["tenureDays"] = 400, ["sessions30d"] = 3, ["sessions90d"] = 12, ["daysSinceLastWatch"] = 9, ["completionRate90d"] = 0.6 });

            var endpoints = new List<Endpoint>
            {
                new("GET /health/live", _ => Get("/health/live")),
                new("POST /api/top10/predictions", _ => Post("/api/top10/predictions", top10), () => ReplaceByWatcher("POST /api/top10/predictions", "top10")),
                new("POST /api/top10/predictions/batch (100 titles)", _ => Post("/api/top10/predictions/batch", batch)),
                new("GET /api/users/{id}/churn", i => Get($"/api/users/{churnUsers[i % churnUsers.Count]}/churn"), () => ReplaceDatabase("GET /api/users/{id}/churn")),
                new("POST /api/churn/predictions", _ => Post("/api/churn/predictions", churn)),
                new("GET /api/users/{id}/recommendations", i => Get($"/api/users/{users[i % users.Count]}/recommendations?count=10"), () => ReplaceByReload("GET /api/users/{id}/recommendations", "recommend")),
                new("GET /api/titles/{id}/similar", i => Get($"/api/titles/{titles[i % titles.Count]}/similar?count=10")),
                new("GET /api/models", _ => Get("/api/models")),
            };

            // Rounds: every endpoint in turn, several times, so drift in what else the machine does touches all alike.
            var clients = Enumerable.Range(0, options.Connections).Select(_ => Client(server.Address)).ToArray();
            try
            {
                var slice = TimeSpan.FromSeconds((double)options.Seconds / options.Rounds);
                for (var round = 0; round < options.Rounds; round++)
                {
                    progress.Report($"round {round + 1} of {options.Rounds}: {endpoints.Count} endpoints x {slice.TotalSeconds:0.##} s, {options.Connections} connections" +
                        (round == 0 ? $", after {options.WarmUpSeconds:0.#} s warm-up each" : string.Empty));
                    foreach (var endpoint in endpoints)
                    {
                        var midway = round == options.Rounds / 2 ? endpoint.Midway : null;
                        var slowest = await Drive(clients, endpoint, round == 0 ? TimeSpan.FromSeconds(options.WarmUpSeconds) : TimeSpan.Zero, slice, midway is null ? null : async () => reloads.Add(await midway()));
                        if (midway is not null)
                        {
                            reloads[^1] = reloads[^1] with { SlowestMsInPhase = Math.Round(slowest, 2) };
                        }
                    }
                }
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }
            }

            var liveRate = endpoints[0].Rate;
            var phases = endpoints.Select(e => e.Figures(liveRate)).ToList();

            // A prediction endpoint's reload errors are part of its errors; attach them to the record.
            reloads = reloads.Select(r => r with { ErrorsInPhase = phases.Single(p => p.Endpoint == r.During).Errors }).ToList();

            // Every prediction request (warm-up included) should have written one log line by now.
            var predictionRequests = phases.Where(p => p.Endpoint.Contains("predictions", StringComparison.Ordinal) || p.Endpoint.Contains("churn", StringComparison.Ordinal) || p.Endpoint.Contains("recommendations", StringComparison.Ordinal))
                .Sum(p => p.Sent);
            for (var wait = 0; wait < 50 && server.Log.PredictionLines < predictionRequests; wait++)
            {
                await Task.Delay(100);
            }

            return new ServeBenchmarkResult(
                $"{Path.GetFileName(dll)} on {server.Address} (Release, Production, JSON-lines log)",
                options.Connections,
                options.Seconds,
                options.Rounds,
                phases,
                reloads,
                predictionRequests,
                server.Log.PredictionLines,
                Targets(phases, reloads),
                server.StartUp);
        }
        finally
        {
            await server.StopAsync();
            TryDelete(models);
            TryDelete(Path.GetDirectoryName(database)!);
        }

        HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

        HttpRequestMessage Post(string path, byte[] body)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        }

        async Task<ReloadFigures> ReplaceByWatcher(string during, string task)
        {
            var (candidate, old, next, seconds) = await Replace(server.Address, models, task, viaApi: false);
            progress.Report($"replaced {task}.zip with {candidate} on disk: version {next} served after {seconds:F2} s");
            return new ReloadFigures(during, $"{candidate} written over {task}.zip (file watcher)", old, next, seconds, 0);
        }

        // What ingest does: a new file written beside the database and renamed over it (here the same tables, with a
        // later time stamp so the API sees a new version); served once the API logs that it swapped the new one in.
        async Task<ReloadFigures> ReplaceDatabase(string during)
        {
            var clock = Stopwatch.StartNew();
            var reloadsBefore = server.Log.DatabaseReloads;
            var old = File.GetLastWriteTimeUtc(database);
            var stamp = old.AddSeconds(1);
            var next = database + ".next";
            File.Copy(database, next, overwrite: true);
            File.SetLastWriteTimeUtc(next, stamp);
            File.Move(next, database, overwrite: true);
            if (!await PollUntil(() => Task.FromResult(server.Log.DatabaseReloads != reloadsBefore), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(20)))
            {
                throw new InvalidOperationException("The API did not log loading the new database within 60 s.");
            }

            var seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
            progress.Report($"renamed a copy of the database over {Path.GetFileName(database)}: served after {seconds:F2} s");
            return new ReloadFigures(during, $"a copy of {Path.GetFileName(options.Database)} renamed over the served file (loaded in the background)", Stamp(old), Stamp(stamp), seconds, 0);
        }

        static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        async Task<ReloadFigures> ReplaceByReload(string during, string task)
        {
            var (candidate, old, next, seconds) = await Replace(server.Address, models, task, viaApi: true);
            progress.Report($"replaced {task}.zip with {candidate} and called POST /api/models/reload: version {next} served after {seconds:F2} s");
            return new ReloadFigures(during, $"{candidate} written over {task}.zip, then POST /api/models/reload", old, next, seconds, 0);
        }
    }

    /// <summary>One endpoint's requests and what its rounds measured.</summary>
    private sealed class Endpoint(string name, Func<int, HttpRequestMessage> request, Func<Task<ReloadFigures>>? midway = null)
    {
        public string Name { get; } = name;

        public Func<int, HttpRequestMessage> Request { get; } = request;

        public Func<Task<ReloadFigures>>? Midway { get; } = midway;

        public List<double> Latencies { get; } = new(1 << 18);

        public int Errors { get; set; }

        public double Seconds { get; set; }

        public long Sent { get; set; }

        public ConcurrentQueue<string> FirstErrors { get; } = new();

        public double Rate => Latencies.Count / Seconds;

        public EndpointFigures Figures(double liveRate)
        {
            if (Latencies.Count == 0)
            {
                throw new InvalidOperationException($"{Name}: no request completed.");
            }

            if (Errors > 0)
            {
                Console.Error.WriteLine($"[bench] {Name}: {Errors} errors, e.g. {string.Join(" | ", FirstErrors)}");
            }

            var sorted = Latencies.ToArray();
            Array.Sort(sorted);
            return new EndpointFigures(Name, Math.Round(Rate, 1), Math.Round(Percentile(sorted, 0.50), 3), Math.Round(Percentile(sorted, 0.99), 3), Errors, sorted.Length, Sent, Math.Round(Rate / liveRate, 3));
        }
    }

    /// <summary>
    /// Runs one endpoint on every connection for the warm-up and then the measured slice, adding to its figures;
    /// returns the slowest request of the slice in milliseconds.
    /// </summary>
    private static async Task<double> Drive(HttpClient[] clients, Endpoint endpoint, TimeSpan warmUp, TimeSpan measured, Func<Task>? midway)
    {
        var measuring = 0;
        var stop = 0;
        var latencies = Enumerable.Range(0, clients.Length).Select(_ => new List<double>(1 << 14)).ToArray();
        var errors = new int[clients.Length];
        var counter = -1;
        async Task Worker(int w)
        {
            var client = clients[w];
            while (Volatile.Read(ref stop) == 0)
            {
                var start = Stopwatch.GetTimestamp();
                var ok = false;
                try
                {
                    using var message = endpoint.Request(Interlocked.Increment(ref counter) & int.MaxValue);
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
                    ok = response.StatusCode == HttpStatusCode.OK;
                    if (!ok && endpoint.FirstErrors.Count < 5)
                    {
                        endpoint.FirstErrors.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
                    }
                }
                catch (HttpRequestException ex) when (endpoint.FirstErrors.Count < 5)
                {
                    endpoint.FirstErrors.Enqueue(ex.Message);
                }
                catch (HttpRequestException)
                {
                    // Counted below as a failed request; the first few are kept for the report.
                }

                if (Volatile.Read(ref measuring) == 1)
                {
                    latencies[w].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    if (!ok)
                    {
                        errors[w]++;
                    }
                }
            }
        }

        var workers = Enumerable.Range(0, clients.Length).Select(w => Task.Run(() => Worker(w))).ToArray();
        await Task.Delay(warmUp).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref measuring, 1);
        var midwayTask = Task.CompletedTask;
        if (midway is not null)
        {
            await Task.Delay(measured / 4).ConfigureAwait(false);
            midwayTask = midway();
        }

        var remaining = measured - clock.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining).ConfigureAwait(false);
        }

        // The slice lasts until the swap has been seen to serve, however long that takes.
        await midwayTask.ConfigureAwait(false);
        Volatile.Write(ref measuring, 0);
        var elapsed = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(workers).ConfigureAwait(false);
        foreach (var list in latencies)
        {
            endpoint.Latencies.AddRange(list);
        }

        endpoint.Errors += errors.Sum();
        endpoint.Seconds += elapsed;
        endpoint.Sent += Volatile.Read(ref counter) + 1L;
        return latencies.SelectMany(l => l).DefaultIfEmpty(0).Max();
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static HttpClient Client(Uri address) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>
    /// Swaps a champion for another model of its task the way `train` writes (write beside, rename over) and times the
    /// pick-up. The same trainer and feature set's candidate comes first (the champion is it refitted on all rows, so
    /// the files differ but a request costs the same), then other deployable candidates.
    /// </summary>
    private static async Task<(string Candidate, string Old, string New, double Seconds)> Replace(Uri address, string models, string task, bool viaApi)
    {
        using var client = Client(address);
        var (old, champion) = await Version(client, task).ConfigureAwait(false);
        string? source = null, next = null;
        var candidates = Directory.GetFiles(Path.Combine(models, "candidates"), task + "-*.zip").Order(StringComparer.Ordinal)
            .OrderBy(f => Path.GetFileNameWithoutExtension(f) != champion).ThenBy(f => f.Contains("-leaky", StringComparison.Ordinal));
        foreach (var file in candidates)
        {
            var version = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file).ConfigureAwait(false)))[..12];
            if (version != old)
            {
                (source, next) = (file, version);
                break;
            }
        }

        if (source is null || next is null)
        {
            throw new InvalidOperationException($"No {task} candidate in {models}/candidates differs from the champion; the benchmark needs one to swap in.");
        }

        var clock = Stopwatch.StartNew();
        var temporary = Path.Combine(models, task + ".zip.partial");
        File.Copy(source, temporary, overwrite: true);
        File.Move(temporary, Path.Combine(models, task + ".zip"), overwrite: true);
        if (viaApi)
        {
            using var reload = new HttpRequestMessage(HttpMethod.Post, "/api/models/reload");
            reload.Headers.Add("X-Api-Key", AdminKey);
            using var response = await client.SendAsync(reload).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }

        if (!await PollUntil(async () => (await Version(client, task).ConfigureAwait(false)).Version == next, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20)).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The API did not pick up the new {task} model within 30 s.");
        }

        return (Path.GetFileNameWithoutExtension(source), old, next, Math.Round(clock.Elapsed.TotalSeconds, 3));
    }

    private static async Task<(string Version, string Name)> Version(HttpClient client, string task)
    {
        var models = JsonNode.Parse(await client.GetStringAsync("/api/models").ConfigureAwait(false))!["models"]!.AsArray();
        var model = models.Single(m => m!["task"]!.GetValue<string>() == task)!;
        return (model["version"]!.GetValue<string>(), model["name"]!.GetValue<string>());
    }

    private static IReadOnlyList<ServeTarget> Targets(IReadOnlyList<EndpointFigures> phases, IReadOnlyList<ReloadFigures> reloads)
    {
        var inv = CultureInfo.InvariantCulture;
        var targets = new List<ServeTarget>();
        foreach (var name in new[] { "POST /api/top10/predictions", "GET /api/users/{id}/recommendations" })
        {
            var p = phases.Single(x => x.Endpoint == name);
            targets.Add(new ServeTarget($"{name} rate", ">= 60 % of /health/live", p.RelativeToLive.ToString("P0", inv), p.RelativeToLive >= 0.6));
        }

        foreach (var p in phases.Where(p => !p.Endpoint.Contains("batch", StringComparison.Ordinal)))
        {
            targets.Add(new ServeTarget($"{p.Endpoint} p99", "< 10 ms", p.P99Ms.ToString("F2", inv) + " ms", p.P99Ms < 10));
        }

        var errors = phases.Sum(p => p.Errors);
        targets.Add(new ServeTarget("errors (all endpoints, reloads included)", "0", errors.ToString(inv), errors == 0));
        targets.Add(new ServeTarget("reloads served without a failed request", reloads.Count.ToString(inv), reloads.Count(r => r.ErrorsInPhase == 0).ToString(inv), reloads.All(r => r.ErrorsInPhase == 0)));
        return targets;
    }

    private static byte[] Body(JsonObject json) => Encoding.UTF8.GetBytes(json.ToJsonString());

    /// <summary>Subscribers with viewing history (for recommendations), those of them subscribed by the churn snapshot, and watched titles.</summary>
    private static (List<string> Users, List<string> ChurnUsers, List<string> Titles) Samples(string database)
    {
        using var db = SqliteDatabase.Open(database, readOnly: true);
        List<string> Strings(string sql)
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var values = new List<string>();
            while (reader.Read())
            {
                values.Add(reader.GetString(0));
            }

            return values;
        }

        var users = Strings($"SELECT DISTINCT user_id FROM {GoldTables.WatchEvents} ORDER BY user_id LIMIT 1000");
        var titles = Strings($"SELECT DISTINCT movie_id FROM {GoldTables.WatchEvents} ORDER BY movie_id LIMIT 500");
        if (users.Count == 0 || titles.Count == 0)
        {
            throw new DataInputException($"{database} has no watch events to draw subscribers and titles from.");
        }

        var snapshot = ChurnFeatures.ResolveSnapshot(db).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var churnUsers = Strings($"SELECT user_id FROM {GoldTables.Users} WHERE subscription_start_date < '{snapshot}' AND user_id IN (SELECT DISTINCT user_id FROM {GoldTables.WatchEvents}) ORDER BY user_id LIMIT 1000");
        return (users, churnUsers.Count > 0 ? churnUsers : users, titles);
    }

    private static string CopyModels(string models)
    {
        var copy = Path.Combine(Path.GetTempPath(), "netflixml-bench-serve-" + Guid.NewGuid().ToString("N")[..8]);
        // The lock file is held (and so unreadable) while a training run writes the folder, and is no model. Each file
        // is copied as the latest commit leaves it, so a run committing (or stopped while it did) is not copied half.
        foreach (var file in StagedRun.CommittedFiles(models).Where(f => f != ModelsFolderLock.FileName))
        {
            var target = Path.Combine(copy, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, StagedRun.ReadCommitted(models, file));
        }

        return copy;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The Scoring.Api build of the same configuration as this CLI (Training references the project so it is built).</summary>
    private static string ApiAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetflixML.sln")))
            {
                var dll = Path.Combine(dir.FullName, "Scoring.Api", "bin", output.Parent!.Name, output.Name, "NetflixML.Scoring.Api.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"Scoring.Api is not built at {dll}; run `dotnet build -c {output.Parent!.Name} Scoring.Api`.");
            }
        }

        throw new FileNotFoundException("Cannot find the repository (NetflixML.sln) above " + output.FullName);
    }

    /// <summary>Asks <paramref name="done"/> every <paramref name="every"/> until it holds; false if it still did not after <paramref name="limit"/>.</summary>
    private static async Task<bool> PollUntil(Func<Task<bool>> done, TimeSpan limit, TimeSpan every)
    {
        var clock = Stopwatch.StartNew();
        while (!await done().ConfigureAwait(false))
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            await Task.Delay(every).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Occurrences of <paramref name="pattern"/> in <paramref name="text"/> that end past its first
    /// <paramref name="carried"/> characters (those were searched with the previous block).
    /// </summary>
    private static int Occurrences(ReadOnlySpan<char> text, string pattern, int carried)
    {
        var found = 0;
        for (var at = text.IndexOf(pattern, StringComparison.Ordinal); at >= 0;)
        {
            if (at + pattern.Length > carried)
            {
                found++;
            }

            var next = text[(at + pattern.Length)..].IndexOf(pattern, StringComparison.Ordinal);
            at = next < 0 ? -1 : at + pattern.Length + next;
        }

        return found;
    }

    /// <summary>
    /// The API's log lines the bench waits for or counts, counted from the first line the process writes: the
    /// dashboard warm-up can log before the server says where it listens.
    /// </summary>
    internal sealed class LogCounts
    {
        private const string Prediction = "Prediction ", DatabaseReload = " changed: the new version ", Dashboard = "Dashboard figures computed";
        private long _predictionLines;
        private long _databaseReloads;
        private long _dashboardWarmUps;

        /// <summary>The longest pattern's length minus one: keep that much of a block so an occurrence split across two reads is found once.</summary>
        public static int Carry => Math.Max(DatabaseReload.Length, Dashboard.Length) - 1;

        public long PredictionLines => Interlocked.Read(ref _predictionLines);

        /// <summary>How many times the server has logged swapping in a changed database.</summary>
        public long DatabaseReloads => Interlocked.Read(ref _databaseReloads);

        public long DashboardWarmUps => Interlocked.Read(ref _dashboardWarmUps);

        /// <summary>Every occurrence in <paramref name="text"/> is one line's message (the structured fields do not repeat the words).</summary>
        public void Count(ReadOnlySpan<char> text, int carried)
        {
            Interlocked.Add(ref _predictionLines, Occurrences(text, Prediction, carried));
            Interlocked.Add(ref _databaseReloads, Occurrences(text, DatabaseReload, carried));
            Interlocked.Add(ref _dashboardWarmUps, Occurrences(text, Dashboard, carried));
        }
    }

    /// <summary>
    /// Reads the API's standard output to its end: lines until the server says where it listens (kept in
    /// <paramref name="early"/> for a failed start, and the address set in <paramref name="listening"/>), then blocks,
    /// so reading the log costs the machine as little as a log collector would. Both are counted into
    /// <paramref name="log"/>.
    /// </summary>
    internal static async Task ReadOutput(TextReader output, LogCounts log, ConcurrentQueue<string> early, TaskCompletionSource<Uri> listening)
    {
        string? line;
        while (!listening.Task.IsCompleted && (line = await output.ReadLineAsync().ConfigureAwait(false)) is not null)
        {
            early.Enqueue(line);
            log.Count(line, 0);
            const string marker = "Now listening on: ";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + marker.Length)..].Split('"')[0].Trim()));
            }
        }

        var buffer = new char[64 * 1024];
        var carry = 0;
        int read;
        while ((read = await output.ReadAsync(buffer.AsMemory(carry, buffer.Length - carry)).ConfigureAwait(false)) > 0)
        {
            var text = buffer.AsSpan(0, carry + read);
            log.Count(text, carry);
            carry = Math.Min(LogCounts.Carry, text.Length);
            text[^carry..].CopyTo(buffer);
        }
    }

    /// <summary>The API as a child process, its standard output counted by <see cref="ReadOutput"/>.</summary>
    private sealed class ApiProcess : IDisposable
    {
        private readonly Process _process;

        private ApiProcess(Process process, Uri address, LogCounts log, double listeningSeconds)
        {
            _process = process;
            Address = address;
            Log = log;
            StartUp = new StartUpFigures(listeningSeconds, double.NaN, double.NaN);
        }

        public Uri Address { get; }

        /// <summary>How long it took to start (the answer and ready figures once it is ready).</summary>
        public StartUpFigures StartUp { get; private set; }

        /// <summary>What its log has said so far.</summary>
        public LogCounts Log { get; }

        public static async Task<ApiProcess> StartAsync(string dll, string models, string database, IProgress<string> progress)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add("http://127.0.0.1:0");
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["Scoring__ModelsFolder"] = models;
            start.Environment["Scoring__Database"] = database;
            start.Environment["Scoring__AdminApiKey"] = AdminKey;

            // The address is read from the start-up line, whatever log levels the caller's environment sets.
            start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
            var launched = Stopwatch.StartNew();
            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + dll);
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var early = new ConcurrentQueue<string>();
            var log = new LogCounts();
            _ = Task.Run(() => ReadOutput(process.StandardOutput, log, early, listening));
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line && !listening.Task.IsCompleted)
                {
                    early.Enqueue(line);
                }
            };
            process.BeginErrorReadLine();
            var started = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false);
            if (started != listening.Task)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("The API did not start:\n" + string.Join('\n', early));
            }

            var api = new ApiProcess(process, await listening.Task.ConfigureAwait(false), log, Math.Round(launched.Elapsed.TotalSeconds, 2));
            progress.Report($"API listening on {api.Address} (pid {process.Id})");
            using var client = Client(api.Address);
            double? firstAnswer = null;

            // Readiness waits for the database warm-up (about 7 s at generate --scale 10): up to a minute.
            var notReady = string.Empty;
            if (!await PollUntil(
                async () =>
                {
                    using var ready = await client.GetAsync("/health/ready").ConfigureAwait(false);
                    firstAnswer ??= launched.Elapsed.TotalSeconds;
                    notReady = await ready.Content.ReadAsStringAsync().ConfigureAwait(false);
                    return ready.IsSuccessStatusCode;
                },
                TimeSpan.FromMinutes(1),
                TimeSpan.FromMilliseconds(100)).ConfigureAwait(false))
            {
                await api.StopAsync().ConfigureAwait(false);
                throw new InvalidOperationException("The API is not ready: " + notReady);
            }

            api.StartUp = api.StartUp with { FirstAnswerSeconds = Math.Round(firstAnswer!.Value, 2), ReadySeconds = Math.Round(launched.Elapsed.TotalSeconds, 2) };
            progress.Report($"API ready {api.StartUp.ReadySeconds:F2} s after launch (first answer after {api.StartUp.FirstAnswerSeconds:F2} s)");

            // Then the warm-up computes the dashboard's figures in the background; measuring meanwhile would share
            // the cores with it (the /health/live reference first).
            if (!await PollUntil(() => Task.FromResult(log.DashboardWarmUps > 0), TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(100)).ConfigureAwait(false))
            {
                await api.StopAsync().ConfigureAwait(false);
                throw new InvalidOperationException("The API did not log computing the dashboard's figures within a minute of being ready.");
            }

            return api;
        }

        public async Task StopAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        public void Dispose() => _process.Dispose();
    }
}
