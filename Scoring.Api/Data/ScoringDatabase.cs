using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using NetflixML.Features;
using NetflixML.Features.Churn;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Storage;
using NetflixML.Features.Top10;
using NetflixML.Scoring.Api.Analytics;
using NetflixML.Scoring.Api.Configuration;
using NetflixML.Scoring.Api.Errors;

namespace NetflixML.Scoring.Api.Data;

/// <summary>A title's display facts.</summary>
public sealed record TitleInfo(string TitleId, string Name, IReadOnlyList<string> Genres);

/// <summary>
/// The gold tables the by-id endpoints need, held in memory: requests never wait on SQLite. The data is loaded once
/// per database file and reloaded when the file changes (a new ingest renames a new file into place); the file is
/// looked at again at most once a second, so a request costs no file-system call either. A changed file is loaded
/// in the background, with the churn features the old version had computed, while requests keep the old version;
/// before, the first request after an ingest loaded it and every request waited on the lock (at generate --scale 10
/// about 5 s, then 7 s more for the first churn look-up). A file that cannot be read is a 503 with the reason until
/// it changes again, as before, but is read once per version rather than again on every request.
/// </summary>
public sealed partial class ScoringDatabase(ScoringPaths paths, TimeProvider clock, ILogger<ScoringDatabase> logger)
{
    public const string Command = "dotnet run --project Training";
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private GoldData? _data;
    private long _checkedAt;

    // The changed file being loaded in the background, and the last changed file that could not be read (and why).
    private (DateTime Stamp, long Length)? _loading;
    private ((DateTime Stamp, long Length) Version, ServiceUnavailableException Problem)? _failed;
    private int _dropped;

    public string Path => paths.Database;

    /// <summary>Raised on the loading task when a changed file's version has been swapped in.</summary>
    public event Action<GoldData>? Swapped;

    /// <summary>The data as of now; a 503 problem when the database does not exist or cannot be read.</summary>
    public GoldData Current() => TryCurrent() ?? throw Missing();

    /// <summary>The data as of now, or null when there is no database.</summary>
    public GoldData? TryCurrent() => TryCurrent(churnAt: null);

    /// <summary>
    /// The data as of now, or null when there is no database. When this call is the one that loads the file (the first
    /// look, or the file was gone), the churn features at <paramref name="churnAt"/> are computed on their own
    /// connection while the rest is read, as the start-up warm-up asks.
    /// </summary>
    public GoldData? TryCurrent(DateTime? churnAt)
    {
        var data = Volatile.Read(ref _data);
        if (data is not null && clock.GetElapsedTime(Volatile.Read(ref _checkedAt)) < RecheckEvery)
        {
            return data;
        }

        lock (_gate)
        {
            var info = new FileInfo(paths.Database);
            if (!info.Exists)
            {
                Volatile.Write(ref _data, null);
                return null;
            }

            var version = (info.LastWriteTimeUtc, info.Length);
            if (_failed is { } failed && failed.Version == version)
            {
                throw failed.Problem;
            }

            data = _data;
            if (data is null)
            {
                // Nothing to serve meanwhile (the first look, or the file was gone): load it now. A file that cannot
                // be read is not read again until it changes (at generate --scale 10 each attempt took seconds).
                try
                {
                    data = GoldData.Load(paths.Database, info, churnAt);
                }
                catch (ServiceUnavailableException ex)
                {
                    _failed = (version, ex);
                    throw;
                }

                Volatile.Write(ref _data, data);
            }
            else if ((data.Stamp, data.Length) == version)
            {
                // Back to the version served (a swap undone): a load of the one in between is no longer wanted.
                _loading = null;
            }
            else
            {
                if (_loading != version)
                {
                    _loading = version;
                    var previous = data;
                    _ = OnOwnThread(() => LoadInBackground(info, version, previous));
                }
            }

            Volatile.Write(ref _checkedAt, clock.GetTimestamp());
            return data;
        }
    }

    /// <summary>How many background loads finished after the file had changed again, and were not served.</summary>
    internal int LoadsDropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Whether a changed file is being loaded in the background.</summary>
    internal bool Loading
    {
        get
        {
            lock (_gate)
            {
                return _loading is not null;
            }
        }
    }

