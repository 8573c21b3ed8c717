using System.Diagnostics;
using System.Text.Json.Nodes;
using NetflixML.Features.Catalog;
using NetflixML.Features.Reporting;
using NetflixML.Learning.Data;
using NetflixML.Learning.Evaluation;
using NetflixML.Learning.Linear;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Models;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Training;
using NetflixML.Learning.Trees;

namespace NetflixML.Training.Pipeline;

/// <summary>
/// Compares LogisticRegression, FastForest and FastTree on every feature set of a binary task: 5-fold grouped CV on
/// the training part (which also picks each candidate's threshold, maximising F1 on out-of-fold predictions), then
/// the test set. The champion is the deployable candidate with the best cross-validated AUC (chosen without looking
/// at the test set) among those that beat chance (<see cref="BeatsChance"/>); it is refit on every row with its
/// threshold and written to models/&lt;task&gt;.zip, every candidate (trained on the training part) to
/// models/candidates/. When none beats chance, no champion is written.
/// </summary>
public static class BinaryTaskRunner
{
    public const string Metric = "auc";

    public static IReadOnlyList<IBinaryTrainer> Trainers(int seed) =>
    [
        new LogisticRegressionTrainer(),
        new FastForestTrainer(new FastForestOptions { Seed = seed }),
        new FastTreeTrainer(),
    ];

    public static TaskEntry Run(BinaryTaskData data, RunSettings settings, IProgress<string>? progress = null)
    {
        var sets = FeatureCatalog.SetsFor(data.Task);
        var candidates = new List<(CandidateEntry Entry, IBinaryTrainer Trainer, FeatureSet Set, TabularData All, BinaryClassifier Model, TabularData Test, double[] TestProbabilities)>();
        var step = 0;
        var total = sets.Count * 3;
        foreach (var set in sets)
        {
            var all = data.Build(set);
            var train = all.Subset(data.TrainRows);
            var test = all.Subset(data.TestRows);
            var folds = data.Folds(train, settings.Seed);
            foreach (var trainer in Trainers(settings.Seed))
            {
                step++;
                var name = $"{data.Task}-{trainer.Name.ToLowerInvariant()}-{set.Name}";
                progress?.Report($"{data.Task} [{step}/{total}] {trainer.Name} on {set.Name}: 5-fold CV, fit, test");
                var clock = Stopwatch.StartNew();
                var cv = CrossValidation.Run(trainer, train, folds);
                var threshold = Math.Round(BinaryEvaluator.ThresholdMaximisingF1(cv.OutOfFoldProbabilities, train.Labels!), 6);
                var model = trainer.Fit(train).WithThreshold(threshold);
                var seconds = clock.Elapsed.TotalSeconds;
                var testProbabilities = model.PredictProbabilities(test);
                var testMetrics = BinaryEvaluator.Evaluate(testProbabilities, test.Labels!, threshold);
                var entry = new CandidateEntry
                {
                    Name = name,
                    Trainer = trainer.Name,
                    FeatureSet = set.Name,
                    Deployable = set.Deployable,
                    Contract = set.Contract,
                    Cv = CvSummary(cv),
                    Test = TestFigures(testMetrics),
                    Baseline = BaselineFigures(testMetrics.Baseline),
                    Threshold = threshold,
                    TrainSeconds = Math.Round(seconds, 3),
                };
                ModelFile.Save(settings.CandidatePath(name), model, Metadata(data, set, entry, train, settings, refit: false));
                candidates.Add((entry, trainer, set, all, model, test, testProbabilities));
            }
        }

        var deployable = candidates.Where(c => c.Entry.Deployable).ToList();
        if (deployable.Count == 0)
        {
            throw new InvalidOperationException($"No deployable candidate for {data.Task}.");
        }

        var best = deployable.MaxBy(c => c.Entry.Cv![Metric].Mean);
        var bayes = data.TrueProbability is { } truth
            ? Math.Round(AreaUnderRocCurve.Compute(data.TestRows.Select(i => truth[i]).ToArray(), data.TestRows.Select(i => best.All.Labels![i]).ToArray()), 5)
            : (double?)null;
        var eligible = deployable.Where(c => BeatsChance(c.Entry.Cv![Metric], BinaryTaskData.CvFolds)).ToList();
        var result = new TaskEntry
        {
            Task = data.Task,
            Metric = Metric,
            Split = data.Split,
            TrainRows = data.TrainRows.Length,
            TestRows = data.TestRows.Length,
            BayesAuc = bayes,
            Candidates = candidates.Select(c => c.Entry).ToList(),
        };
        if (eligible.Count == 0)
        {
            var cv = best.Entry.Cv![Metric];
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            var path = settings.ServedChampionPath(data.Task);
            var reason = $"No deployable candidate beats chance: the best, {best.Entry.Name}, has CV AUC {cv.Mean.ToString("F4", inv)} ± {cv.Std.ToString("F3", inv)}, " +
                $"and promotion needs more than {PromotionBar(cv, BinaryTaskData.CvFolds).ToString("F4", inv)} (0.5 plus two standard errors over {BinaryTaskData.CvFolds} folds). " +
                (File.Exists(path) ? $"{path} was not replaced; the model already there still serves." : $"{path} was not written, so the API answers 503 for {data.Task}.");
            progress?.Report($"{data.Task}: no champion. {reason}");
            return result with { NoChampion = reason };
        }

        var champion = eligible.MaxBy(c => c.Entry.Cv![Metric].Mean);
        progress?.Report($"{data.Task}: champion {champion.Entry.Name} (CV AUC {champion.Entry.Cv![Metric].Mean:F4}); refitting on all {champion.All.Rows} rows");
        var refit = champion.Trainer.Fit(champion.All).WithThreshold(champion.Entry.Threshold!.Value);
        var metadata = Metadata(data, champion.Set, champion.Entry, champion.All, settings, refit: true);
        progress?.Report($"{data.Task}: ROC curve and permutation importance of {champion.Entry.Name} on the test set");
        AddTestEvaluation(metadata.Metrics!, champion.Model, champion.Test, champion.TestProbabilities, settings.Seed);
        ModelFile.Save(settings.ChampionPath(data.Task), refit, metadata);
        return result with { Champion = champion.Entry.Name };
    }

