using NetflixML.Features.Reporting;
using NetflixML.Training.Cli;

namespace NetflixML.Training.Tests;

/// <summary>
/// One run at a time writes a models folder. Two at once each merged the leaderboard they had read, so the one that
/// finished last dropped the other's entries.
/// </summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class ModelsFolderLockTests(TrainedModels trained) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("train", "top10")]
    [InlineData("train", "all")]
    [InlineData("leakage", "churn")]
    public void A_run_into_a_folder_another_run_is_writing_stops_before_any_work_and_names_the_folder(string command, string task)
    {
        var models = _temp.File("models");
        // An operating-system lock: another process, or another open of the file in this one, cannot take it.
        using (ModelsFolderLock.Take(models))
        {
            var (code, output, error) = CliRunner.Run(command, "--task", task, "--db", trained.Database, "--models", models);

            Assert.Equal(1, code);
            Assert.Equal(
                $"error: --models '{models}' is being written by another train, leakage or pipeline run (it holds {Path.Combine(models, ModelsFolderLock.FileName)}); wait for that run to finish or pass another --models.",
                error.Trim());
            Assert.Equal(string.Empty, output);
            Assert.Equal([ModelsFolderLock.FileName], Directory.GetFileSystemEntries(models).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void The_pipeline_takes_the_hold_before_it_generates_anything()
    {
        var settings = new PipelineSettings(_temp.Path, Seed: 9, Scale: 0.05);
        using var other = ModelsFolderLock.Take(settings.ModelsFolder);

        var error = Assert.Throws<IOException>(() => PipelineCommand.Run(new ConsoleIo(new StringWriter(), new StringWriter()), settings, json: false));

        Assert.StartsWith($"'{settings.ModelsFolder}' is being written by another train, leakage or pipeline run", error.Message);
        Assert.EndsWith("wait for that run to finish.", error.Message);
        Assert.False(Directory.Exists(settings.RawFolder));
    }

    [Fact]
    public void The_hold_ends_with_the_run_so_the_next_run_takes_it()
    {
        var models = _temp.File("models");
        Directory.CreateDirectory(models);
        File.WriteAllText(Path.Combine(models, Leaderboard.FileName), "{}");

        ModelsFolderLock.Take(models).Dispose();
        using var next = ModelsFolderLock.Take(models);

        // The folder held more than the lock, so it stays, lock file and all.
        Assert.Equal([ModelsFolderLock.FileName, Leaderboard.FileName], Directory.GetFileSystemEntries(models).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_folder_the_hold_created_is_removed_when_the_run_wrote_nothing_into_it()
    {
        var models = _temp.File("new/models");

        ModelsFolderLock.Take(models).Dispose();

        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path)); // "new" as well, which the hold also made
    }

    [Fact]
    public void Whether_a_run_holds_the_folder_can_be_asked_and_asking_does_not_turn_a_starting_run_away()
    {
        var models = _temp.File("models");
        Assert.False(ModelsFolderLock.IsHeld(models)); // no folder yet
        Directory.CreateDirectory(models);
        using (ModelsFolderLock.Take(models))
        {
            Assert.True(ModelsFolderLock.IsHeld(models));
        }

        Assert.False(ModelsFolderLock.IsHeld(models));

        // Asking takes a shared hold for an instant (the API does, before it reloads); a run starting meanwhile waits.
        var asking = new FileStream(Path.Combine(models, ModelsFolderLock.FileName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        // Released from a thread of its own: the thread pool can be starved for a second when the suite runs in parallel.
        var releaser = new Thread(() =>
        {
            Thread.Sleep(200);
            asking.Dispose();
        });
        releaser.Start();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var run = ModelsFolderLock.Take(models);
        Assert.True(clock.ElapsedMilliseconds >= 100, $"took the hold after {clock.ElapsedMilliseconds} ms, while the asker still had it");
        Assert.True(ModelsFolderLock.IsHeld(models));
    }

    [Fact]
    public void A_folder_that_was_there_before_keeps_its_lock_file()
    {
        var models = _temp.File("models");
        Directory.CreateDirectory(models);

        ModelsFolderLock.Take(models).Dispose();

        Assert.Equal([ModelsFolderLock.FileName], Directory.GetFileSystemEntries(models).Select(Path.GetFileName));
    }

    [Fact]
    public void Taking_the_hold_removes_the_temporary_files_of_writes_a_killed_run_left()
    {
        // A run killed while writing leaderboard.json or a model left its temporary file in the folder for good.
        var models = _temp.File("models");
        Directory.CreateDirectory(Path.Combine(models, "candidates"));
        var guid = Guid.NewGuid().ToString("N");
        var abandoned = new[] { $"leaderboard.json.{guid}.tmp", $".top10.zip.{guid}.tmp", $"candidates/.churn-fasttree-behaviour.zip.{guid}.tmp" };
        var kept = new[] { "notes.tmp", "leaderboard.json", "candidates/churn-fasttree-behaviour.zip" };
        foreach (var file in abandoned.Concat(kept))
        {
            File.WriteAllText(Path.Combine(models, file), "x");
        }

        using (ModelsFolderLock.Take(models))
        {
            Assert.All(abandoned, f => Assert.False(File.Exists(Path.Combine(models, f)), f));
            Assert.All(kept, f => Assert.True(File.Exists(Path.Combine(models, f)), f));
        }
    }
}
