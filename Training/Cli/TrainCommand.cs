using System.CommandLine;
using System.Globalization;
using NetflixML.Features.Catalog;
using NetflixML.Features.Reporting;
using NetflixML.Training.Pipeline;
using Spectre.Console;

namespace NetflixML.Training.Cli;

/// <summary>`train`: compares every candidate of the chosen tasks, saves champions, candidates and the leaderboard.</summary>
public static class TrainCommand
{
    public static Command Create(ConsoleIo io)
    {
        var task = new Option<string>("--task") { Description = "top10, churn, recommend or all.", DefaultValueFactory = _ => "all" };
        var db = new Option<string>("--db") { Description = "SQLite database built by ingest.", DefaultValueFactory = _ => Defaults.Database };
        var models = new Option<string>("--models") { Description = "Folder for champions, candidates/ and leaderboard.json.", DefaultValueFactory = _ => Defaults.ModelsFolder };
        var seed = new Option<int>("--seed") { Description = "Seed for splits, folds and randomised trainers.", DefaultValueFactory = _ => Defaults.Seed };
        var raw = new Option<string?>("--raw") { Description = "Your own folder of CSVs in the ingest schema (ingested into its own database first)." };
        var titles = new Option<string?>("--titles") { Description = "Your own title CSV for the Top-10 task (our layout or the Top-10 study's)." };
        var json = NetflixCli.JsonOption();
        var command = new Command("train", "Train and compare LogisticRegression, FastForest and FastTree on every feature set (top10, churn) and five recommenders (recommend); save the champions.")
        {
            task, db, models, seed, raw, titles, json,
        };
        command.SetAction(parse =>
        {
            var tasks = ParseTasks(parse.GetValue(task)!, allowRecommend: true);
            OutputLocation.RequireFolder("--models", parse.GetValue(models)!);
            var settings = new RunSettings(parse.GetValue(models)!, parse.GetValue(seed), RunSettings.Now());
            var inputs = TrainingInputs.Resolve(parse.GetValue(db)!, parse.GetValue(raw), parse.GetValue(titles), io.ProgressFor("train"));
            var skipped = SkipsMissing(parse.GetValue(task)!);
            Leaderboard leaderboard;
            using (ModelsFolderLock.Take(settings.ModelsFolder, "--models"))
            {
                leaderboard = Run(io, tasks, inputs, settings, skipped);
            }

            if (parse.GetValue(json))
            {
                io.Output.WriteLine(leaderboard.ToJson());
            }
            else
            {
                Print(io, leaderboard, Trained(tasks, skipped), settings.ModelsFolder);
                PrintSkipped(io, skipped);
            }

            return NetflixCli.Ok;
        });
        return command;
    }

    /// <summary>
    /// Where a run for every task lists the tasks the data cannot support (the real Netflix 2025 files have no titles
    /// and no watch events) so it trains the rest; a run for one named task stops instead (null).
    /// </summary>
    public static List<SkippedTask>? SkipsMissing(string taskOption) => taskOption == "all" ? [] : null;

    /// <summary>The tasks a run covered: the leaderboard also holds entries of earlier runs, which must not be shown as this run's.</summary>
    public static IReadOnlyCollection<string> Trained(IEnumerable<string> tasks, IEnumerable<SkippedTask>? skipped) =>
        [.. tasks.Except(skipped?.Select(s => s.Task) ?? [])];

    public static void PrintSkipped(ConsoleIo io, IEnumerable<SkippedTask>? skipped)
    {
        foreach (var task in skipped ?? [])
        {
            io.Console.MarkupLine($"[yellow]{Markup.Escape($"{task.Task}: skipped: {task.Reason}")}[/]");
        }
    }

    public static IReadOnlyList<string> ParseTasks(string value, bool allowRecommend)
    {
        var known = allowRecommend ? FeatureCatalog.Tasks : [FeatureCatalog.Top10, FeatureCatalog.Churn];
        if (value == "all")
        {
            return known;
        }

        return known.Contains(value) ? [value] : throw new OptionValueException($"--task must be {string.Join(", ", known)} or all, not '{value}'.");
    }

