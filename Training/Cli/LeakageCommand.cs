using System.CommandLine;
using System.Globalization;
using NetflixML.Features.Reporting;
using NetflixML.Training.Pipeline;
using Spectre.Console;

namespace NetflixML.Training.Cli;

/// <summary>`leakage`: screens every feature alone, flags the leaks, and shows what they would have faked.</summary>
public static class LeakageCommand
{
    public static Command Create(ConsoleIo io)
    {
        var task = new Option<string>("--task") { Description = "top10, churn or all.", DefaultValueFactory = _ => "all" };
        var db = new Option<string>("--db") { Description = "SQLite database built by ingest.", DefaultValueFactory = _ => Defaults.Database };
        var models = new Option<string>("--models") { Description = "Folder for leakage-report.json.", DefaultValueFactory = _ => Defaults.ModelsFolder };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => Defaults.Seed };
        var raw = new Option<string?>("--raw") { Description = "Your own folder of CSVs in the ingest schema." };
        var titles = new Option<string?>("--titles") { Description = "Your own title CSV for the Top-10 task." };
        var json = NetflixCli.JsonOption();
        var command = new Command("leakage", "Leakage audit: each feature alone, flags at AUC >= 0.9 or a structural tell, honest vs leaky comparison; writes models/leakage-report.json.")
        {
            task, db, models, seed, raw, titles, json,
        };
        command.SetAction(parse =>
        {
            var tasks = TrainCommand.ParseTasks(parse.GetValue(task)!, allowRecommend: false);
            OutputLocation.RequireFolder("--models", parse.GetValue(models)!);
            var inputs = TrainingInputs.Resolve(parse.GetValue(db)!, parse.GetValue(raw), parse.GetValue(titles), io.ProgressFor("leakage"));
            var skipped = TrainCommand.SkipsMissing(parse.GetValue(task)!);
            LeakageReport report;
            using (ModelsFolderLock.Take(parse.GetValue(models)!, "--models"))
            {
                report = Run(io, tasks, inputs, parse.GetValue(models)!, parse.GetValue(seed), RunSettings.Now(), skipped);
            }

            if (parse.GetValue(json))
            {
                io.Output.WriteLine(report.ToJson());
            }
            else
            {
                Print(io, report, TrainCommand.Trained(tasks, skipped));
                TrainCommand.PrintSkipped(io, skipped);
            }

            return NetflixCli.Ok;
        });
        return command;
    }

    /// <summary>Audits <paramref name="tasks"/>; with <paramref name="skipped"/>, a task the data cannot support is skipped and listed there.</summary>
    public static LeakageReport Run(ConsoleIo io, IReadOnlyList<string> tasks, TrainingInputs inputs, string modelsFolder, int seed, DateTimeOffset createdAt, ICollection<SkippedTask>? skipped = null)
    {
        var progress = io.ProgressFor("leakage");
        // A train run stopped among its moves left a mix; the audit reads the leaderboard that run committed.
        var finished = StagedRun.FinishStopped(modelsFolder);
        if (finished.Count > 0)
        {
            progress.Report(StagedRun.DescribeFinished(modelsFolder, finished));
        }

        var leaderboard = ModelsFolder.ReadLeaderboard(modelsFolder, progress, "each task is audited against its first deployable feature set rather than its champion's");
        var results = TaskRuns.RunEach(
            tasks,
            task =>
            {
                var data = task == Features.Catalog.FeatureCatalog.Top10 ? inputs.Top10() : inputs.Churn(seed);
                var champion = leaderboard?.Task(task) is { } entry ? entry.Candidates.FirstOrDefault(c => c.Name == entry.Champion)?.FeatureSet : null;
                return LeakageRunner.Run(data, seed, champion, progress);
            },
            skipped,
            progress);

        return ModelsFolder.WriteLeakageReport(modelsFolder, results, createdAt, skipped, progress);
    }

    public static void Print(ConsoleIo io, LeakageReport report, IReadOnlyCollection<string> tasks)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var task in report.Tasks.Where(t => tasks.Contains(t.Task)))
        {
            var table = new Table().Title($"{task.Task}: leakage audit").AddColumns("feature", "availability (catalogue)", "AUC alone", "flagged", "why");
            foreach (var f in task.Features.OrderByDescending(f => f.SingleFeatureAuc))
            {
                var reason = task.Flagged.FirstOrDefault(x => x.Feature == f.Feature)?.Reason ?? f.Note ?? string.Empty;
                table.AddRow(f.Feature, f.Availability, f.SingleFeatureAuc.ToString("F3", inv), f.Flagged ? "LEAK" : string.Empty, Markup.Escape(reason));
            }

            io.Console.Write(table);
            io.Console.WriteLine($"{task.Trainer} on '{task.Honest.FeatureSet}': test AUC {task.Honest.Auc.ToString("F3", inv)}, accuracy {task.Honest.Accuracy.ToString("F3", inv)}; " +
                $"with the leaks ('{task.WithLeaks.FeatureSet}'): AUC {task.WithLeaks.Auc.ToString("F3", inv)}, accuracy {task.WithLeaks.Accuracy.ToString("F3", inv)}.");
        }
    }
}