    /// <summary>
    /// Whether a candidate may be promoted: its cross-validated AUC must be above 0.5 (the majority-class baseline's)
    /// by more than two standard errors of the fold mean (<see cref="PromotionBar"/>). The champion is the best such
    /// deployable candidate. Without the bar a model that tells the classes apart no better than a constant would
    /// replace a working champion, e.g. after retraining on data whose outcome the features do not carry.
    /// </summary>
    public static bool BeatsChance(MetricStat cv, int folds) => cv.Mean > PromotionBar(cv, folds);

    public static double PromotionBar(MetricStat cv, int folds) => 0.5 + (2 * cv.Std / Math.Sqrt(folds));

    public static IReadOnlyDictionary<string, MetricStat> CvSummary(CrossValidationResult cv)
    {
        MetricStat Of(Func<BinaryMetrics, double> metric)
        {
            var s = cv.Summary(metric);
            return new MetricStat(Math.Round(s.Mean, 5), Math.Round(s.Std, 5));
        }

        return new Dictionary<string, MetricStat>
        {
            ["auc"] = Of(m => m.Auc),
            ["auprc"] = Of(m => m.Auprc),
            ["accuracy"] = Of(m => m.AtThreshold.Accuracy),
            ["f1"] = Of(m => m.AtThreshold.F1),
            ["precision"] = Of(m => m.AtThreshold.Precision),
            ["recall"] = Of(m => m.AtThreshold.Recall),
            ["logLoss"] = Of(m => m.LogLoss),
            ["brier"] = Of(m => m.Brier),
        };
    }

    public static IReadOnlyDictionary<string, double> TestFigures(BinaryMetrics m) => new Dictionary<string, double>
    {
        ["auc"] = Math.Round(m.Auc, 5),
        ["auprc"] = Math.Round(m.Auprc, 5),
        ["accuracy"] = Math.Round(m.AtThreshold.Accuracy, 5),
        ["f1"] = Math.Round(m.AtThreshold.F1, 5),
        ["precision"] = Math.Round(m.AtThreshold.Precision, 5),
        ["recall"] = Math.Round(m.AtThreshold.Recall, 5),
        ["accuracyAtHalf"] = Math.Round(m.AtHalf.Accuracy, 5),
        ["logLoss"] = Math.Round(m.LogLoss, 5),
        ["logLossReduction"] = Math.Round(m.LogLossReduction, 5),
        ["brier"] = Math.Round(m.Brier, 5),
        ["calibrationError"] = Math.Round(m.CalibrationError, 5),
    };

