using Microsoft.Extensions.Options;
using NetflixML.Features.Reporting;
using NetflixML.Scoring.Api.Configuration;

namespace NetflixML.Scoring.Api.Models;

/// <summary>
/// Loads the models at start-up, then watches the models folder: each change restarts a short quiet timer, and when it
/// runs out (a retrain writes several files) the registry reloads once, or, while a training run still holds the
/// folder's lock, when that run ends. Whether the folder exists is checked every second: one created after start-up
/// (the first `train --models` into a new folder) is watched and loaded from then, and one removed and created again
/// is watched anew. Before, a folder missing at start-up was never watched, so the API served no models until it was
/// restarted, and a removed folder's watcher saw nothing of the new one.
/// </summary>
public sealed class ModelWatcher(ModelRegistry registry, IOptions<ScoringOptions> options, ILogger<ModelWatcher> logger) : IHostedService, IDisposable
{
    private const int LockRecheckMilliseconds = 100;
    private const int FolderCheckMilliseconds = 1000;

    private readonly Lock _gate = new();
    private FileSystemWatcher? _watcher;
    private Timer? _timer;
    private Timer? _folderCheck;
    private bool _stopped;

    private bool _deferred; // logged once per run, not at every check

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await registry.ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (!options.Value.WatchModels)
        {
            return;
        }

        _timer = new Timer(_ => _ = ReloadAsync(), null, Timeout.Infinite, Timeout.Infinite);
        CheckFolder(startUp: true);
        _folderCheck = new Timer(_ => CheckFolder(startUp: false), null, FolderCheckMilliseconds, FolderCheckMilliseconds);
    }

    /// <summary>Watches the folder when it exists and is not watched yet; stops when it is gone. A change either way reloads.</summary>
    private void CheckFolder(bool startUp)
    {
        lock (_gate)
        {
            var exists = Directory.Exists(registry.ModelsFolder);
            if (_stopped || exists == _watcher is not null)
            {
                return;
            }

            if (exists)
            {
                _watcher = new FileSystemWatcher(registry.ModelsFolder)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                _watcher.Changed += OnChange;
                _watcher.Created += OnChange;
                _watcher.Deleted += OnChange;
                _watcher.Renamed += OnChange;
                _watcher.EnableRaisingEvents = true;
            }
            else
            {
                _watcher?.Dispose();
                _watcher = null;
                Log.NotWatching(logger, registry.ModelsFolder);
            }

            // At start-up the models were just loaded; later the folder came or went, and what it holds changed.
            if (!startUp)
            {
                if (exists)
                {
                    Log.FolderAppeared(logger, registry.ModelsFolder);
                }

                _timer?.Change(options.Value.ReloadDebounceMilliseconds, Timeout.Infinite);
            }
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        if (e.Name is { } name && (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
        {
            _timer?.Change(options.Value.ReloadDebounceMilliseconds, Timeout.Infinite);
        }
    }

    private async Task ReloadAsync()
    {
        // A training run still writing: its champions, leaderboard and leakage report are swapped in together when it
        // ends, not a champion first beside the last run's leaderboard. (A run stopped while moving its files into
        // place is read through its staging folder: the registry loads the set it was committing.)
        if (ModelsFolderLock.IsHeld(registry.ModelsFolder))
        {
            if (!_deferred)
            {
                Log.Deferred(logger, registry.ModelsFolder);
                _deferred = true;
            }

            // Asked again after the quiet period, but not more often than LockRecheckMilliseconds: with a quiet period of
            // 0 (which the settings allow) the check re-fired at once and spun on the lock file for the whole run.
            _timer?.Change(Math.Max(options.Value.ReloadDebounceMilliseconds, LockRecheckMilliseconds), Timeout.Infinite);
            return;
        }

        _deferred = false;
        Log.Changed(logger, registry.ModelsFolder);
        await registry.ReloadAsync().ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stopped = true;
            if (_watcher is not null)
            {
                _watcher.EnableRaisingEvents = false;
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _folderCheck?.Dispose();
        lock (_gate)
        {
            _stopped = true;
            _watcher?.Dispose();
        }

        _timer?.Dispose();
    }
}
