using System.CommandLine;
using System.Globalization;
using NetflixML.Features.Catalog;
using NetflixML.Learning.Data;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Recommendation;
using NetflixML.Training.Pipeline;
using Spectre.Console;

namespace NetflixML.Training.Cli;

/// <summary>`evaluate`: scores a saved model against the current data, on the task's test split.</summary>
public static class EvaluateCommand
{
    public static Command Create(ConsoleIo io)
    {
        var model = new Option<string>("--model") { Description = "A model file: a candidate (models/candidates/...), or a champion (models/top10.zip) on data other than it was refit on.", Required = true };
        var db = new Option<string>("--db") { Description = "SQLite database built by ingest.", DefaultValueFactory = _ => Defaults.Database };
        var titles = new Option<string?>("--titles") { Description = "Title CSV for a Top-10 model." };
        var json = NetflixCli.JsonOption();
        var command = new Command("evaluate", "Evaluate a saved model on the test split of the current data (its metrics beside the baseline).") { model, db, titles, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(model)!;
            var manifest = ModelFile.ReadManifest(path);
            var inputs = TrainingInputs.Resolve(parse.GetValue(db)!, null, parse.GetValue(titles), io.ProgressFor("evaluate"));
            var seed = manifest.Properties?["seed"]?.GetValue<int>() ?? Defaults.Seed;
            object result;
            if (manifest.Kind == RecommenderFile.Kind)
            {
                var (recommender, _) = RecommenderFile.Load(path);
                var split = inputs.Recommend();
                // A title rated before the cut-off is in the training ratings, and so in an explicit-MF candidate's own
                // history, however late it was first watched: only what no pre-cut-off interaction explains is in-sample.
                var known = split.Test.Sum(h => h.Items.Keys.Count(item => InHistory(recommender.History, recommender.Catalog, h.User, item) && !InHistory(split.TrainRatings, split.Catalog, h.User, item)));
                if (known > 0)
                {
                    throw InSample(path, manifest, $"its own viewing history already holds {known} of the {split.Test.Sum(h => h.Items.Count)} titles first watched after the cut-off");
                }

                var report = RankingEvaluator.Evaluate(recommender, split.Test, RecommendTaskRunner.K, split.WatchedBefore);

                // The baseline beside it, as training reports it: popularity fitted on the same interactions before the cut-off.
                var popularity = new PopularityRecommender(split.Catalog, split.TrainWatches);
                var baseline = RankingEvaluator.Evaluate(popularity, split.Test, RecommendTaskRunner.K, split.WatchedBefore);

                // The same subscribers as viewers the model does not know, from what they watched before the cut-off.
                // Popularity answers them exactly as it answers the subscribers it knows (its history is those watches),
                // so its figures are the baseline's.
                var viewers = RankingEvaluator.Evaluate(recommender, split.Test, RecommendTaskRunner.K, split.WatchedBefore, asViewers: true);
                // Subscribers who kept watching: the first half of their titles after the cut-off given as watched since
                // training (a model that updates known subscribers moves them by it), judged on the rest.
                var (sinceTest, sinceSeen) = RankingEvaluator.SinceTraining(split.Catalog, split.Test, split.WatchedBefore);
                var recent = RankingEvaluator.Evaluate(recommender, sinceTest, RecommendTaskRunner.K, sinceSeen);
                var baselineRecent = RankingEvaluator.Evaluate(popularity, sinceTest, RecommendTaskRunner.K, sinceSeen);
                var ratings = RecommendTaskRunner.JudgeRatings(recommender, split);
                var ratingRmseFloor = ratings is null ? null : inputs.Truth?.RatingRmseFloorFor(split);
                result = new { model = path, task = manifest.Task, trainer = manifest.Trainer, test = report, baseline, viewers, baselineViewers = baseline, recent, baselineRecent, ratings, ratingRmseFloor };
                if (!parse.GetValue(json))
                {
                    var inv = CultureInfo.InvariantCulture;
                    io.Console.WriteLine($"{path}: {manifest.Trainer} on titles first watched after {split.Cutoff:yyyy-MM-dd}, {report.Users} test users, k = {RecommendTaskRunner.K}");
                    var table = new Table().AddColumns("metric", "model", "popularity");
                    foreach (var (metric, value) in new (string, Func<RankingReport, double>)[]
                    {
                        ("P@10", r => r.PrecisionAtK), ("R@10", r => r.RecallAtK), ("NDCG@10", r => r.NdcgAtK), ("MAP@10", r => r.MapAtK),
                        ("hit rate", r => r.HitRate), ("coverage", r => r.Coverage), ("genre match", r => r.GenreMatchRate),
                    })
                    {
                        table.AddRow(metric, value(report).ToString("F4", inv), value(baseline).ToString("F4", inv));
                    }

                    table.AddRow("NDCG@10 as new viewers", viewers.NdcgAtK.ToString("F4", inv), baseline.NdcgAtK.ToString("F4", inv));
                    table.AddRow("genre match as new viewers", viewers.GenreMatchRate.ToString("F4", inv), baseline.GenreMatchRate.ToString("F4", inv));
                    table.AddRow("NDCG@10 watching since training", recent.NdcgAtK.ToString("F4", inv), baselineRecent.NdcgAtK.ToString("F4", inv));

                    io.Console.Write(table);
                    if (ratings is not null)
                    {
                        var (m, mean) = (ratings.Model, ratings.TrainingMean);
                        io.Console.WriteLine(RatingFigures.Describe(manifest.Trainer ?? "the model", m.Count, m.Rmse, m.Mae, m.RSquared, mean.Rmse, mean.Mae, ratingRmseFloor));
                    }
                }
            }
            else
            {
                var (classifier, _) = ModelFile.LoadBinaryClassifier(path);
                var data = manifest.Task == FeatureCatalog.Top10 ? inputs.Top10() : inputs.Churn(seed);
                var set = FeatureCatalog.Set(manifest.Task, manifest.FeatureSet ?? throw new OptionValueException($"{path}: the manifest names no feature set."));
                var all = data.Build(set);
                if (manifest.TrainingDataFingerprint == DataFingerprint.Of(all))
                {
                    throw InSample(path, manifest, $"it was fitted on exactly these {all.Rows} rows, the test split's {data.TestRows.Length} among them");
                }

                var test = all.Subset(data.TestRows);
                if (!test.Schema.SameAs(classifier.Schema))
                {
                    throw new OptionValueException($"{path} was trained on a different layout of the '{set.Name}' features than this build computes; retrain it.");
                }

                var metrics = BinaryEvaluator.Evaluate(classifier.PredictProbabilities(test), test.Labels!, classifier.Threshold);
                result = new { model = path, task = manifest.Task, trainer = manifest.Trainer, featureSet = set.Name, rows = test.Rows, threshold = classifier.Threshold, test = BinaryTaskRunner.TestFigures(metrics), baseline = BinaryTaskRunner.BaselineFigures(metrics.Baseline) };
                if (!parse.GetValue(json))
                {
                    var inv = CultureInfo.InvariantCulture;
                    // On its own line: as the table's title a long path was cut to the table's width.
                    io.Console.WriteLine($"{path}: {manifest.Trainer} on '{set.Name}', {test.Rows} test rows");
                    var table = new Table().AddColumns("metric", "model", "baseline");
                    table.AddRow("AUC", metrics.Auc.ToString("F4", inv), "0.5000");
                    table.AddRow($"accuracy at {classifier.Threshold.ToString("F3", inv)}", metrics.AtThreshold.Accuracy.ToString("F4", inv), metrics.Baseline.Accuracy.ToString("F4", inv));
                    table.AddRow("F1", metrics.AtThreshold.F1.ToString("F4", inv), string.Empty);
                    table.AddRow("log-loss", metrics.LogLoss.ToString("F4", inv), metrics.Baseline.LogLoss.ToString("F4", inv));
                    table.AddRow("Brier", metrics.Brier.ToString("F4", inv), metrics.Baseline.Brier.ToString("F4", inv));
                    table.AddRow("calibration error", metrics.CalibrationError.ToString("F4", inv), string.Empty);
                    io.Console.Write(table);
                }
            }

            if (parse.GetValue(json))
            {
                io.WriteJson(result);
            }

            return NetflixCli.Ok;
        });
        return command;
    }

    private static bool InHistory(InteractionMatrix history, ItemCatalog catalog, string user, string item) =>
        catalog.Items.TryGet(item, out var i) && history.ItemsOf(user).Contains(i);

    /// <summary>
    /// A champion is refit on every row (or interaction) once it has won, so on the data it was chosen on its "test"
    /// figures would be in-sample: the committed Top-10 champion scored AUC 0.957 there, its candidate 0.788,
    /// and the recommender scored NDCG 0 because it excluded the held-out titles as already seen.
    /// </summary>
    private static OptionValueException InSample(string path, ModelManifest manifest, string evidence)
    {
        var name = manifest.Properties?["name"]?.GetValue<string>();
        var folder = Path.GetDirectoryName(path) ?? string.Empty;
        var candidates = Path.Combine(folder, "candidates");
        var candidate = name is null ? null : Path.Combine(candidates, name + ".zip");
        var instead = candidate is not null && File.Exists(candidate)
            ? $"Evaluate {candidate} instead: the same trainer and features, trained without the test split."
            : Path.GetFileName(Path.GetFullPath(string.IsNullOrEmpty(folder) ? "." : folder)) == "candidates"
                // A candidate of a run on other data (its cut-off fell elsewhere): there is no folder below to point at.
                ? "It is a candidate trained on other data than this; `train` on this data writes candidates trained without its test split."
                : $"Evaluate a candidate from {candidates}{Path.DirectorySeparatorChar} instead: those are trained without the test split.";
        return new OptionValueException($"{path} cannot be tested on this data: {evidence}, so its figures would be in-sample. {instead}");
    }
}
