using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Synthetic;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>
/// The repository's committed models/ (what the API serves out of the box) and the default data they were trained
/// on (seed 42, scale 1), generated and ingested once for the collection.
/// </summary>
public sealed class ScoringFixture : IDisposable
{
    [ModuleInitializer]
    internal static void UseInvariantCulture()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
    }

    public ScoringFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "netflixml-api-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
        SyntheticGenerator.Generate(Path.Combine(Root, "raw"), new GeneratorOptions(42, 1.0));
        Ingestor.Ingest(Path.Combine(Root, "raw"), Database);
        _realNetflix = new Lazy<string>(() =>
        {
            var path = Path.Combine(Root, "real-netflix.db");
            Ingestor.Ingest(Repository.SharedData("netflix-2025-user-behavior"), path);
            return path;
        });
    }

    public string Root { get; }

    /// <summary>
    /// A database ingested from the real Netflix 2025 files (built on first use): other data than the committed models
    /// were trained on, under the same id formats.
    /// </summary>
    public string RealNetflixDatabase => _realNetflix.Value;

    private readonly Lazy<string> _realNetflix;

    public string Database => Path.Combine(Root, "netflix.db");

    /// <summary>The repository's own models folder.</summary>
    public static string RepositoryModels => Path.Combine(Repository.Root, "models");

    /// <summary>A copy of the test database a test may change or replace.</summary>
    public string CopyDatabase()
    {
        var copy = Path.Combine(Root, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(Database, copy);
        return copy;
    }

    /// <summary>A copy of the committed models a test may change.</summary>
    public string CopyModels()
    {
        var target = Path.Combine(Root, "models-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(target, "candidates"));
        foreach (var file in Directory.GetFiles(RepositoryModels, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(RepositoryModels, file)));
        }

        return target;
    }

    /// <summary>A copy of the committed models whose leaderboard says the task's last training promoted no champion, and why.</summary>
    public string CopyModelsWithNoChampion(string task, string reason)
    {
        var models = CopyModels();
        var path = Path.Combine(models, "leaderboard.json");
        var leaderboard = JsonNode.Parse(File.ReadAllText(path))!;
        var entry = leaderboard["tasks"]!.AsArray().Single(t => t!["task"]!.GetValue<string>() == task)!.AsObject();
        entry.Remove("champion");
        entry["noChampion"] = reason;
        File.WriteAllText(path, leaderboard.ToJsonString());
        return models;
    }

    /// <summary>A copy of the committed models whose last training skipped the task, as on data that cannot support it: no entry, no champion file.</summary>
    public string CopyModelsWithSkippedTask(string task, string reason)
    {
        var models = CopyModels();
        var path = Path.Combine(models, "leaderboard.json");
        var leaderboard = JsonNode.Parse(File.ReadAllText(path))!;
        var tasks = leaderboard["tasks"]!.AsArray();
        tasks.Remove(tasks.Single(t => t!["task"]!.GetValue<string>() == task));
        leaderboard["skipped"] = new JsonArray(new JsonObject { ["task"] = task, ["reason"] = reason });
        File.WriteAllText(path, leaderboard.ToJsonString());
        File.Delete(Path.Combine(models, task + ".zip"));
        return models;
    }

    public ScoringFactory Factory(string? models = null, string? database = null, params (string Key, string? Value)[] settings) =>
        new(models ?? RepositoryModels, database ?? Database, settings);

    /// <summary>Runs a query against the test database (to check answers against the data): the first column as text.</summary>
    public List<string> Strings(string sql, params (string Name, object Value)[] parameters) =>
        Rows(sql, parameters).Select(r => r[0].ToString()!).ToList();

    /// <summary>Runs a query against a database: every row's values (DBNull for NULL).</summary>
    public List<object[]> Rows(string sql, params (string Name, object Value)[] parameters) => Query(Database, sql, parameters);

    public static List<object[]> Query(string database, string sql, params (string Name, object Value)[] parameters)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Polls until the condition holds or the timeout passes; returns whether it held.</summary>
    public static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ScoringCollection : ICollectionFixture<ScoringFixture>
{
    public const string Name = "scoring";
}

/// <summary>The API in-process, pointed at a models folder and a database, with its log captured.</summary>
public sealed class ScoringFactory(string models, string database, (string Key, string? Value)[] settings) : WebApplicationFactory<Program>
{
    public CapturedLog Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Scoring:ModelsFolder", models);
        builder.UseSetting("Scoring:Database", database);
        builder.UseSetting("Scoring:ReloadDebounceMilliseconds", "200");

        // Each test's host would otherwise compute every subscriber's churn features at start-up; requests that need
        // them compute them on first use instead.
        builder.UseSetting("Scoring:WarmUpDatabase", "false");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Log));
    }
}

/// <summary>Every log message written, for tests that check what is logged.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
