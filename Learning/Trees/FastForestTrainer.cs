using System.Text.Json;
using NetflixML.Learning.Core;
using NetflixML.Learning.Data;
using NetflixML.Learning.Models;
using NetflixML.Learning.Preprocessing;
using NetflixML.Learning.Training;

namespace NetflixML.Learning.Trees;

/// <summary>
/// ML.NET's FastForest binary defaults (RandomForestClassification.cs, FastForestOptionsBase): 100 trees, at least
/// 10 rows per leaf, each row kept for a tree with probability 0.7 (without replacement), 70 % of features per tree
/// and each remaining feature considered at a split with probability 0.7, 255 bins, seed 123 as FastTree, except
/// the leaf budget: 256 rather than ML.NET's 20. A forest averages its trees, so it cannot sharpen 20-leaf trees
/// the way boosting does. Measured with `bench classic` on the 2-core machine, on ../shared/data/planted-binary
/// (test AUC; ML.NET itself 0.8563 in 1.82 s, 8.2 us a row) and on the planted linear set (gap to its Bayes AUC):
///  20 leaves: 0.8562, gap 0.049, train 0.66 s, 1.6 us a row;
/// 128 leaves: 0.8852, gap 0.023, train 0.95 s, 3.4 us a row;
/// 256 leaves: 0.8922, gap 0.018, train 1.46 s, 4.4 us a row.
/// </summary>
public sealed record FastForestOptions : IValidatedOptions
{
    public int NumberOfTrees { get; init; } = 100;

    public int NumberOfLeaves { get; init; } = 256;

    public int MinimumExampleCountPerLeaf { get; init; } = 10;

    public double FeatureFraction { get; init; } = 0.7;

    public double FeatureFractionPerSplit { get; init; } = 0.7;

    public double BaggingExampleFraction { get; init; } = 0.7;

    public int MaximumBinCountPerFeature { get; init; } = 255;

    public int Seed { get; init; } = 123;

    /// <summary>Trees are trained this many at a time; null uses every core. The forest is the same whatever the count.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int? Threads { get; init; }

    public EncoderOptions Encoder { get; init; } = new();

    void IValidatedOptions.Validate()
    {
        new OptionCheck(nameof(FastForestOptions))
            .Require(NumberOfTrees >= 1, NumberOfTrees, "must be at least 1")
            .Require(NumberOfLeaves >= 2, NumberOfLeaves, "must be at least 2")
            .Require(MinimumExampleCountPerLeaf >= 1, MinimumExampleCountPerLeaf, "must be at least 1")
            .Require(FeatureFraction is > 0 and <= 1, FeatureFraction, "must be in (0, 1]")
            .Require(FeatureFractionPerSplit is > 0 and <= 1, FeatureFractionPerSplit, "must be in (0, 1]")
            .Require(BaggingExampleFraction is > 0 and < 1, BaggingExampleFraction, "must be in (0, 1)")
            .Require(MaximumBinCountPerFeature is >= 2 and <= BinnedMatrix.MaxValueBins, MaximumBinCountPerFeature, $"must be in 2..{BinnedMatrix.MaxValueBins}")
            .ThrowIfAny();
    }
}

/// <summary>
/// A random forest of least-squares trees on +-1 targets (ML.NET's FastForest), with a real probability: the
/// forest's score is the mean tree output, and a Platt calibrator is fitted on each training row's out-of-bag
/// score (the mean over the trees that did not see it), so calibration never uses a prediction on a row the trees
/// were trained on. ML.NET's catalog FastForest has no calibrated probability at all.
/// </summary>
public sealed class FastForestTrainer : IBinaryTrainer
{
    public FastForestTrainer(FastForestOptions? options = null)
    {
        Options = OptionCheck.Valid(options ?? new FastForestOptions());
    }

    public FastForestOptions Options { get; }

    public string Name => "FastForest";