    public static IReadOnlyDictionary<string, double> BaselineFigures(BaselineMetrics b) => new Dictionary<string, double>
    {
        ["positiveRate"] = Math.Round(b.PositiveRate, 5),
        ["accuracy"] = Math.Round(b.Accuracy, 5),
        ["auc"] = b.Auc,
        ["logLoss"] = Math.Round(b.LogLoss, 5),
        ["brier"] = Math.Round(b.Brier, 5),
    };

    /// <summary>Most points of a champion's stored ROC curve.</summary>
    public const int RocPoints = 101;

    /// <summary>
    /// What the dashboard draws for a champion, from the evaluated candidate (trained on the training part) on the
    /// test set, like the rest of its metrics: the ROC curve (at most <see cref="RocPoints"/> points) with the
    /// operating point of its threshold, and the AUC drop when each feature is shuffled (5 permutations).
    /// </summary>
    private static void AddTestEvaluation(JsonObject metrics, BinaryClassifier candidate, TabularData test, double[] testProbabilities, int seed)
    {
        var curve = RocCurve.Compute(testProbabilities, test.Labels!);
        var operating = curve.Last(p => p.Threshold >= candidate.Threshold);
        metrics["roc"] = new JsonObject
        {
            ["points"] = new JsonArray(RocCurve.Thin(curve, RocPoints).Select(p => (JsonNode?)new JsonArray(Math.Round(p.FalsePositiveRate, 5), Math.Round(p.TruePositiveRate, 5))).ToArray()),
            ["operatingPoint"] = new JsonObject
            {
                ["threshold"] = candidate.Threshold,
                ["falsePositiveRate"] = Math.Round(operating.FalsePositiveRate, 5),
                ["truePositiveRate"] = Math.Round(operating.TruePositiveRate, 5),
            },
        };
        metrics["importance"] = new JsonArray(PermutationFeatureImportance.Compute(candidate, test, permutations: 5, seed: (ulong)seed)
            .Select(i => (JsonNode?)new JsonObject
            {
                ["feature"] = i.Feature,
                ["aucDrop"] = Math.Round(i.MeanDrop, 5),
                ["standardError"] = Math.Round(i.StandardError, 5),
            }).ToArray());
    }

    private static ModelMetadata Metadata(BinaryTaskData data, FeatureSet set, CandidateEntry entry, TabularData trainedOn, RunSettings settings, bool refit)
    {
        var metrics = new JsonObject
        {
            ["test"] = ToJson(entry.Test),
            ["cv"] = new JsonObject(entry.Cv!.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject { ["mean"] = kv.Value.Mean, ["std"] = kv.Value.Std }))),
            ["baseline"] = ToJson(entry.Baseline),
            ["threshold"] = entry.Threshold,
        };
        var properties = new JsonObject
        {
            ["name"] = entry.Name,
            ["contract"] = set.Contract,
            ["deployable"] = set.Deployable,
            ["split"] = data.Split,
            ["thresholdRule"] = "maximises F1 on out-of-fold predictions of the training part",
            ["trainedOn"] = refit ? "every labelled row (training part and test set); metrics are the evaluated candidate's" : "the training part",
            ["seed"] = settings.Seed,
        };
        if (data.Snapshot is { } snapshot)
        {
            // The scoring service computes a subscriber's features at this date, as training did.
            properties["snapshot"] = snapshot.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }

        return new ModelMetadata
        {
            Task = data.Task,
            FeatureSet = set.Name,
            Features = set.Features.Select(f => Contract(f, trainedOn)).ToList(),
            Metrics = metrics,
            TrainingDataFingerprint = DataFingerprint.Of(trainedOn),
            TrainingRows = trainedOn.Rows,
            CreatedAt = settings.CreatedAt,
            Properties = properties,
            Attachments = data.Attachments,
        };
    }

    // A feature as the manifest states it; a numeric one with the range of its values in the rows the model was fitted
    // on, which the API compares a request's values with (outside it the model extrapolates).
    private static ModelFeature Contract(FeatureDefinition feature, TabularData trainedOn)
    {
        var contract = new ModelFeature(feature.Name, feature.TypeName, feature.Availability.ToString(), feature.Description);
        var column = trainedOn.Schema.IndexOf(feature.Name);
        return column >= 0 && feature.Kind == ColumnKind.Numeric && trainedOn.Range(column) is var (min, max)
            ? contract with { Min = min, Max = max }
            : contract;
    }

    public static JsonObject ToJson(IReadOnlyDictionary<string, double> values) =>
        new(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
}
