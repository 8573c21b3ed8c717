using System.Numerics.Tensors;
using System.Text.Json;
using NetflixML.Learning.Core;
using NetflixML.Learning.Data;
using NetflixML.Learning.Models;
using NetflixML.Learning.Optimization;
using NetflixML.Learning.Preprocessing;
using NetflixML.Learning.Training;

namespace NetflixML.Learning.Linear;

/// <summary>
/// Options with ML.NET's LbfgsLogisticRegression defaults (LbfgsPredictorBase.OptionsBase.Defaults):
/// L1 = 1 and L2 = 1 (scaled as ML.NET scales them: mean loss + L2/(2N) |w|^2 + L1/N |w|_1, bias not regularised),
/// history 20, tolerance 1e-7 on the 5-iteration mean relative improvement, weights starting at zero.
/// Unlike ML.NET, features are standardised inside the trainer (ML.NET needs a normaliser in the pipeline).
/// </summary>
public sealed record LogisticRegressionOptions : IValidatedOptions
{
    public double L1Regularization { get; init; } = 1.0;

    public double L2Regularization { get; init; } = 1.0;

    public double OptimizationTolerance { get; init; } = 1e-7;

    public int HistorySize { get; init; } = 20;

    public int MaximumIterations { get; init; } = int.MaxValue;

    /// <summary>Threads for the gradient; null uses every core. The model is the same whatever the count, so the
    /// count is not recorded with it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int? Threads { get; init; }

    public EncoderOptions Encoder { get; init; } = new();

    void IValidatedOptions.Validate()
    {
        new OptionCheck(nameof(LogisticRegressionOptions))
            .Require(L1Regularization >= 0, L1Regularization, "must be at least 0")
            .Require(L2Regularization >= 0, L2Regularization, "must be at least 0")
            .Require(OptimizationTolerance > 0, OptimizationTolerance, "must be above 0")
            .Require(HistorySize >= 1, HistorySize, "must be at least 1")
            .Require(MaximumIterations >= 1, MaximumIterations, "must be at least 1")
            .ThrowIfAny();
    }
}

/// <summary>Binary logistic regression trained by L-BFGS (OWL-QN when L1 is on).</summary>
public sealed class LogisticRegressionTrainer(LogisticRegressionOptions? options = null) : IBinaryTrainer
{
    private const int Chunk = 4096;

    public LogisticRegressionOptions Options { get; } = OptionCheck.Valid(options ?? new LogisticRegressionOptions());

    public string Name => "LogisticRegression";

    /// <summary>Iterations and stop reason of the last fit, for diagnostics.</summary>
    public OptimizationResult? LastOptimization { get; private set; }

    public BinaryClassifier Fit(TabularData data)
    {
        var labels = TrainingData.ValidateBinary(data);
        var encoder = FeatureEncoder.Fit(data, Options.Encoder);
        var encoded = encoder.EncodeAll(data);
        var n = data.Rows;
        var width = encoder.Width;

        // Standardisation over present values; constant features keep scale 1 (their weight stays 0).
        var means = new double[width];
        var scales = new double[width];
        var hasMissing = new bool[width];
        for (var j = 0; j < width; j++)
        {
            double sum = 0, sumSq = 0;
            var count = 0;
            for (var r = 0; r < n; r++)
            {
                var x = encoded[r * width + j];
                if (float.IsNaN(x))
                {
                    hasMissing[j] = true;
                    continue;
                }

                sum += x;
                sumSq += (double)x * x;
                count++;
            }

            means[j] = count > 0 ? sum / count : 0;
            var variance = count > 1 ? (sumSq - sum * sum / count) / (count - 1) : 0;
            scales[j] = variance > 1e-24 ? Math.Sqrt(variance) : 1;
        }

        // Design matrix: standardised features (missing -> 0, the mean) and one indicator per feature with gaps.
        var missingColumns = Enumerable.Range(0, width).Where(j => hasMissing[j]).ToArray();
        var columns = width + missingColumns.Length;
        var z = new double[(long)n * columns];
        Parallel.For(0, n, TrainingData.Parallelism(Options.Threads), r =>
        {
            var row = z.AsSpan(r * columns, columns);
            for (var j = 0; j < width; j++)
            {
                var x = encoded[r * width + j];
                row[j] = float.IsNaN(x) ? 0 : (x - means[j]) / scales[j];
            }

            for (var m = 0; m < missingColumns.Length; m++)
            {
                row[width + m] = float.IsNaN(encoded[r * width + missingColumns[m]]) ? 1 : 0;
            }
        });

        var weights = data.Weights;
        var totalWeight = weights?.Sum() ?? n;
        var l2 = Options.L2Regularization / totalWeight;
        var l1 = Options.L1Regularization / n;
        var chunks = (n + Chunk - 1) / Chunk;
        var partialGradients = new double[chunks][];
        var partialLoss = new double[chunks];
        var parallel = TrainingData.Parallelism(Options.Threads);

        double Objective(ReadOnlySpan<double> parameters, Span<double> gradient)
        {
            var w = parameters[..columns].ToArray();
            var b = parameters[columns];
            Parallel.For(0, chunks, parallel, c =>
            {
                var g = partialGradients[c] ??= new double[columns + 1];
                Array.Clear(g);
                double loss = 0;
                var end = Math.Min(n, (c + 1) * Chunk);
                for (var r = c * Chunk; r < end; r++)
                {
                    var row = z.AsSpan(r * columns, columns);
                    var margin = b + TensorPrimitives.Dot<double>(row, w);
                    var y = labels[r] == 1f ? 1.0 : -1.0;
                    var ym = y * margin;
                    var weight = weights?[r] ?? 1.0;
                    loss += weight * (ym > 0 ? Math.Log(1 + Math.Exp(-ym)) : -ym + Math.Log(1 + Math.Exp(ym)));
                    var d = -y * weight * Core.SpecialFunctions.Sigmoid(-ym);
                    TensorPrimitives.MultiplyAdd<double>(row, d, g.AsSpan(0, columns), g.AsSpan(0, columns));
                    g[columns] += d;
                }

                partialLoss[c] = loss;
            });

            // Sum the chunks in a fixed order, so the result does not depend on the thread count.
            gradient.Clear();
            double total = 0;
            for (var c = 0; c < chunks; c++)
            {
                total += partialLoss[c];
                TensorPrimitives.Add(gradient, partialGradients[c], gradient);
            }

            double penalty = 0;
            for (var j = 0; j < columns + 1; j++)
            {
                gradient[j] /= totalWeight;
            }

            for (var j = 0; j < columns; j++)
            {
                penalty += w[j] * w[j];
                gradient[j] += l2 * w[j];
            }

            return total / totalWeight + 0.5 * l2 * penalty;
        }

        var mask = Enumerable.Range(0, columns + 1).Select(j => j < columns).ToArray();
        var result = OwlQn.Minimize(Objective, columns + 1, l1, mask, Options.HistorySize, Options.OptimizationTolerance, Options.MaximumIterations);
        LastOptimization = result;
        var solution = result.Solution;
        var missingWeights = new double[width];
        for (var m = 0; m < missingColumns.Length; m++)
        {
            missingWeights[missingColumns[m]] = solution[width + m];
        }

        var parameters = new LinearModelParameters(solution[..width], solution[columns], means, scales, missingWeights);
        return new BinaryClassifier(Name, JsonSerializer.Serialize(Options), encoder, parameters, SigmoidCalibrator.Identity);
    }
}