    private void LoadInBackground(FileInfo info, (DateTime Stamp, long Length) version, GoldData previous)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        GoldData? fresh = null;
        ServiceUnavailableException? problem = null;
        try
        {
            // One thing at a time, unlike the start-up load: requests are served meanwhile, and keep a core.
            fresh = GoldData.Load(paths.Database, info);
            fresh.WarmLike(previous);
        }
        catch (ServiceUnavailableException ex)
        {
            problem = ex;
        }
        catch (Exception ex)
        {
            // Anything WithConnection does not already turn into a 503: on a background task it would be lost and
            // leave the load pending for good.
            problem = new ServiceUnavailableException($"The database {paths.Database} cannot be read: {ex.Message}", Command);
        }

        lock (_gate)
        {
            // A file that changed again meanwhile has its own load under way (or is back to the version served);
            // this one is dropped.
            if (_loading != version)
            {
                _dropped++;
                return;
            }

            _loading = null;
            if (fresh is not null)
            {
                _failed = null;
                Volatile.Write(ref _data, fresh);
                Reloaded(logger, paths.Database, fresh.Movies.Count, stopwatch.Elapsed.TotalMilliseconds);
            }
            else
            {
                _failed = (version, problem!);
                ReloadFailed(logger, problem!.Message);
                return;
            }
        }