    /// <summary>Trains <paramref name="tasks"/>; with <paramref name="skipped"/>, a task the data cannot support is skipped and listed there.</summary>
    public static Leaderboard Run(ConsoleIo io, IReadOnlyList<string> tasks, TrainingInputs inputs, RunSettings settings, ICollection<SkippedTask>? skipped = null)
    {
        var progress = io.ProgressFor("train");
        // Nothing reaches the models folder until every task has finished.
        using var staged = StagedRun.Begin(settings.ModelsFolder);
        if (staged.Completed.Count > 0)
        {
            progress.Report(StagedRun.DescribeFinished(settings.ModelsFolder, staged.Completed));
        }

        var writing = settings with { StagingFolder = staged.Folder };
        var entries = TaskRuns.RunEach(
            tasks,
            task => task switch
            {
                FeatureCatalog.Top10 => BinaryTaskRunner.Run(inputs.Top10(), writing, progress),
                FeatureCatalog.Churn => BinaryTaskRunner.Run(inputs.Churn(settings.Seed), writing, progress),
                _ => RecommendTaskRunner.Run(inputs.Recommend(), writing, inputs.Truth, progress),
            },
            skipped,
            progress);

        // The leaderboard is committed with the models it describes.
        var leaderboard = ModelsFolder.WriteLeaderboard(settings.ModelsFolder, entries, settings.Seed, settings.CreatedAt, skipped, staged.Folder, progress);
        staged.Commit();
        return leaderboard;
    }

