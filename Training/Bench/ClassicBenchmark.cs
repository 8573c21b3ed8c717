using System.Diagnostics;
using NetflixML.Learning.Data;
using NetflixML.Learning.Linear;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Models;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Synthetic;
using NetflixML.Learning.Training;
using NetflixML.Learning.Trees;

namespace NetflixML.Training.Bench;

public sealed record ClassicBenchmarkOptions(string Kind = "linear", int Rows = 100_000, int Features = 30, int Seed = 1, string? Train = null, string? Test = null, string Label = "label");

public sealed record TrainerFigures(string Name, double Auc, double? BayesAuc, double LogLoss, double TrainSeconds, double PredictNsPerRow, double P99PredictNs, long ModelBytes);

public sealed record ClassicBenchmarkResult(string Dataset, int Rows, int TestRows, double? BayesAuc, IReadOnlyList<TrainerFigures> Trainers);

/// <summary>
/// `bench classic`: the three binary trainers, default options, on a planted dataset (known truth) or on CSV
/// files. Training time is measured warm (after a fit on a small slice has compiled the code paths), as the
/// reference figures were; prediction latency is one row at a time through the public predictor, one thread.
/// </summary>
public static class ClassicBenchmark
{
    public static ClassicBenchmarkResult Run(ClassicBenchmarkOptions options, IProgress<string>? progress = null)
    {
        var (dataset, train, test, truth) = Load(options);
        if (test.Labels!.Distinct().Take(2).Count() < 2)
        {
            // AUC is undefined without both classes; the run used to print NaN for every trainer.
            var rows = test.Rows switch
            {
                0 => "no test rows",
                1 => $"1 test row, labelled {test.Labels![0].ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                _ => $"{test.Rows:N0} test rows, all labelled {test.Labels![0].ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            };
            throw new InvalidDataException($"{dataset}: {rows}: AUC needs both labels; give more rows, or a --test file with both.");
        }

        var bayes = truth is null ? (double?)null : AreaUnderRocCurve.Compute(truth, test.Labels!);
        var trainers = new IBinaryTrainer[] { new LogisticRegressionTrainer(), new FastTreeTrainer(), new FastForestTrainer() };
        var figures = new List<TrainerFigures>();
        var rowBuffers = RowBuffers.From(test);
        foreach (var trainer in trainers)
        {
            progress?.Report($"{trainer.Name}: warm-up");
            trainer.Fit(train.Subset(Enumerable.Range(0, Math.Min(train.Rows, 3000)).ToArray()));
            progress?.Report($"{trainer.Name}: training on {train.Rows:N0} rows");
            var clock = Stopwatch.StartNew();
            var model = trainer.Fit(train);
            var seconds = clock.Elapsed.TotalSeconds;
            var probabilities = model.PredictProbabilities(test);
            progress?.Report($"{trainer.Name}: timing single-row predictions");
            var latency = LatencyProbe.Measure(Math.Min(50_000, Math.Max(test.Rows, 20_000)), i => rowBuffers.Predict(model, i % test.Rows));
            var bytes = ModelBytes(model);
            figures.Add(new TrainerFigures(
                trainer.Name,
                Math.Round(AreaUnderRocCurve.Compute(probabilities, test.Labels!), 5),
                bayes is null ? null : Math.Round(bayes.Value, 5),
                Math.Round(LogLoss.Compute(probabilities, test.Labels!), 5),
                Math.Round(seconds, 3),
                Math.Round(latency.MedianNs, 1),
                Math.Round(latency.P99Ns, 1),
                bytes));
        }

        return new ClassicBenchmarkResult(dataset, train.Rows + test.Rows, test.Rows, bayes is null ? null : Math.Round(bayes.Value, 5), figures);
    }

    private static (string Dataset, TabularData Train, TabularData Test, double[]? TestTruth) Load(ClassicBenchmarkOptions options)
    {
        if (options.Train is not null)
        {
            var train = CsvTableReader.Read(options.Train, options.Label);
            if (options.Test is not null)
            {
                return ($"{Path.GetFileName(options.Train)} / {Path.GetFileName(options.Test)}", train, CsvTableReader.Read(options.Test, options.Label, train.Schema), null);
            }

            var (trainRows, testRows) = Split(train.Rows, options.Seed);
            return ($"{Path.GetFileName(options.Train)} (80/20 split)", train.Subset(trainRows), train.Subset(testRows), null);
        }

        var planted = options.Kind switch
        {
            "linear" => PlantedBinaryData.Linear(options.Rows, options.Features, (ulong)options.Seed),
            "nonlinear" => PlantedBinaryData.Nonlinear(options.Rows, options.Features, (ulong)options.Seed),
            _ => throw new ArgumentException($"--kind must be linear or nonlinear, not '{options.Kind}'."),
        };
        var (a, b) = Split(options.Rows, options.Seed);
        return ($"planted-{options.Kind} ({options.Rows:N0} x {options.Features}, seed {options.Seed})", planted.Data.Subset(a), planted.Data.Subset(b), b.Select(i => planted.TrueProbability[i]).ToArray());
    }

    private static (int[] Train, int[] Test) Split(int rows, int seed)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        new Learning.Core.Rng((ulong)seed).Shuffle(order.AsSpan());
        var cut = (int)(rows * 0.8);
        return ([.. order[..cut].Order()], [.. order[cut..].Order()]);
    }

    private static long ModelBytes(BinaryClassifier model)
    {
        var path = Path.Combine(Path.GetTempPath(), $"netflixml-bench-{Guid.NewGuid():N}.zip");
        try
        {
            ModelFile.Save(path, model, new ModelMetadata { Task = "bench" });
            return new FileInfo(path).Length;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Test rows laid out once as per-row arrays, so timing measures prediction, not row assembly.</summary>
    private sealed class RowBuffers
    {
        private readonly double[][] _numeric;
        private readonly string?[][] _categorical;
        private readonly string[]?[][] _sets;

        private RowBuffers(double[][] numeric, string?[][] categorical, string[]?[][] sets)
        {
            _numeric = numeric;
            _categorical = categorical;
            _sets = sets;
        }

        public static RowBuffers From(TabularData data)
        {
            var numeric = new double[data.Rows][];
            var categorical = new string?[data.Rows][];
            var sets = new string[]?[data.Rows][];
            for (var r = 0; r < data.Rows; r++)
            {
                numeric[r] = new double[data.Schema.NumericCount];
                categorical[r] = new string?[data.Schema.CategoricalCount];
                sets[r] = new string[]?[data.Schema.SetCount];
                data.Row(r, numeric[r], categorical[r], sets[r]);
            }

            return new RowBuffers(numeric, categorical, sets);
        }

        public double Predict(BinaryClassifier model, int row) =>
            model.PredictProbability(new FeatureRow(_numeric[row], _categorical[row], _sets[row]));
    }
}
