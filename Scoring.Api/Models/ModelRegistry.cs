using System.Security.Cryptography;
using NetflixML.Features.Catalog;
using NetflixML.Features.Reporting;
using NetflixML.Features.Top10;
using NetflixML.Learning.Data;
using NetflixML.Learning.Models;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Recommendation;
using NetflixML.Scoring.Api.Configuration;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Errors;
using NetflixML.Scoring.Api.Predictions;

namespace NetflixML.Scoring.Api.Models;

/// <summary>What identifies a loaded model file.</summary>
public interface IServedModel
{
    string Sha256 { get; }
}

/// <summary>A loaded binary champion and what identifies it.</summary>
public sealed record ServedClassifier(string Task, BinaryClassifier Model, ModelManifest Manifest, string Path, string Sha256, DateTimeOffset LoadedAt, TrackRecordIndex? TrackRecords = null) : IServedModel
{
    public string Name => Manifest.Properties?["name"]?.GetValue<string>() ?? Task;

    /// <summary>Matches request values to the categories the model was trained on.</summary>
    public CategoryMatcher Categories { get; } = new(Model);

    /// <summary>Each numeric feature's range in the rows the model was fitted on, as its manifest records it (none in older files).</summary>
    public IReadOnlyDictionary<string, (double Min, double Max)> TrainingRanges { get; } = Manifest.Features
        .Where(f => f.Min is not null && f.Max is not null)
        .ToDictionary(f => f.Name, f => (f.Min!.Value, f.Max!.Value), StringComparer.Ordinal);

    /// <summary>The values of <paramref name="names"/> (given in <paramref name="values"/>) outside their training range; missing values are not.</summary>
    public IReadOnlyList<OutOfRangeInput> OutsideTraining(string[] names, double[] values)
    {
        List<OutOfRangeInput>? outside = null;
        for (var i = 0; i < names.Length; i++)
        {
            if (TrainingRanges.TryGetValue(names[i], out var range) && (values[i] < range.Min || values[i] > range.Max))
            {
                (outside ??= []).Add(new OutOfRangeInput(names[i], values[i], range.Min, range.Max));
            }
        }

        return outside ?? (IReadOnlyList<OutOfRangeInput>)[];
    }

    /// <summary>The date the model's features were computed at (churn), when the manifest records it.</summary>
    public DateTime? Snapshot => Manifest.Properties?["snapshot"]?.GetValue<string>() is { } text
        ? DateTime.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
        : null;

    /// <summary>The first 12 hex digits of the file's SHA-256: changes whenever the file does.</summary>
    public string Version => Sha256[..12];
}

/// <summary>The loaded recommendation champion.</summary>
public sealed record ServedRecommender(Recommender Model, ModelManifest Manifest, string Path, string Sha256, DateTimeOffset LoadedAt) : IServedModel
{
    public string Name => Manifest.Properties?["name"]?.GetValue<string>() ?? Manifest.Trainer;

    /// <summary>The catalogue's genres, for matching a request's genre filter (built once per loaded model).</summary>
    public KnownValues Genres { get; } = new(Model.Catalog.AllGenres);

    /// <summary>Whether its factors learned from clicked recommendations as well as watch events (its file's <c>learnedFrom</c> lists them).</summary>
    public bool LearnedFromClicks { get; } = Manifest.Properties?["learnedFrom"] is System.Text.Json.Nodes.JsonArray sources
        && sources.Any(s => s is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var name) && name == Features.Recommend.RecommendData.ClickedRecommendations);

    public string Version => Sha256[..12];
}

/// <summary>A file that failed to load; the model it would have replaced keeps serving.</summary>
public sealed record LoadError(string Task, string File, string Reason, DateTimeOffset At);

/// <summary>Everything served at one moment; replaced as a whole, never changed in place.</summary>
public sealed record ServedModels(
    ServedClassifier? Top10,
    ServedClassifier? Churn,
    ServedRecommender? Recommend,
    Leaderboard? Leaderboard,
    LeakageReport? Leakage,
    IReadOnlyList<LoadError> Errors,
    DateTimeOffset LoadedAt,
    long Generation)
{
    public static ServedModels Empty { get; } = new(null, null, null, null, null, [], DateTimeOffset.MinValue, 0);

    public ServedClassifier? Classifier(string task) => task switch
    {
        FeatureCatalog.Top10 => Top10,
        FeatureCatalog.Churn => Churn,
        _ => null,
    };

    /// <summary>Why the last training left <paramref name="task"/> without a champion, as the leaderboard records it; null when it does not.</summary>
    public string? NoChampionReason(string task) => Leaderboard?.NoChampionReason(task);

    public IEnumerable<string> MissingChampions =>
        new[] { (FeatureCatalog.Top10, (object?)Top10), (FeatureCatalog.Churn, Churn), (FeatureCatalog.Recommend, Recommend) }.Where(m => m.Item2 is null).Select(m => m.Item1);
}

