using System.CommandLine;
using NetflixML.Features.Catalog;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Reporting;
using NetflixML.Features.Schema;
using NetflixML.Features.Synthetic;
using NetflixML.Training.Pipeline;

namespace NetflixML.Training.Cli;

/// <summary>
/// No command: the whole pipeline on the default data: generate it if missing, ingest, train and compare every
/// candidate of every task, save the champions, audit leakage, print the leaderboard.
/// </summary>
public static class PipelineCommand
{
    public static void Attach(RootCommand root, ConsoleIo io)
    {
        var json = NetflixCli.JsonOption();
        root.Options.Add(json);
        root.SetAction(parse => Run(io, new PipelineSettings(), parse.GetValue(json)));
    }

    public static int Run(ConsoleIo io, PipelineSettings settings, bool json)
    {
        // Held from the start: a second pipeline would also generate into and ingest from the same raw folder.
        using var hold = ModelsFolderLock.Take(settings.ModelsFolder);
        if (!File.Exists(Path.Combine(settings.RawFolder, RawSchema.UsersTable.FileName)))
        {
            io.Progress("pipeline", $"no data in {settings.RawFolder}: generating it (seed {settings.Seed}, scale {settings.Scale})");
            SyntheticGenerator.Generate(settings.RawFolder, new GeneratorOptions(settings.Seed, settings.Scale), io.ProgressFor("generate"));
        }

        var report = Ingestor.Ingest(settings.RawFolder, settings.Database, io.ProgressFor("ingest"));
        if (!json)
        {
            IngestCommand.Print(io, report, settings.Database);
        }

        var run = new RunSettings(settings.ModelsFolder, settings.Seed, RunSettings.Now());
        var inputs = TrainingInputs.Resolve(settings.Database, null, null, io.ProgressFor("train"));
        // Data put in data/raw by hand may not support every task (the real Netflix 2025 files have no titles).
        var skipped = new List<SkippedTask>();
        var leaderboard = TrainCommand.Run(io, FeatureCatalog.Tasks, inputs, run, skipped);
        string[] audited = [.. TrainCommand.Trained([FeatureCatalog.Top10, FeatureCatalog.Churn], skipped)];
        // The audit covers the binary tasks training could run; those it could not are the audit's skips too.
        var leakageSkips = skipped.Where(s => s.Task != FeatureCatalog.Recommend).ToList();
        var leakage = audited.Length > 0 ? LeakageCommand.Run(io, audited, inputs, settings.ModelsFolder, settings.Seed, run.CreatedAt, leakageSkips) : null;
        if (json)
        {
            io.Output.WriteLine($"{{\"quality\":{report.ToJson()},\"leaderboard\":{leaderboard.ToJson()},\"leakage\":{leakage?.ToJson() ?? "null"}}}");
        }
        else
        {
            TrainCommand.Print(io, leaderboard, TrainCommand.Trained(FeatureCatalog.Tasks, skipped), settings.ModelsFolder);
            if (leakage is not null)
            {
                LeakageCommand.Print(io, leakage, audited);
            }

            TrainCommand.PrintSkipped(io, skipped);
        }

        return NetflixCli.Ok;
    }
}

/// <summary>Where the default pipeline reads and writes, relative to <see cref="Root"/> (the repository root by default).</summary>
public sealed record PipelineSettings(string Root = ".", int Seed = Defaults.Seed, double Scale = 1.0)
{
    public string RawFolder => Path.Combine(Root, Defaults.RawFolder);

    public string Database => Path.Combine(Root, Defaults.Database);

    public string ModelsFolder => Path.Combine(Root, Defaults.ModelsFolder);
}