    public static void Print(ConsoleIo io, Leaderboard leaderboard, IReadOnlyCollection<string> tasks, string modelsFolder)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var entry in leaderboard.Tasks.Where(t => tasks.Contains(t.Task)))
        {
            string F(double? value, string format = "F4") => value is { } v && !double.IsNaN(v) ? v.ToString(format, inv) : "-";
            var title = (entry.Champion is null ? $"{entry.Task}: no champion" : $"{entry.Task}: champion {entry.Champion} by {entry.Metric}") + (entry.BayesAuc is { } b ? $" (Bayes-optimal test AUC {b.ToString("F4", inv)})" : string.Empty);
            Table table;
            if (entry.Task == FeatureCatalog.Recommend)
            {
                table = new Table().Title(Markup.Escape(title)).AddColumns("candidate", "P@10", "R@10", "NDCG@10", "MAP@10", "hit rate", "coverage", "genre match", "train s");
                void AddRanking(string name, IReadOnlyDictionary<string, double> f, string seconds) =>
                    table.AddRow(Markup.Escape(name), F(f["precisionAtK"]), F(f["recallAtK"]), F(f["ndcgAtK"]), F(f["mapAtK"]), F(f["hitRate"], "F3"), F(f["coverage"], "F3"), F(f["genreMatchRate"], "F3"), seconds);
                foreach (var c in entry.Candidates)
                {
                    AddRanking(c.Name + (c.Name == entry.Champion ? " *" : string.Empty), c.Test, F(c.TrainSeconds, "F2"));
                }

                if (entry.PlantedOracle is { } best)
                {
                    AddRanking("planted oracle (the best ranking there is)", best, string.Empty);
                }
            }
            else
            {
                table = new Table().Title(Markup.Escape(title)).AddColumns("candidate", "deployable", "CV AUC", "test AUC", "AUPRC", "accuracy", "F1", "precision", "recall", "log-loss", "Brier", "threshold");
                foreach (var c in entry.Candidates)
                {
                    var cv = c.Cv!["auc"];
                    table.AddRow(Markup.Escape(c.Name + (c.Name == entry.Champion ? " *" : string.Empty)), c.Deployable ? "yes" : "no (audit)", $"{F(cv.Mean)} ± {F(cv.Std, "F3")}",
                        F(c.Test["auc"]), F(c.Test["auprc"]), F(c.Test["accuracy"]), F(c.Test["f1"]), F(c.Test["precision"]), F(c.Test["recall"]), F(c.Test["logLoss"]), F(c.Test["brier"]), F(c.Threshold, "F3"));
                }

                var baseline = entry.Candidates[0].Baseline;
                table.AddRow("majority-class baseline", string.Empty, "0.5000", "0.5000", F(baseline["positiveRate"]), F(baseline["accuracy"]), string.Empty, string.Empty, string.Empty, F(baseline["logLoss"]), F(baseline["brier"]), string.Empty);
            }

            // A candidate's name is its file name and "0.7512 ± 0.013" one figure: keep each whole, let the rest fold.
            foreach (var column in table.Columns.Take(entry.Task == FeatureCatalog.Recommend ? 1 : 3))
            {
                column.NoWrap = true;
            }

            io.Console.Write(table);
            io.Console.WriteLine(entry.Split);
            // A tuning's trials and choice, after what was tried.
            string Tried(string what, Tuning tuning) => what + string.Join("; ", tuning.Trials.Select(t => $"{t.Setting} {F(t.Value)}")) + $". Chosen: {tuning.Chosen}.";
            if (entry.Tuning is { } tuning)
            {
                io.Console.WriteLine(Tried($"implicit-mf settings tried on a validation split ({tuning.Split}), NDCG@10: ", tuning));
            }

            if (entry.ViewerTuning is { } viewerTuning)
            {
                io.Console.WriteLine(Tried("Content's share (popularity has the rest) for viewers the factor models and the hybrid do not know, tried on the same validation split, NDCG@10 as such viewers: ", viewerTuning));
            }

            if (entry.FoldInTuning is { } foldInTuning)
            {
                io.Console.WriteLine(Tried("Folding such a viewer in (a vector fitted to the titles they watched, as training fits a subscriber's) against that blend, on the same split: ", foldInTuning));
            }

            if (entry.UpdateTuning is { } updateTuning)
            {
                io.Console.WriteLine(Tried("Moving a known subscriber's vector by the titles they watched since training, on the same split (half of each judged subscriber's titles given as watched since): ", updateTuning));
            }

            var judgedAsViewers = entry.Candidates.Where(c => c.Test.ContainsKey("viewerNdcgAtK")).ToList();
            if (judgedAsViewers.Count > 0)
            {
                io.Console.WriteLine("The same subscribers served as viewers the model does not know, from the titles they watched before the cut-off (as POST /api/recommendations serves them), NDCG@10 and genre match: "
                    + string.Join("; ", judgedAsViewers.Select(c => $"{c.Trainer} {F(c.Test["viewerNdcgAtK"])}, {F(c.Test.GetValueOrDefault("viewerGenreMatchRate", double.NaN), "F3")}")) + ".");
            }

            var judgedSince = entry.Candidates.Where(c => c.Test.ContainsKey("recentNdcgAtK")).ToList();
            if (judgedSince.Count > 0)
            {
                io.Console.WriteLine("Subscribers with two or more titles after the cut-off, the first half given as watched since training (as GET /api/users/{userId}/recommendations serves them), NDCG@10 on the rest: "
                    + string.Join("; ", judgedSince.Select(c => $"{c.Trainer} {F(c.Test["recentNdcgAtK"])}" + (c.Test.TryGetValue("recentNdcgAtKAsTrained", out var asTrained) ? $" (updated; as trained {F(asTrained)})" : string.Empty))) + ".");
            }

            if (entry.Candidates.FirstOrDefault(c => c.Test.ContainsKey("ratingRmse")) is { } rated)
            {
                io.Console.WriteLine(RatingFigures.Describe(
                    rated.Trainer, (int)rated.Test["ratingCount"], rated.Test["ratingRmse"], rated.Test["ratingMae"], rated.Test.GetValueOrDefault("ratingRSquared", double.NaN),
                    rated.Baseline["ratingRmse"], rated.Baseline["ratingMae"], entry.RatingRmseFloor));
            }

            if (entry.NoChampion is { } why)
            {
                io.Console.MarkupLine($"[yellow]{Markup.Escape(why)}[/]");
            }
        }

        // Where this run wrote, which is not models/ under --models.
        io.Console.WriteLine($"* champion, in {Path.Combine(modelsFolder, "<task>.zip")}; every candidate in {Path.Combine(modelsFolder, "candidates")}{Path.DirectorySeparatorChar}; this table in {Path.Combine(modelsFolder, "leaderboard.json")}.");
    }
}