    public BinaryClassifier Fit(TabularData data)
    {
        var labels = TrainingData.ValidateBinary(data);
        var parallel = TrainingData.Parallelism(Options.Threads);
        var encoder = FeatureEncoder.Fit(data, Options.Encoder);
        var n = data.Rows;
        var width = encoder.Width;
        var binned = BinnedMatrix.Build(encoder.EncodeAll(data), n, width, parallel, Options.MaximumBinCountPerFeature);
        var targets = new double[n];
        for (var i = 0; i < n; i++)
        {
            targets[i] = (labels[i] == 1f ? 1.0 : -1.0) * (data.Weights?[i] ?? 1.0);
        }

        var trees = new RegressionTree[Options.NumberOfTrees];
        var bins = new int[Options.NumberOfTrees][];
        var inBag = new bool[Options.NumberOfTrees][];
        // One generator per tree, made up front: trees can be trained in any order on any thread.
        Parallel.For(0, Options.NumberOfTrees, parallel, () => new TreeLearner(binned, Options.NumberOfLeaves, Options.MinimumExampleCountPerLeaf, null), (t, _, learner) =>
        {
            var rng = Rng.ForStream((ulong)Options.Seed, (ulong)t);
            var bag = new bool[n];
            var rows = new List<int>(n);
            for (var i = 0; i < n; i++)
            {
                if (rng.NextDouble() < Options.BaggingExampleFraction)
                {
                    bag[i] = true;
                    rows.Add(i);
                }
            }

            // Each feature kept with probability FeatureFraction, as ML.NET's GetActiveFeatures does.
            var features = new bool[width];
            var any = false;
            for (var f = 0; f < width; f++)
            {
                features[f] = rng.NextDouble() <= Options.FeatureFraction;
                any |= features[f];
            }

            if (!any && width > 0)
            {
                features[rng.NextInt(width)] = true;
            }

            var grown = learner.Grow(targets, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows), features, rng, Options.FeatureFractionPerSplit);
            var leafValues = new double[grown.Leaves];
            for (var leaf = 0; leaf < grown.Leaves; leaf++)
            {
                double sum = 0;
                double weight = 0;
                foreach (var r in grown.LeafRows(leaf))
                {
                    sum += targets[r];
                    weight += data.Weights?[r] ?? 1.0;
                }

                leafValues[leaf] = weight > 0 ? sum / weight : 0;
            }

            trees[t] = grown.ToRegressionTree(binned, leafValues);
            bins[t] = grown.ThresholdBin;
            inBag[t] = bag;
            return learner;
        }, _ => { });

        // Out-of-bag scores, summed per row in tree order (deterministic), walking the trees on the bins.
        var oobScore = new double[n];
        var oobCount = new int[n];
        Parallel.For(0, (n + 4095) / 4096, parallel, block =>
        {
            var end = Math.Min(n, (block + 1) * 4096);
            for (var i = block * 4096; i < end; i++)
            {
                for (var t = 0; t < trees.Length; t++)
                {
                    if (!inBag[t][i])
                    {
                        oobScore[i] += LeafValueOnBins(trees[t], bins[t], binned, i);
                        oobCount[i]++;
                    }
                }
            }
        });

        var calibrationScores = new List<double>();
        var calibrationLabels = new List<float>();
        for (var i = 0; i < n; i++)
        {
            if (oobCount[i] > 0)
            {
                calibrationScores.Add(oobScore[i] / oobCount[i]);
                calibrationLabels.Add(labels[i]);
            }
        }

        var calibrator = SigmoidCalibrator.FitPlatt(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(calibrationScores), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(calibrationLabels));
        var parameters = new TreeEnsembleModelParameters(trees, 1.0 / trees.Length, width);
        return new BinaryClassifier(Name, JsonSerializer.Serialize(Options), encoder, parameters, calibrator);
    }

    private static double LeafValueOnBins(RegressionTree tree, int[] thresholdBins, BinnedMatrix binned, int row)
    {
        if (tree.SplitFeature.Length == 0)
        {
            return tree.LeafValue[0];
        }

        var node = 0;
        while (node >= 0)
        {
            var bin = binned.Bins[tree.SplitFeature[node] * binned.Rows + row];
            var left = bin == 0 ? tree.DefaultLeft[node] : bin <= thresholdBins[node];
            node = left ? tree.Left[node] : tree.Right[node];
        }

        return tree.LeafValue[~node];
    }
}
