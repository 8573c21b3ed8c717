using NetflixML.Features.Catalog;
using NetflixML.Features.Churn;
using NetflixML.Features.Top10;
using NetflixML.Learning.Data;
using NetflixML.Learning.Evaluation;

namespace NetflixML.Training.Pipeline;

/// <summary>
/// A binary task's rows, how to turn them into any of its feature sets, and the split: a test set (temporal for
/// Top-10) and the training part that cross-validation folds by group.
/// </summary>
public sealed class BinaryTaskData
{
    private readonly Func<FeatureSet, TabularData> _build;

    private BinaryTaskData(string task, IReadOnlyList<string> ids, Func<FeatureSet, TabularData> build, int[] train, int[] test, string split, double[]? truth, DateTime? snapshot = null, IReadOnlyDictionary<string, byte[]>? attachments = null)
    {
        Snapshot = snapshot;
        Attachments = attachments;
        Task = task;
        Ids = ids;
        _build = build;
        TrainRows = train;
        TestRows = test;
        Split = split;
        TrueProbability = truth;
    }

    public string Task { get; }

    /// <summary>Row ids (title or subscriber), also the CV groups: no id is on both sides of a fold.</summary>
    public IReadOnlyList<string> Ids { get; }

    public int[] TrainRows { get; }

    public int[] TestRows { get; }

    public string Split { get; }

    /// <summary>The churn snapshot the features were computed at (null for Top-10).</summary>
    public DateTime? Snapshot { get; }

    /// <summary>What serving needs beside every model of the task (Top-10: the track-record history), saved in its file.</summary>
    public IReadOnlyDictionary<string, byte[]>? Attachments { get; }

    /// <summary>Planted probabilities per row, when the data came with truth.json.</summary>
    public double[]? TrueProbability { get; }

    public TabularData Build(FeatureSet set) => _build(set);

    /// <summary>Top-10: titles in release order; the latest fifth by release date is the test set.</summary>
    public static BinaryTaskData Top10(IReadOnlyList<TitleRecord> titles, IReadOnlyDictionary<string, double>? truth)
    {
        var labelled = titles.Where(t => t.InTop10 is not null).OrderBy(t => t.EffectiveDate).ThenBy(t => t.TitleId, StringComparer.Ordinal).ToList();
        if (labelled.Count < 50)
        {
            throw new Features.TaskDataException($"The Top-10 task needs at least 50 titles with a netflix_top_10 outcome; there are {labelled.Count}.");
        }

        var dates = labelled.Select(t => t.EffectiveDate).ToArray();
        var cutoff = TemporalSplit.CutoffForFraction(dates, 0.2);
        var (train, test) = TemporalSplit.ByCutoff(dates, cutoff);
        return new BinaryTaskData(FeatureCatalog.Top10, labelled.Select(t => t.TitleId).ToList(), set => Top10Features.Build(labelled, set), train, test,
            $"temporal: titles released before {cutoff:yyyy-MM-dd} train ({train.Length}), the rest test ({test.Length}); 5-fold CV on the training part, grouped by title",
            TruthFile.For(truth, labelled.Select(t => t.TitleId)),
            attachments: new Dictionary<string, byte[]> { [TrackRecordHistory.EntryName] = TrackRecordHistory.Write(labelled) });
    }

    /// <summary>
    /// Churn: one row per subscriber at the snapshot. The data carries one outcome per subscriber (is_active), so
    /// there is one snapshot; a stratified fifth of the subscribers, held out whole, is the test set.
    /// </summary>
    public static BinaryTaskData Churn(IReadOnlyList<ChurnRow> rows, DateTime snapshot, int seed, IReadOnlyDictionary<string, double>? truth)
    {
        var labelled = rows.Where(r => r.Churned is not null).ToList();
        if (labelled.Count < 50)
        {
            throw new Features.TaskDataException($"The churn task needs at least 50 subscribers with an outcome (is_active); there are {labelled.Count}.");
        }

        var labels = labelled.Select(r => r.Churned == true ? 1f : 0f).ToArray();
        var fold = CrossValidation.StratifiedFolds(labels, 5, (ulong)seed * 7919 + 5);
        var test = Enumerable.Range(0, labelled.Count).Where(i => fold[i] == 0).ToArray();
        var train = Enumerable.Range(0, labelled.Count).Where(i => fold[i] != 0).ToArray();
        return new BinaryTaskData(FeatureCatalog.Churn, labelled.Select(r => r.UserId).ToList(), set => ChurnFeatures.Build(labelled, set), train, test,
            $"snapshot {snapshot:yyyy-MM-dd}: features before it, outcome in the 30 days after; a stratified fifth of subscribers held out as the test set ({test.Length}), 5-fold CV by subscriber on the rest ({train.Length})",
            TruthFile.For(truth, labelled.Select(r => r.UserId)), snapshot);
    }

    /// <summary>How many cross-validation folds the training part is split into.</summary>
    public const int CvFolds = 5;

    /// <summary>The cross-validation folds of the training part, grouped by row id.</summary>
    public int[] Folds(TabularData train, int seed) =>
        CrossValidation.GroupFolds(train.Labels, TrainRows.Select(i => Ids[i]).ToArray(), CvFolds, (ulong)seed);
}
