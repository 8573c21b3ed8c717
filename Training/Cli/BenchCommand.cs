using System.CommandLine;
using System.Globalization;
using NetflixML.Training.Bench;
using Spectre.Console;

namespace NetflixML.Training.Cli;

/// <summary>`bench`: speed and quality figures, printed (run with -c Release).</summary>
public static class BenchCommand
{
    public static Command Create(ConsoleIo io)
    {
        var bench = new Command("bench", "Benchmarks (run with -c Release): classic trainers, matrix factorisation, recommenders, the API.");
        bench.Subcommands.Add(Classic(io));
        return bench;
    }

    private static Command Classic(ConsoleIo io)
    {
        var kind = new Option<string>("--kind") { Description = "Planted data: linear or nonlinear.", DefaultValueFactory = _ => "linear" };
        var rows = new Option<int>("--rows") { Description = "Rows of planted data (80/20 split).", DefaultValueFactory = _ => 100_000 };
        var features = new Option<int>("--features") { Description = "Features of planted data.", DefaultValueFactory = _ => 30 };
        var seed = new Option<int>("--seed") { Description = "Seed for planted data and the split.", DefaultValueFactory = _ => 1 };
        var train = new Option<string?>("--train") { Description = "CSV with a header and a 0/1 (true/false, yes/no) label column." };
        var test = new Option<string?>("--test") { Description = "Test CSV (without it: an 80/20 split of --train)." };
        var label = new Option<string>("--label") { Description = "Label column of the CSV files.", DefaultValueFactory = _ => "label" };
        var json = NetflixCli.JsonOption();
        var command = new Command("classic", "LogisticRegression, FastTree and FastForest with default options: AUC, log-loss, training time, single-row latency, model size.")
        {
            kind, rows, features, seed, train, test, label, json,
        };
        command.SetAction(parse =>
        {
            var options = new ClassicBenchmarkOptions(parse.GetValue(kind)!, parse.GetValue(rows), parse.GetValue(features), parse.GetValue(seed), parse.GetValue(train), parse.GetValue(test), parse.GetValue(label)!);
            if (options.Train is null && (options.Rows < 100 || options.Features < 1))
            {
                throw new OptionValueException("--rows must be at least 100 and --features at least 1.");
            }

            if (options.Test is not null && options.Train is null)
            {
                throw new OptionValueException("--test needs --train.");
            }

            var result = RunOrExplain(() => ClassicBenchmark.Run(options, io.ProgressFor("bench")));
            if (parse.GetValue(json))
            {
                io.WriteJson(result);
                return NetflixCli.Ok;
            }

            var inv = CultureInfo.InvariantCulture;
            var table = new Table().Title(Markup.Escape(result.Dataset)).AddColumns("trainer", "AUC", "Bayes AUC", "log-loss", "train s", "predict ns (median)", "p99 ns", "model bytes");
            foreach (var t in result.Trainers)
            {
                table.AddRow(t.Name, t.Auc.ToString("F5", inv), t.BayesAuc?.ToString("F5", inv) ?? "-", t.LogLoss.ToString("F4", inv), t.TrainSeconds.ToString("F3", inv),
                    t.PredictNsPerRow.ToString("F0", inv), t.P99PredictNs.ToString("F0", inv), t.ModelBytes.ToString("N0", inv));
            }

            io.Console.Write(table);
            return NetflixCli.Ok;
        });
        return command;
    }

    private static T RunOrExplain<T>(Func<T> run)
    {
        try
        {
            return run();
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new OptionValueException(ex.Message);
        }
    }
}
