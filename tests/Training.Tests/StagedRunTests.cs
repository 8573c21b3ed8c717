using System.Diagnostics;
using NetflixML.Features;
using NetflixML.Features.Catalog;
using NetflixML.Features.Reporting;
using NetflixML.Features.Storage;
using NetflixML.Training.Cli;
using NetflixML.Training.Pipeline;

namespace NetflixML.Training.Tests;

/// <summary>
/// A training run changes the models folder only when it finishes. A run stopped part-way used to leave the first
/// task's new champion beside the leaderboard of the run before, and some of the next task's candidates replaced.
/// </summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class StagedRunTests(TrainedModels trained) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_run_that_fails_after_its_first_task_leaves_the_models_folder_as_it_was()
    {
        var models = CopyOfTrainedModels();
        var before = Contents(models);
        // Top-10 trains from the titles; recommend then finds no watch events and stops the run (no skip list given).
        var database = _temp.File("no-events.db");
        File.Copy(trained.Database, database);
        using (var db = SqliteDatabase.Open(database, pooling: false))
        {
            db.Execute("DELETE FROM gold_watch_events");
        }

        var inputs = TrainingInputs.Resolve(database, null, null, null);
        var progress = new StringWriter();

        Assert.Throws<TaskDataException>(() => TrainCommand.Run(new ConsoleIo(new StringWriter(), progress), [FeatureCatalog.Top10, FeatureCatalog.Recommend], inputs, new RunSettings(models, 8, TrainedModels.CreatedAt)));

        Assert.Contains("top10: champion", progress.ToString(), StringComparison.Ordinal); // the first task did finish
        Assert.Equal(before, Contents(models));
    }

    [Fact]
    public void A_run_killed_part_way_changes_nothing_and_the_next_run_clears_what_it_left()
    {
        var models = CopyOfTrainedModels();
        var before = Contents(models);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { typeof(NetflixCli).Assembly.Location, "train", "--db", trained.Database, "--models", models, "--seed", "8" })
        {
            start.ArgumentList.Add(argument);
        }

        using (var run = Process.Start(start)!)
        {
            run.OutputDataReceived += (_, _) => { };
            run.BeginOutputReadLine();
            // Killed (as by `kill -9` or a CI job's timeout) once Top-10 is done and churn has begun.
            string? line;
            while ((line = run.StandardError.ReadLine()) is not null && !line.Contains("churn [2/", StringComparison.Ordinal))
            {
            }

            Assert.NotNull(line);
            run.Kill(entireProcessTree: true);
            run.WaitForExit();
        }

        Assert.Equal(before, Contents(models));
        var left = Assert.Single(Directory.GetDirectories(models, StagedRun.Prefix + "*"));
        Assert.True(File.Exists(Path.Combine(left, "top10.zip")), "the killed run had finished Top-10 in its staging folder");

        var (code, _, error) = CliRunner.Run("train", "--task", "top10", "--db", trained.Database, "--models", models, "--seed", "8");

        Assert.True(code == 0, error);
        Assert.Empty(Directory.GetDirectories(models, StagedRun.Prefix + "*"));
        Assert.NotEqual(before[Path.Combine(models, "top10.zip")], File.ReadAllBytes(Path.Combine(models, "top10.zip")));
        Assert.Equal(before[Path.Combine(models, "churn.zip")], File.ReadAllBytes(Path.Combine(models, "churn.zip")));
    }

    [Fact]
    public void A_run_stopped_while_moving_its_files_into_place_has_the_move_finished_by_the_next_run()
    {
        // Between its first and last move a run left a mix: the new top10.zip beside the old churn.zip and leaderboard.
        var models = CopyOfTrainedModels();
        var staging = Path.Combine(models, StagedRun.Prefix + "stopped");
        Directory.CreateDirectory(Path.Combine(staging, "candidates"));
        var churn = File.ReadAllBytes(Path.Combine(models, "candidates", "churn-fasttree-behaviour.zip"));
        File.WriteAllBytes(Path.Combine(staging, "churn.zip"), churn);
        File.WriteAllText(Path.Combine(staging, "leaderboard.json"), "{\"tasks\":[]}");
        File.WriteAllText(Path.Combine(staging, "candidates", "churn-new.zip"), "new");
        File.WriteAllBytes(Path.Combine(staging, StagedRun.CommitMarker), []);
        Assert.True(StagedRun.CommitPending(models));

        using (var next = StagedRun.Begin(models))
        {
            Assert.Equal([Path.Combine("candidates", "churn-new.zip"), "churn.zip", "leaderboard.json"], next.Completed);
        }

        Assert.Equal(churn, File.ReadAllBytes(Path.Combine(models, "churn.zip")));
        Assert.Equal("{\"tasks\":[]}", File.ReadAllText(Path.Combine(models, "leaderboard.json")));
        Assert.Equal("new", File.ReadAllText(Path.Combine(models, "candidates", "churn-new.zip")));
        Assert.Empty(Directory.GetDirectories(models, StagedRun.Prefix + "*"));
        Assert.False(StagedRun.CommitPending(models));
    }

    [Fact]
    public void A_run_commits_its_leaderboard_with_its_models_through_the_staging_folder()
    {
        var models = CopyOfTrainedModels();
        var inputs = TrainingInputs.Resolve(trained.Database, null, null, null);
        var progress = new StringWriter();
        var stopped = Path.Combine(models, StagedRun.Prefix + "stopped");
        Directory.CreateDirectory(stopped);
        File.WriteAllText(Path.Combine(stopped, "notes.json"), "{}");
        File.WriteAllBytes(Path.Combine(stopped, StagedRun.CommitMarker), []);

        var leaderboard = TrainCommand.Run(new ConsoleIo(new StringWriter(), progress), [FeatureCatalog.Top10], inputs, new RunSettings(models, 9, TrainedModels.CreatedAt));

        Assert.Contains($"finished moving into {models} the files of a run stopped while it moved them: notes.json", progress.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(models, "notes.json")));
        Assert.Equal(leaderboard.ToJson(), File.ReadAllText(Path.Combine(models, "leaderboard.json")));
        Assert.Equal(9, Leaderboard.FromJson(File.ReadAllText(Path.Combine(models, "leaderboard.json"))).Seed);
        Assert.Empty(Directory.GetDirectories(models, StagedRun.Prefix + "*"));
    }

    [Fact]
    public void Leakage_finishes_the_move_of_a_run_stopped_while_moving_its_files_before_it_reads_the_leaderboard()
    {
        var models = CopyOfTrainedModels();
        var staged = File.ReadAllText(Path.Combine(models, "leaderboard.json")).Replace("\"seed\": 7", "\"seed\": 11", StringComparison.Ordinal);
        Assert.Contains("\"seed\": 11", staged, StringComparison.Ordinal);
        var stopped = Path.Combine(models, StagedRun.Prefix + "stopped");
        Directory.CreateDirectory(stopped);
        File.WriteAllText(Path.Combine(stopped, "leaderboard.json"), staged);
        File.WriteAllBytes(Path.Combine(stopped, StagedRun.CommitMarker), []);
        var progress = new StringWriter();

        LeakageCommand.Run(new ConsoleIo(new StringWriter(), progress), [FeatureCatalog.Top10], TrainingInputs.Resolve(trained.Database, null, null, null), models, 7, TrainedModels.CreatedAt);

        Assert.Contains($"finished moving into {models} the files of a run stopped while it moved them: leaderboard.json", progress.ToString(), StringComparison.Ordinal);
        Assert.Equal(staged, File.ReadAllText(Path.Combine(models, "leaderboard.json")));
        Assert.False(StagedRun.CommitPending(models));
    }

    [Fact]
    public void A_reader_sees_each_file_as_the_commit_leaves_it_while_a_stopped_runs_move_is_unfinished()
    {
        var models = _temp.File("committed");
        Directory.CreateDirectory(Path.Combine(models, "candidates"));
        File.WriteAllText(Path.Combine(models, "top10.zip"), "old top10");
        File.WriteAllText(Path.Combine(models, "churn.zip"), "new churn"); // moved into place before the run stopped
        File.WriteAllText(Path.Combine(models, "candidates", "churn-a.zip"), "old candidate");
        var stopped = Path.Combine(models, StagedRun.Prefix + "stopped");
        Directory.CreateDirectory(Path.Combine(stopped, "candidates"));
        File.WriteAllText(Path.Combine(stopped, "top10.zip"), "new top10");
        File.WriteAllText(Path.Combine(stopped, "candidates", "top10-b.zip"), "new candidate");
        var killed = Path.Combine(models, StagedRun.Prefix + "killed"); // killed before committing: not part of any commit
        Directory.CreateDirectory(killed);
        File.WriteAllText(Path.Combine(killed, "churn.zip"), "uncommitted churn");

        // Not committing yet: the models folder as it is.
        Assert.Equal("old top10", Text(StagedRun.ReadCommitted(models, "top10.zip")));
        File.WriteAllBytes(Path.Combine(stopped, StagedRun.CommitMarker), []);

        Assert.Equal("new top10", Text(StagedRun.ReadCommitted(models, "top10.zip")));
        Assert.Equal("new churn", Text(StagedRun.ReadCommitted(models, "churn.zip")));
        Assert.Equal("new candidate", Text(StagedRun.ReadCommitted(models, Path.Combine("candidates", "top10-b.zip"))));
        Assert.Throws<FileNotFoundException>(() => StagedRun.ReadCommitted(models, "recommend.zip"));
        Assert.Equal(
            [Path.Combine("candidates", "churn-a.zip"), Path.Combine("candidates", "top10-b.zip"), "churn.zip", "top10.zip"],
            StagedRun.CommittedFiles(models));

        // Once the move is finished, the same files are read from their places.
        Assert.Equal(["candidates/top10-b.zip".Replace('/', Path.DirectorySeparatorChar), "top10.zip"], StagedRun.FinishStopped(models));
        Assert.Equal("new top10", Text(StagedRun.ReadCommitted(models, "top10.zip")));
        Assert.True(Directory.Exists(killed), "only Begin, which starts a run, removes an uncommitted run's folder");

        static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
    }

    private string CopyOfTrainedModels()
    {
        var models = _temp.File("models");
        foreach (var file in Directory.GetFiles(trained.Models, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(models, Path.GetRelativePath(trained.Models, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return models;
    }

    // Every file in the folder and its bytes, but for the run's lock and staging folders.
    private static SortedDictionary<string, byte[]> Contents(string folder) => new(
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).StartsWith(StagedRun.Prefix, StringComparison.Ordinal) && Path.GetFileName(f) != ModelsFolderLock.FileName)
            .ToDictionary(f => f, File.ReadAllBytes),
        StringComparer.Ordinal);
}
