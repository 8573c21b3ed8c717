using NetflixML.Learning.Core;
using NetflixML.Learning.Data;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Models;
using NetflixML.Learning.Training;

namespace NetflixML.Learning.Evaluation;

/// <summary>A metric's mean and standard deviation over folds.</summary>
public sealed record MetricSummary(double Mean, double Std)
{
    public static MetricSummary Of(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        if (list.Count == 0)
        {
            return new MetricSummary(double.NaN, double.NaN);
        }

        var mean = list.Average();
        var std = list.Count > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)) : 0;
        return new MetricSummary(mean, std);
    }
}

/// <summary>Per-fold metrics and every row's out-of-fold probability.</summary>
public sealed record CrossValidationResult(IReadOnlyList<BinaryMetrics> Folds, double[] OutOfFoldProbabilities)
{
    public MetricSummary Summary(Func<BinaryMetrics, double> metric) => MetricSummary.Of(Folds.Select(metric));
}

/// <summary>
/// k-fold cross-validation. Folds are stratified (each fold has about the overall positive rate); with groups,
/// every group (a title, a subscriber) lies wholly in one fold, so no group is on both sides of a split.
/// </summary>
public static class CrossValidation
{
    /// <summary>Fold of each row: positives and negatives are each shuffled and dealt round-robin.</summary>
    public static int[] StratifiedFolds(ReadOnlySpan<float> labels, int folds, ulong seed)
    {
        CheckFolds(folds, labels.Length);
        var rng = new Rng(seed);
        var fold = new int[labels.Length];
        var next = 0;
        foreach (var positive in new[] { false, true })
        {
            var rows = new List<int>();
            for (var i = 0; i < labels.Length; i++)
            {
                if ((labels[i] > 0.5f) == positive)
                {
                    rows.Add(i);
                }
            }

            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows);
            rng.Shuffle(span);
            foreach (var row in span)
            {
                fold[row] = next;
                next = (next + 1) % folds;
            }
        }

        return fold;
    }

    /// <summary>
    /// Fold of each row, keeping every group in one fold. Groups are shuffled, ordered by their positive share and
    /// dealt round-robin, so folds stay close in size and positive rate (with one row per group this is the
    /// stratified split).
    /// </summary>
    public static int[] GroupFolds(ReadOnlySpan<float> labels, IReadOnlyList<string> groups, int folds, ulong seed)
    {
        if (groups.Count != labels.Length)
        {
            throw new ArgumentException($"{groups.Count} groups for {labels.Length} rows.", nameof(groups));
        }

        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < groups.Count; i++)
        {
            if (!members.TryGetValue(groups[i], out var list))
            {
                members[groups[i]] = list = [];
            }

            list.Add(i);
        }

        CheckFolds(folds, members.Count);
        var keys = members.Keys.Order(StringComparer.Ordinal).ToArray();
        new Rng(seed).Shuffle(keys.AsSpan());
        var labelsCopy = labels.ToArray();
        var ordered = keys
            .Select((key, position) => (key, position, share: members[key].Average(r => (double)labelsCopy[r])))
            .OrderBy(g => g.share).ThenBy(g => g.position)
            .ToList();
        var fold = new int[labels.Length];
        for (var g = 0; g < ordered.Count; g++)
        {
            foreach (var row in members[ordered[g].key])
            {
                fold[row] = g % folds;
            }
        }

        return fold;
    }

    /// <summary>Trains on all folds but one, evaluates on it, for each fold in turn.</summary>
    public static CrossValidationResult Run(IBinaryTrainer trainer, TabularData data, int[] foldOfRow, Func<BinaryClassifier, TabularData, BinaryClassifier>? adjust = null)
    {
        var labels = TrainingData.ValidateBinary(data);
        var folds = foldOfRow.Max() + 1;
        var outOfFold = new double[data.Rows];
        var metrics = new List<BinaryMetrics>();
        for (var k = 0; k < folds; k++)
        {
            var trainRows = Enumerable.Range(0, data.Rows).Where(i => foldOfRow[i] != k).ToArray();
            var testRows = Enumerable.Range(0, data.Rows).Where(i => foldOfRow[i] == k).ToArray();
            var train = data.Subset(trainRows);
            var model = trainer.Fit(train);
            if (adjust is not null)
            {
                model = adjust(model, train);
            }

            var test = data.Subset(testRows);
            var probabilities = model.PredictProbabilities(test);
            for (var i = 0; i < testRows.Length; i++)
            {
                outOfFold[testRows[i]] = probabilities[i];
            }

            metrics.Add(BinaryEvaluator.Evaluate(probabilities, test.Labels!, model.Threshold));
        }

        return new CrossValidationResult(metrics, outOfFold);
    }

    private static void CheckFolds(int folds, int units)
    {
        if (folds < 2 || folds > units)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"Need 2 to {units} folds.");
        }
    }
}

/// <summary>Train on the past, test on the future.</summary>
public static class TemporalSplit
{
    /// <summary>Rows dated before <paramref name="cutoff"/> train; the rest test.</summary>
    public static (int[] Train, int[] Test) ByCutoff(ReadOnlySpan<DateTime> dates, DateTime cutoff)
    {
        var train = new List<int>();
        var test = new List<int>();
        for (var i = 0; i < dates.Length; i++)
        {
            (dates[i] < cutoff ? train : test).Add(i);
        }

        return ([.. train], [.. test]);
    }

    /// <summary>The cutoff that puts about <paramref name="testFraction"/> of the rows, the latest ones, in the test set.</summary>
    public static DateTime CutoffForFraction(ReadOnlySpan<DateTime> dates, double testFraction)
    {
        if (dates.IsEmpty || testFraction is <= 0 or >= 1)
        {
            throw new ArgumentException("Need dates and a test fraction strictly between 0 and 1.");
        }

        var sorted = dates.ToArray();
        Array.Sort(sorted);
        return sorted[Math.Clamp((int)Math.Round(sorted.Length * (1 - testFraction)), 1, sorted.Length - 1)];
    }
}