        Swapped?.Invoke(fresh);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Path} changed: the new version ({Titles} titles, churn features computed) was loaded in the background in {ElapsedMs:F0} ms and is now served")]
    private static partial void Reloaded(ILogger logger, string path, int titles, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database changed and the new version cannot be loaded: {Reason} By-id requests answer 503 until the file changes again")]
    private static partial void ReloadFailed(ILogger logger, string reason);

    private ServiceUnavailableException Missing() =>
        new($"The database {paths.Database} does not exist, so subscribers and titles cannot be looked up.", Command);

    /// <summary>
    /// Runs seconds of blocking work on a thread of its own. On the thread pool it held one of the two threads a 2-core
    /// machine starts with: with the database read and the churn features computed side by side on pool threads, the
    /// first HTTP answer after start-up came 3.7-4.1 s after launch instead of 1.2-1.6 s, until the pool grew.
    /// </summary>
    internal static Task<T> OnOwnThread<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <inheritdoc cref="OnOwnThread{T}(Func{T})"/>
    internal static Task OnOwnThread(Action work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Runs <paramref name="read"/> on a read-only connection to the file; one that cannot be opened or read is a 503.</summary>
    internal static T WithConnection<T>(string path, Func<SqliteConnection, T> read)
    {
        try
        {
            using var db = SqliteDatabase.Open(path, readOnly: true, pooling: false);
            return read(db);
        }
        catch (DataInputException ex)
        {
            throw new ServiceUnavailableException(ex.Message, Command); // it names the file and the problem
        }
        catch (SqliteException ex)
        {
            throw new ServiceUnavailableException($"The database {path} cannot be read: {ex.Message}", Command);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidCastException or FormatException or OverflowException)
        {
            // A value ingest never writes (a title with no name, text in a number column): the reader's own words.
            // Before, at start-up it stopped the whole API, payload predictions too.
            throw new ServiceUnavailableException($"The database {path} cannot be read: a value is not what ingest writes ({ex.Message})", Command);
        }
    }
}

/// <summary>
/// One version of the database, in memory. Immutable apart from what is computed on first use and then kept for the
/// life of this version: churn features per snapshot, and the analytics figures.
/// </summary>
public sealed class GoldData
{
    /// <summary>Distinct analytics queries kept; past this (e.g. many different title sets) they are computed each time.</summary>
    public const int MaxCachedFigures = 512;

    private readonly ConcurrentDictionary<string, Lazy<object>> _figures = new(StringComparer.Ordinal);
    private int _figuresComputed;
    private readonly ConcurrentDictionary<DateTime, Lazy<ChurnTable>> _churn = new();
    private readonly Lazy<TrackRecordIndex> _trackRecords;

    private GoldData(string path, FileInfo info, SqliteConnection db)
    {
        Path = path;
        Stamp = info.LastWriteTimeUtc;
        Length = info.Length;
        var movies = new Dictionary<string, TitleInfo>(StringComparer.Ordinal);
        Read(db, $"SELECT movie_id, title, genre_primary, genre_secondary FROM {GoldTables.Movies}", r =>
        {
            var genres = new[] { r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3) }.OfType<string>().Distinct().ToArray();
            movies[r.GetString(0)] = new TitleInfo(r.GetString(0), r.GetString(1), genres);
        });
        Movies = movies;
        Viewing = ViewingFacts.Read(db, movies);
        _trackRecords = new Lazy<TrackRecordIndex>(() => ScoringDatabase.WithConnection(path, titles => new TrackRecordIndex(TitleTable.FromDatabase(titles))), LazyThreadSafetyMode.PublicationOnly);
        try
        {
            ChurnSnapshot = Features.Churn.ChurnFeatures.ResolveSnapshot(db);
        }
        catch (DataInputException)
        {
            ChurnSnapshot = null;
        }
    }

    /// <summary>The database file this version was read from.</summary>
    public string Path { get; }

    public DateTime Stamp { get; }

    public long Length { get; }

    public IReadOnlyDictionary<string, TitleInfo> Movies { get; }

    /// <summary>
    /// Earlier titles' Top-10 outcomes, indexed for the point-in-time track records of a new title. Built on first use:
    /// a Top-10 model file carries its own history, so only an older file without one reads it.
    /// </summary>
    public TrackRecordIndex TrackRecords => _trackRecords.Value;

    /// <summary>The churn snapshot of this data (null when it has no events).</summary>
    public DateTime? ChurnSnapshot { get; }

    /// <summary>
    /// The date churn features are computed at for a model: the snapshot its manifest records, else this data's own
    /// (null when neither is known). The by-id endpoint and the start-up warm-up both ask here, so the warm-up fills
    /// the table the requests read.
    /// </summary>
    public DateTime? ChurnSnapshotFor(DateTime? modelSnapshot) => modelSnapshot ?? ChurnSnapshot;

    public bool UserExists(string userId) => Viewing.IsSubscriber(userId);

    /// <summary>The watch events and the subscriber fields viewing is grouped by, for the viewing figures.</summary>
    public ViewingFacts Viewing { get; }

    /// <summary>
    /// Computes on this version the churn features <paramref name="previous"/> had computed (the same snapshots), so
    /// the requests that read them do not wait once this version replaces it. One that fails is kept failed, and the
    /// request that reads it gets the same 503 it would have got.
    /// </summary>
    internal void WarmLike(GoldData previous)
    {
        foreach (var (snapshot, table) in previous._churn)
        {
            if (table.IsValueCreated)
            {
                try
                {
                    ChurnFeatures(string.Empty, snapshot);
                }
                catch (ServiceUnavailableException)
                {
                }
            }
        }
    }

    /// <summary>The snapshots whose churn features this version has computed.</summary>
    internal IEnumerable<DateTime> ChurnSnapshotsComputed => _churn.Where(c => c.Value.IsValueCreated).Select(c => c.Key);

    /// <summary>The snapshots whose churn features this version has computed, is computing or was asked for.</summary>
    internal IEnumerable<DateTime> ChurnSnapshotsStarted => _churn.Keys;

    /// <summary>Whether anyone watched anything (the real Netflix 2025 files have no watch history).</summary>
    public bool HasWatchEvents => Viewing.Count > 0;

    /// <summary>Every title the subscriber has watched, in id order.</summary>
    public IReadOnlyList<string> WatchedBy(string userId) => Viewing.WatchedBy(userId);

    /// <summary>A subscriber's churn features at the snapshot (null if they had not subscribed by then or do not exist).</summary>
    public ChurnRow? ChurnFeatures(string userId, DateTime snapshot) =>
        _churn.GetOrAdd(snapshot, s => new Lazy<ChurnTable>(() => ChurnTable.Compute(Path, s))).Value.Row(userId);

    /// <summary>How many analytics queries have run against this version (the cache's misses).</summary>
    internal int FiguresComputed => Volatile.Read(ref _figuresComputed);

    /// <summary>An analytics query's result on this version of the database: computed once, then served from memory.</summary>
    public T Figures<T>(string key, Func<SqliteConnection, T> query)
        where T : class => Cached(key, () => ScoringDatabase.WithConnection(Path, query));

    /// <summary>A figure counted from this version's viewing (<see cref="Viewing"/>), kept as <see cref="Figures{T}"/> keeps a query's.</summary>
    public T ViewingFigures<T>(string key, Func<ViewingFacts, T> count)
        where T : class => Cached(key, () => count(Viewing));

    private T Cached<T>(string key, Func<T> compute)
        where T : class
    {
        if (!_figures.TryGetValue(key, out var figures))
        {
            if (_figures.Count >= MaxCachedFigures)
            {
                return Run(compute);
            }

            // Publication-only: a failed query is not remembered, and a rare race runs it twice.
            figures = _figures.GetOrAdd(key, _ => new Lazy<object>(() => Run(compute), LazyThreadSafetyMode.PublicationOnly));
        }

        return (T)figures.Value;
    }

    private T Run<T>(Func<T> compute)
    {
        Interlocked.Increment(ref _figuresComputed);
        return compute();
    }

    /// <summary>
    /// Reads one version of the database. The churn features at <paramref name="churnAt"/> are computed meanwhile, on
    /// a thread and connection of their own (they read only the file), and kept as a request would keep them: the
    /// first to ask waits for what is left, and if they failed, each look-up fails as it would have. At generate
    /// --scale 10 the two took 5 and 8 s one after the other on a slow day.
    /// </summary>
    internal static GoldData Load(string path, FileInfo info, DateTime? churnAt = null)
    {
        var churn = churnAt is { } snapshot ? ScoringDatabase.OnOwnThread(() => ChurnTable.Compute(path, snapshot)) : null;
        GoldData data;
        try
        {
            data = ScoringDatabase.WithConnection(path, db => new GoldData(path, info, db));
        }
        catch
        {
            // The version is not served: its churn table is not wanted, and its own failure is not news.
            _ = churn?.ContinueWith(t => t.Exception, TaskScheduler.Default);
            throw;
        }

        if (churnAt is { } at && churn is not null)
        {
            data._churn[at] = new Lazy<ChurnTable>(() => churn.GetAwaiter().GetResult());
        }

        return data;
    }

    internal static void Read(SqliteConnection db, string sql, Action<SqliteDataReader> row)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            row(reader);
        }
    }

    /// <summary>Every subscriber's churn features at one snapshot, as flat arrays (a few doubles per subscriber).</summary>
    private sealed class ChurnTable
    {
        private readonly string[] _numericNames;
        private readonly string[] _categoricalNames;
        private readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);
        private readonly double[] _numeric;
        private readonly string?[] _categorical;

        private ChurnTable(IReadOnlyList<ChurnRow> rows)
        {
            _numericNames = rows.Count == 0 ? [] : [.. rows[0].Numeric.Keys];
            _categoricalNames = rows.Count == 0 ? [] : [.. rows[0].Categorical.Keys];
            _numeric = new double[rows.Count * _numericNames.Length];
            _categorical = new string?[rows.Count * _categoricalNames.Length];
            for (var i = 0; i < rows.Count; i++)
            {
                _rows[rows[i].UserId] = i;
                for (var j = 0; j < _numericNames.Length; j++)
                {
                    _numeric[(i * _numericNames.Length) + j] = rows[i].Numeric[_numericNames[j]];
                }

                for (var j = 0; j < _categoricalNames.Length; j++)
                {
                    _categorical[(i * _categoricalNames.Length) + j] = rows[i].Categorical[_categoricalNames[j]];
                }
            }
        }

        public static ChurnTable Compute(string path, DateTime snapshot) =>
            ScoringDatabase.WithConnection(path, db => new ChurnTable(Features.Churn.ChurnFeatures.Compute(db, snapshot)));

        public ChurnRow? Row(string userId)
        {
            if (!_rows.TryGetValue(userId, out var i))
            {
                return null;
            }

            var numeric = new Dictionary<string, double>(_numericNames.Length, StringComparer.Ordinal);
            for (var j = 0; j < _numericNames.Length; j++)
            {
                numeric[_numericNames[j]] = _numeric[(i * _numericNames.Length) + j];
            }

            var categorical = new Dictionary<string, string?>(_categoricalNames.Length, StringComparer.Ordinal);
            for (var j = 0; j < _categoricalNames.Length; j++)
            {
                categorical[_categoricalNames[j]] = _categorical[(i * _categoricalNames.Length) + j];
            }

            return new ChurnRow(userId, numeric, categorical, null);
        }
    }
}
