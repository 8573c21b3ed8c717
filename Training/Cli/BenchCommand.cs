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
        bench.Subcommands.Add(MatrixFactorization(io));
        bench.Subcommands.Add(Recommenders(io));
        bench.Subcommands.Add(TopNLatency(io));
        bench.Subcommands.Add(Serve(io));
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
            if (options.Train is null)
            {
                // Upper bounds keep the planted table in memory (10,000,000 rows x 30 features is 2.4 GB of doubles);
                // past them the run died with an unhandled out-of-memory error after minutes of work.
                OptionValueException.Require(options.Rows is >= 100 and <= 10_000_000, "--rows", options.Rows, "must be in 100..10,000,000");
                OptionValueException.Require(options.Features is >= 1 and <= 1_000, "--features", options.Features, "must be in 1..1,000");
                OptionValueException.Require((long)options.Rows * options.Features <= 300_000_000, "--rows x --features", (double)options.Rows * options.Features, "must be at most 300,000,000 cells");
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

    private static Command MatrixFactorization(ConsoleIo io)
    {
        var movieLens = new Option<string?>("--movielens") { Description = "MovieLens-100K folder (e.g. ../shared/data/movielens-100k): explicit MF on its u1..u5 splits." };
        var fold = new Option<string>("--fold") { Description = "1..5 or all.", DefaultValueFactory = _ => "all" };
        var synthetic = new Option<bool>("--synthetic") { Description = "A synthetic low-rank matrix instead, for speed and memory." };
        var ratings = new Option<long>("--ratings") { Description = "Synthetic ratings.", DefaultValueFactory = _ => 10_000_000 };
        var rank = new Option<int>("--rank") { Description = "Rank for the synthetic run.", DefaultValueFactory = _ => 32 };
        var iterations = new Option<int>("--iterations") { Description = "Epochs for the synthetic run.", DefaultValueFactory = _ => 20 };
        var json = NetflixCli.JsonOption();
        var command = new Command("mf", "Explicit matrix factorisation: RMSE, MAE and R² on MovieLens-100K's five folds, or speed and memory on synthetic ratings.")
        {
            movieLens, fold, synthetic, ratings, rank, iterations, json,
        };
        command.SetAction(parse =>
        {
            var inv = CultureInfo.InvariantCulture;
            if (parse.GetValue(synthetic))
            {
                var count = parse.GetValue(ratings);
                OptionValueException.Require(count is >= RecommendationBenchmarks.MinSyntheticRatings and <= RecommendationBenchmarks.MaxSyntheticRatings, "--ratings", count, "must be in 1,000..200,000,000");
                OptionValueException.Require(parse.GetValue(rank) is >= 1 and <= MaxRank, "--rank", parse.GetValue(rank), "must be in 1..1,024");
                OptionValueException.Require(parse.GetValue(iterations) is >= 1 and <= 1_000, "--iterations", parse.GetValue(iterations), "must be in 1..1,000");
                var result = RunOrExplain(() => RecommendationBenchmarks.Synthetic(count, parse.GetValue(rank), parse.GetValue(iterations), 1, io.ProgressFor("bench")));
                if (parse.GetValue(json))
                {
                    io.WriteJson(result);
                }
                else
                {
                    io.Console.WriteLine($"{result.Ratings:N0} ratings, {result.Users:N0} users x {result.Items:N0} items, rank {result.Rank}, {result.Iterations} iterations: " +
                        $"trained in {result.TrainSeconds.ToString("F2", inv)} s, held-out RMSE {result.HeldOutRmse.ToString("F4", inv)} (noise sd {result.NoiseSd.ToString("F2", inv)}), peak working set {result.PeakWorkingSetMiB.ToString("N0", inv)} MiB");
                }

                return NetflixCli.Ok;
            }

            var folder = parse.GetValue(movieLens) ?? throw new OptionValueException("bench mf needs --movielens DIR or --synthetic.");
            var foldValue = parse.GetValue(fold)!;
            int? only = foldValue == "all" ? null : int.TryParse(foldValue, NumberStyles.Integer, inv, out var f) && f is >= 1 and <= 5 ? f : throw new OptionValueException($"--fold must be 1..5 or all, not '{foldValue}'.");
            var folds = RunOrExplain(() => RecommendationBenchmarks.MovieLensFolds(folder, only, io.ProgressFor("bench")));
            if (parse.GetValue(json))
            {
                io.WriteJson(folds);
                return NetflixCli.Ok;
            }

            var table = new Table().Title("Explicit MF on MovieLens-100K").AddColumns("fold", "RMSE", "MAE", "R²", "train s");
            foreach (var r in folds.Folds)
            {
                table.AddRow("u" + r.Fold.ToString(inv), r.Rmse.ToString("F4", inv), r.Mae.ToString("F4", inv), r.RSquared.ToString("F4", inv), r.TrainSeconds.ToString("F3", inv));
            }

            table.AddRow("mean", folds.MeanRmse.ToString("F4", inv), folds.MeanMae.ToString("F4", inv), folds.MeanRSquared.ToString("F4", inv), string.Empty);
            io.Console.Write(table);
            return NetflixCli.Ok;
        });
        return command;
    }

    private static Command Recommenders(ConsoleIo io)
    {
        var movieLens = new Option<string>("--movielens") { Description = "MovieLens-100K folder.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the per-user 75/25 split.", DefaultValueFactory = _ => 1 };
        var json = NetflixCli.JsonOption();
        var command = new Command("recs", "Top-10 recommendation quality on MovieLens-100K: popularity, content, explicit MF, implicit MF, hybrid; then, trained on the ratings before a cut-off in time, implicit MF and the hybrid as trained and updated with the titles each user rated since.")
        {
            movieLens, seed, json,
        };
        command.SetAction(parse =>
        {
            var result = RunOrExplain(() => RecommendationBenchmarks.MovieLensTopN(parse.GetValue(movieLens)!, parse.GetValue(seed), 10, io.ProgressFor("bench")));
            if (parse.GetValue(json))
            {
                io.WriteJson(result);
                return NetflixCli.Ok;
            }

            var inv = CultureInfo.InvariantCulture;
            var table = new Table().Title($"Top-{result.K} on MovieLens-100K ({result.TestUsers} users, 75/25 split, seed {result.Seed})")
                .AddColumns("model", "P@10", "R@10", "NDCG@10", "NDCG@10 (ML.NET)", "MAP@10", "hit rate", "coverage", "genre match", "NDCG@10 new viewers", "train s");
            foreach (var m in result.Models)
            {
                table.AddRow(m.Name, m.PrecisionAtK.ToString("F4", inv), m.RecallAtK.ToString("F4", inv), m.NdcgAtK.ToString("F4", inv), m.NdcgAtKGraded.ToString("F4", inv),
                    m.MapAtK.ToString("F4", inv), m.HitRate.ToString("F3", inv), m.Coverage.ToString("F3", inv), m.GenreMatchRate.ToString("F3", inv), m.ViewerNdcgAtK.ToString("F4", inv), m.TrainSeconds.ToString("F3", inv));
            }

            io.Console.Write(table);
            var since = result.SinceTraining;
            var updates = new Table()
                .Title(string.Create(inv, $"Since training: trained on the {since.TrainRatings:N0} ratings before {since.Cutoff:yyyy-MM-dd HH:mm:ss} UTC; {since.Users} users it knows give {since.TitlesSince:N0} titles rated since, judged on the rest"))
                .AddColumns("model", "P@10 as trained", "P@10 updated", "P@10 retrained", "NDCG@10 as trained", "NDCG@10 updated", "NDCG@10 retrained");
            foreach (var m in since.Models)
            {
                updates.AddRow(m.Name, m.PrecisionAtK.ToString("F4", inv), m.PrecisionAtKUpdated?.ToString("F4", inv) ?? "-", m.PrecisionAtKRetrained.ToString("F4", inv),
                    m.NdcgAtK.ToString("F4", inv), m.NdcgAtKUpdated?.ToString("F4", inv) ?? "-", m.NdcgAtKRetrained.ToString("F4", inv));
            }

            io.Console.Write(updates);
            return NetflixCli.Ok;
        });
        return command;
    }

    private static Command TopNLatency(ConsoleIo io)
    {
        var items = new Option<int>("--items") { Description = "Catalogue size.", DefaultValueFactory = _ => 10_000 };
        var rank = new Option<int>("--rank") { Description = "Factor rank.", DefaultValueFactory = _ => 64 };
        var count = new Option<int>("--count") { Description = "How many titles a call returns (1-100, as the API's count).", DefaultValueFactory = _ => 10 };
        var json = NetflixCli.JsonOption();
        var command = new Command("topn", "Latency of one Recommend call (top 10 unless --count, seen items excluded) over the whole catalogue, for the implicit model and the hybrid, without and with a genre filter, and for a viewer they do not know (folded in); and of one SimilarItems call (as many items) for those two and for content alone.") { items, rank, count, json };
        command.SetAction(parse =>
        {
            // --items 2,000,000,000 overflowed the factor array's size, and --rank 100,000 ran out of memory, both unhandled.
            OptionValueException.Require(parse.GetValue(items) is >= 10 and <= 1_000_000, "--items", parse.GetValue(items), "must be in 10..1,000,000");
            OptionValueException.Require(parse.GetValue(rank) is >= 1 and <= MaxRank, "--rank", parse.GetValue(rank), "must be in 1..1,024");
            OptionValueException.Require(parse.GetValue(count) is >= 1 and <= 100, "--count", parse.GetValue(count), "must be in 1..100");

            var result = RecommendationBenchmarks.RecommendLatency(parse.GetValue(items), parse.GetValue(rank), 1_000, parse.GetValue(count), 1);
            if (parse.GetValue(json))
            {
                io.WriteJson(result);
            }
            else
            {
                io.Console.WriteLine($"Factor scan: {(result.FactorScan == "Float" ? "floats" : "8-bit, " + result.FactorScan + " kernel")}; content similarity: {result.ContentKernel} kernel.");
                foreach (var m in result.Models)
                {
                    var filter = m.Genre is null ? string.Empty : $", genre {m.Genre} ({(100 * result.GenreShare).ToString("F1", CultureInfo.InvariantCulture)} % of items)";
                    var call = m.Operation switch
                    {
                        "Recommend" => $"Recommend top {result.N}",
                        "RecommendViewer" => $"Recommend top {result.N} for a viewer it does not know (folded in from about 30 titles)",
                        "RecommendUpdated" => $"Recommend top {result.N} for a known user updated with 5 titles watched since training (about 30 before)",
                        _ => $"SimilarItems, {result.N} most similar",
                    };
                    io.Console.WriteLine($"{m.Name}{filter}: {call} of {result.Items:N0} items at rank {result.Rank} ({result.TokensPerItem.ToString("F2", CultureInfo.InvariantCulture)} content tokens an item): median {m.MedianMicroseconds.ToString("F1", CultureInfo.InvariantCulture)} us, p99 {m.P99Microseconds.ToString("F1", CultureInfo.InvariantCulture)} us (one thread).");
                }
            }

            return NetflixCli.Ok;
        });
        return command;
    }

    private static Command Serve(ConsoleIo io)
    {
        var seconds = new Option<int>("--seconds") { Description = "Measured seconds per endpoint (after the warm-up).", DefaultValueFactory = _ => 10 };
        var connections = new Option<int>("--connections") { Description = "Concurrent keep-alive connections.", DefaultValueFactory = _ => 32 };
        var warmUp = new Option<double>("--warmup") { Description = "Warm-up seconds per endpoint (before its first round).", DefaultValueFactory = _ => 2 };
        var rounds = new Option<int>("--rounds") { Description = "Each endpoint's seconds are split into this many rounds, interleaved with the other endpoints'.", DefaultValueFactory = _ => 5 };
        var db = new Option<string>("--db") { Description = "Database the API looks subscribers and titles up in.", DefaultValueFactory = _ => Defaults.Database };
        var models = new Option<string>("--models") { Description = "Models folder (copied; the copy is what the benchmark swaps models in).", DefaultValueFactory = _ => Defaults.ModelsFolder };
        var json = NetflixCli.JsonOption();
        var command = new Command("serve", "Starts Scoring.Api on a loopback port and drives each endpoint with keep-alive connections: requests/s, p50, p99, errors; swaps models mid-run.")
        {
            seconds, connections, warmUp, rounds, db, models, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            OptionValueException.Require(parse.GetValue(seconds) >= 1, "--seconds", parse.GetValue(seconds), "must be at least 1");
            OptionValueException.Require(parse.GetValue(connections) is >= 1 and <= 1024, "--connections", parse.GetValue(connections), "must be in 1..1024");
            OptionValueException.Require(parse.GetValue(warmUp) >= 0, "--warmup", parse.GetValue(warmUp), "must be at least 0");
            OptionValueException.Require(parse.GetValue(rounds) is >= 1 and <= 100, "--rounds", parse.GetValue(rounds), "must be in 1..100");

            var options = new ServeBenchmarkOptions(parse.GetValue(seconds), parse.GetValue(connections), parse.GetValue(db)!, parse.GetValue(models)!, parse.GetValue(warmUp), parse.GetValue(rounds));
            ServeBenchmarkResult result;
            try
            {
                result = await ServeBenchmark.RunAsync(options, io.ProgressFor("bench"));
            }
            catch (FileNotFoundException ex)
            {
                throw new OptionValueException(ex.Message);
            }
            catch (InvalidOperationException ex)
            {
                await io.Error.WriteLineAsync("bench serve failed: " + ex.Message);
                return NetflixCli.Failed;
            }

            if (parse.GetValue(json))
            {
                io.WriteJson(result);
                return NetflixCli.Ok;
            }

            var inv = CultureInfo.InvariantCulture;
            var table = new Table().Title(Markup.Escape($"{result.Server}: {result.Connections} connections, {result.SecondsPerEndpoint} s per endpoint in {result.Rounds} rounds"))
                .AddColumns("endpoint", "requests/s", "vs /health/live", "p50 ms", "p99 ms", "errors");
            foreach (var e in result.Endpoints)
            {
                table.AddRow(Markup.Escape(e.Endpoint), e.RequestsPerSecond.ToString("N0", inv), e.RelativeToLive.ToString("P0", inv), e.P50Ms.ToString("F2", inv), e.P99Ms.ToString("F2", inv), e.Errors.ToString(inv));
            }

            io.Console.Write(table);
            foreach (var r in result.Reloads)
            {
                io.Console.WriteLine($"Reload during {r.During} ({r.How}): {r.OldVersion} -> {r.NewVersion}, served after {r.SecondsUntilServed.ToString("F2", inv)} s; {r.ErrorsInPhase} failed requests on that endpoint, the slowest {r.SlowestMsInPhase.ToString("F2", inv)} ms.");
            }

            io.Console.WriteLine($"Start-up: listening after {result.StartUp.ListeningSeconds.ToString("F2", inv)} s, first answer after {result.StartUp.FirstAnswerSeconds.ToString("F2", inv)} s, ready after {result.StartUp.ReadySeconds.ToString("F2", inv)} s (from launch).");
            io.Console.WriteLine($"Prediction log lines: {result.PredictionsLogged:N0} for {result.PredictionRequests:N0} prediction requests (warm-up included).");
            var targets = new Table().Title("Targets").AddColumns("target", "required", "measured", "met");
            foreach (var t in result.Targets)
            {
                targets.AddRow(Markup.Escape(t.Name), Markup.Escape(t.Required), Markup.Escape(t.Measured), t.Met ? "yes" : "NO");
            }

            io.Console.Write(targets);
            return NetflixCli.Ok;
        });
        return command;
    }

    // The largest factor rank a benchmark takes: past it a factor matrix of the largest sizes outgrows memory.
    private const int MaxRank = 1_024;

    private static T RunOrExplain<T>(Func<T> run)
    {
        try
        {
            return run();
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            // An ArgumentException's message ends with " (Parameter 'data')", the engine's name for the input.
            var message = ex is ArgumentException { ParamName: { } name } argument ? argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message;
            throw new OptionValueException(message);
        }
    }
}