/// <summary>
/// Holds the served models. A reload reads each champion's bytes once, hashes them, loads and warms up the models
/// whose hash changed beside the ones serving, and then swaps the whole set in one reference write: a request sees
/// either the old set or the new one, never a mix, and never waits. A file that fails to load (corrupt, wrong
/// version, hash mismatch) leaves the previous model serving; the failure is kept in <see cref="ServedModels.Errors"/>
/// and logged. Reloads are serialised.
/// </summary>
public sealed class ModelRegistry(ScoringPaths paths, ILogger<ModelRegistry> logger, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private ServedModels _current = ServedModels.Empty;

    public ServedModels Current => Volatile.Read(ref _current);

    public string ModelsFolder => paths.ModelsFolder;

    /// <summary>The task's binary champion now; a 503 naming the command that trains it when none is loaded.</summary>
    public ServedClassifier Classifier(string task) => Current.Classifier(task) ?? throw NotLoaded(task);

    /// <summary>The recommendation champion now; a 503 naming the command that trains it when none is loaded.</summary>
    public ServedRecommender Recommender() => Current.Recommend ?? throw NotLoaded(FeatureCatalog.Recommend);

    /// <summary>The 503 for a task with no champion; when the last training skipped the task or promoted none, it says why.</summary>
    private ServiceUnavailableException NotLoaded(string task) =>
        new($"No {task} model is loaded from {ModelsFolder}." + (Current.NoChampionReason(task) is { } why ? " " + why : string.Empty),
            $"dotnet run --project Training -- train --task {task}");

    public void Dispose() => _reloading.Dispose();

    public async Task<ServedModels> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var old = Current;
            var now = clock.GetUtcNow();
            var errors = new List<LoadError>();
            var leaderboard = LoadReport(Leaderboard.FileName, Leaderboard.FromJson, old.Leaderboard, now, errors);
            var leakage = LoadReport(LeakageReport.FileName, LeakageReport.FromJson, old.Leakage, now, errors);
            var top10 = Load(FeatureCatalog.Top10, old.Top10, leaderboard, now, errors, (bytes, path, sha) => LoadClassifier(FeatureCatalog.Top10, bytes, path, sha, now));
            var churn = Load(FeatureCatalog.Churn, old.Churn, leaderboard, now, errors, (bytes, path, sha) => LoadClassifier(FeatureCatalog.Churn, bytes, path, sha, now));
            var recommend = Load(FeatureCatalog.Recommend, old.Recommend, leaderboard, now, errors, (bytes, path, sha) => LoadRecommender(bytes, path, sha, now));
            var next = new ServedModels(top10, churn, recommend, leaderboard, leakage, errors, now, old.Generation + 1);
            if (StagedRun.CommitPending(ModelsFolder) && !ModelsFolderLock.IsHeld(ModelsFolder)) // a marked folder and no run: a stopped one
            {
                Log.ServingStaged(logger, ModelsFolder);
            }

            Volatile.Write(ref _current, next);
            Log.Reloaded(logger, next.Generation, top10?.Version ?? "-", churn?.Version ?? "-", recommend?.Version ?? "-", errors.Count);
            return next;
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>
    /// Reads a champion's file once and hashes it: the same hash keeps the serving model; otherwise the file is loaded
    /// and warmed up, and if that fails the serving model stays and the failure is recorded.
    /// </summary>
    private T? Load<T>(string task, T? serving, Leaderboard? leaderboard, DateTimeOffset now, List<LoadError> errors, Func<byte[], string, string, T> load)
        where T : class, IServedModel
    {
        var path = paths.ModelPath(task);
        var bytes = Read(task, Path.GetFileName(path), path, leaderboard?.NoChampionReason(task), now, errors);
        if (bytes is null)
        {
            return serving;
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (serving is not null && serving.Sha256 == sha)
        {
            return serving;
        }

        try
        {
            return load(bytes, path, sha);
        }
        catch (ModelFileException ex)
        {
            Fail(errors, task, path, ex.Reason, now, serving is not null);
            return serving;
        }
    }

    private static ServedClassifier LoadClassifier(string task, byte[] bytes, string path, string sha, DateTimeOffset now)
    {
        var (model, manifest, attachments) = ModelFile.LoadBinaryClassifierWithAttachments(bytes, path);
        if (manifest.Task != task)
        {
            throw new ModelFileException(path, $"holds a '{manifest.Task}' model, not '{task}'");
        }

        // A Top-10 model carries the titles its track records were computed from; they are looked up there, not in
        // whatever the database holds (files from before it carried them fall back to the database).
        TrackRecordIndex? records = null;
        if (attachments.TryGetValue(TrackRecordHistory.EntryName, out var history))
        {
            try
            {
                records = new TrackRecordIndex(TrackRecordHistory.Read(history));
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                throw new ModelFileException(path, $"entry '{TrackRecordHistory.EntryName}' is malformed: {ex.Message}", ex);
            }
        }

        // One prediction on an all-missing row, so the first real request pays no first-call costs.
        var schema = model.Schema;
        var numeric = Enumerable.Repeat(double.NaN, schema.NumericCount).ToArray();
        var row = new FeatureRow(numeric, new string?[schema.CategoricalCount], new string[]?[schema.SetCount]);
        model.PredictProbability(row);
        model.Explain(row);
        return new ServedClassifier(task, model, manifest, path, sha, now, records);
    }

    private static ServedRecommender LoadRecommender(byte[] bytes, string path, string sha, DateTimeOffset now)
    {
        var (model, manifest) = RecommenderFile.Load(bytes, path);
        var buffer = new ScoredItem[10];
        model.Recommend("warm-up", buffer);
        if (model.History.Users.Count > 0)
        {
            model.Recommend(model.History.Users[0], buffer);
        }

        return new ServedRecommender(model, manifest, path, sha, now);
    }

    private T? LoadReport<T>(string file, Func<string, T> parse, T? serving, DateTimeOffset now, List<LoadError> errors)
        where T : class
    {
        var path = Path.Combine(paths.ModelsFolder, file);
        string text;
        try
        {
            using var reader = new StreamReader(new MemoryStream(StagedRun.ReadCommitted(paths.ModelsFolder, file)), detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return serving;
        }
        catch (IOException ex)
        {
            Fail(errors, file, path, "unreadable: " + ex.Message, now, serving is not null);
            return serving;
        }

        try
        {
            return parse(text);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or IOException)
        {
            Fail(errors, file, path, "not a valid report: " + ex.Message, now, serving is not null);
            return serving;
        }
    }

    /// <summary>Reads <paramref name="file"/> as the latest commit into the models folder leaves it (<see cref="StagedRun.ReadCommitted"/>).</summary>
    private byte[]? Read(string task, string file, string path, string? noChampionReason, DateTimeOffset now, List<LoadError> errors)
    {
        // A file being replaced may be briefly unreadable; the next change event reloads it.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return StagedRun.ReadCommitted(paths.ModelsFolder, file);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                errors.Add(new LoadError(task, path, "no such file: " + (noChampionReason ?? "run `dotnet run --project Training` to create it"), now));
                return null;
            }
            catch (IOException ex) when (attempt < 5)
            {
                Log.Retrying(logger, path, ex.Message);
                Thread.Sleep(50);
            }
            catch (IOException ex)
            {
                errors.Add(new LoadError(task, path, "unreadable: " + ex.Message, now));
                return null;
            }
        }
    }

    private void Fail(List<LoadError> errors, string task, string path, string reason, DateTimeOffset now, bool keptOld)
    {
        errors.Add(new LoadError(task, path, reason, now));
        Log.LoadFailed(logger, task, path, reason, keptOld ? "the previous model keeps serving" : "nothing is served for it");
    }
}

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Models loaded (generation {Generation}): top10 {Top10}, churn {Churn}, recommend {Recommend}; {Errors} load errors")]
    public static partial void Reloaded(ILogger logger, long generation, string top10, string churn, string recommend, int errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load {Task} from {Path}: {Reason}; {Consequence}")]
    public static partial void LoadFailed(ILogger logger, string task, string path, string reason, string consequence);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retrying read of {Path}: {Reason}")]
    public static partial void Retrying(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change in {Folder}; reloading")]
    public static partial void Changed(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change in {Folder} while a training run holds its lock; reloading when the run ends")]
    public static partial void Deferred(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A training run into {Folder} stopped while moving its files into place; serving the files it was committing, from its staging folder where they have not moved yet, until the next train or leakage run into the folder finishes the move")]
    public static partial void ServingStaged(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Models folder {Folder} does not exist; its models load when it is created")]
    public static partial void NotWatching(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Models folder {Folder} now exists; watching it and loading its models")]
    public static partial void FolderAppeared(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prediction {Endpoint}: model {Model} version {Version}, {Items} item(s), {ElapsedMs:F2} ms")]
    public static partial void Prediction(ILogger logger, string endpoint, string model, string version, int items, double elapsedMs);
}
