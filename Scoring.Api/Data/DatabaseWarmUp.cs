using System.Diagnostics;
using Microsoft.Extensions.Options;
using NetflixML.Scoring.Api.Configuration;
using NetflixML.Scoring.Api.Errors;
using NetflixML.Scoring.Api.Models;

namespace NetflixML.Scoring.Api.Data;

/// <summary>
/// After start-up, loads the database into memory and computes every subscriber's churn features at the churn
/// model's snapshot, in the background, so the first requests do not pay for it. Until it is done readiness is 503
/// (<see cref="Health.ModelsReadyCheck"/>): at generate --scale 10 it took about 7 s on a quiet day (10-11 s before
/// ingest widened the indexes the churn aggregates read), and a by-id request sent meanwhile waited for it (7.4 s for
/// the first churn look-up) although readiness already said Healthy. Since the churn features are computed beside the
/// read, launch to ready on a slow day went from 13.0-19.6 s to 9.9-13.2 s. Once ready, it computes the figures the
/// dashboard's Content view asks for first (<see cref="Apis.AnalyticsApi.WarmDashboard"/>), which its first visitor
/// waited for: 2.7-4.1 s each at scale 10 when they were SQL, 0.6-0.8 s together now.
/// </summary>
public sealed partial class DatabaseWarmUp(ScoringDatabase database, ModelRegistry registry, IOptions<ScoringOptions> options, ILogger<DatabaseWarmUp> logger) : BackgroundService
{
    private readonly long _created = Stopwatch.GetTimestamp();
    private volatile bool _warming = options.Value.WarmUpDatabase;

    /// <summary>How long the warm-up has run, while it runs (from the service's creation, so before it starts too); null once done or when it is off.</summary>
    public TimeSpan? Warming => _warming ? Stopwatch.GetElapsedTime(_created) : null;

    /// <summary>The database the warm-up loads.</summary>
    public string DatabasePath => database.Path;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUpDatabase)
        {
            return Task.CompletedTask;
        }

        // A new version swapped in after an ingest starts with no figures either: compute them on the loading task.
        database.Swapped += _ => WarmDashboard(Stopwatch.StartNew());

        return stoppingToken.IsCancellationRequested ? Task.CompletedTask : ScoringDatabase.OnOwnThread(WarmUp);
    }

    private void WarmUp()
    {
        var clock = Stopwatch.StartNew();
        try
        {
            // The churn features at the model's snapshot are computed beside the rest of the load (when this is the
            // load); a model without one is computed at the data's own snapshot, known once the data is read.
            var modelSnapshot = registry.Current.Churn?.Snapshot;
            if (database.TryCurrent(churnAt: modelSnapshot) is not { } gold)
            {
                NoDatabase(logger, database.Path);
                return;
            }

            var read = clock.Elapsed.TotalMilliseconds;
            if (gold.ChurnSnapshotFor(modelSnapshot) is { } snapshot)
            {
                // Started by the load, or only now: a request loaded the file first, or the model names no snapshot.
                var when = gold.ChurnSnapshotsStarted.Contains(snapshot) ? "beside the read" : "after the read";
                gold.ChurnFeatures(string.Empty, snapshot);
                Loaded(logger, database.Path, gold.Movies.Count, clock.Elapsed.TotalMilliseconds, read, snapshot, when);
            }
            else
            {
                LoadedWithoutChurn(logger, database.Path, gold.Movies.Count, read);
            }
        }
        catch (ServiceUnavailableException ex)
        {
            Failed(logger, ex.Message);
            return;
        }
        finally
        {
            _warming = false;
        }

        // Ready by now: the dashboard's figures do not hold up predictions.
        clock.Restart();
        WarmDashboard(clock);
    }

    private void WarmDashboard(Stopwatch clock)
    {
        try
        {
            var figures = Apis.AnalyticsApi.WarmDashboard(database);
            DashboardComputed(logger, figures, clock.Elapsed.TotalMilliseconds);
        }
        catch (ServiceUnavailableException ex)
        {
            Failed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard figures computed ({Figures} of them) in {ElapsedMs:F0} ms")]
    private static partial void DashboardComputed(ILogger logger, int figures, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Path} loaded ({Titles} titles, churn features computed) in {ElapsedMs:F0} ms: read in {ReadMs:F0} ms, churn features at {Snapshot:yyyy-MM-dd} computed {When}")]
    private static partial void Loaded(ILogger logger, string path, int titles, double elapsedMs, double readMs, DateTime snapshot, string when);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Path} loaded ({Titles} titles) in {ElapsedMs:F0} ms; no churn features: it has no events, and no churn model names a snapshot")]
    private static partial void LoadedWithoutChurn(ILogger logger, string path, int titles, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No database at {Path}: subscriber and title look-ups answer 503 until `dotnet run --project Training` creates it")]
    private static partial void NoDatabase(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database could not be loaded: {Reason}")]
    private static partial void Failed(ILogger logger, string reason);
}
