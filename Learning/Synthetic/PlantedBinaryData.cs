using NetflixML.Learning.Core;
using NetflixML.Learning.Data;

namespace NetflixML.Learning.Synthetic;

/// <summary>A planted binary dataset: features, labels drawn from known probabilities, and the truth itself.</summary>
public sealed record PlantedBinary(TabularData Data, double[] TrueProbability, double[] TrueWeights, double TrueBias);

/// <summary>
/// Labelled data drawn from a known model, so tests and benchmarks can compare what a learner recovers with the
/// truth (the planted coefficients, the Bayes-optimal AUC of the true probabilities).
/// </summary>
public static class PlantedBinaryData
{
    /// <summary>
    /// A logistic model over standard normal features: the first third carry weights drawn N(0, 1), the rest are
    /// noise (weight 0); bias -0.3.
    /// </summary>
    public static PlantedBinary Linear(int rows, int features, ulong seed)
    {
        var rng = Rng.ForStream(seed, 100);
        var informative = Math.Max(1, features / 3);
        var weights = new double[features];
        for (var j = 0; j < informative; j++)
        {
            weights[j] = rng.Gaussian(0, 1);
        }

        const double bias = -0.3;
        var x = Columns(rng, rows, features);
        var p = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var logit = bias;
            for (var j = 0; j < features; j++)
            {
                logit += weights[j] * x[j][i];
            }

            p[i] = SpecialFunctions.Sigmoid(logit);
        }

        return new PlantedBinary(Build(x, p, rng), p, weights, bias);
    }

    /// <summary>
    /// Thresholds, an XOR-like interaction and a bump: structure a linear model cannot express, plus noise
    /// features. Needs at least six features.
    /// </summary>
    public static PlantedBinary Nonlinear(int rows, int features, ulong seed)
    {
        if (features < 6)
        {
            throw new ArgumentOutOfRangeException(nameof(features), features, "The nonlinear planted set needs at least 6 features.");
        }

        var rng = Rng.ForStream(seed, 200);
        var x = Columns(rng, rows, features);
        var p = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var logit = -0.4
                + 1.6 * (x[0][i] > 0.5 ? 1 : 0)
                - 1.4 * (x[1][i] < -0.3 ? 1 : 0)
                + 2.0 * (x[2][i] > 0 == x[3][i] > 0 ? 1 : -1)
                + 1.5 * Math.Exp(-2 * x[4][i] * x[4][i])
                - 1.0 * (Math.Abs(x[5][i]) > 1.2 ? 1 : 0);
            p[i] = SpecialFunctions.Sigmoid(logit);
        }

        return new PlantedBinary(Build(x, p, rng), p, new double[features], double.NaN);
    }

    private static double[][] Columns(Rng rng, int rows, int features)
    {
        var x = new double[features][];
        for (var j = 0; j < features; j++)
        {
            x[j] = new double[rows];
        }

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < features; j++)
            {
                x[j][i] = rng.NextGaussian();
            }
        }

        return x;
    }

    private static TabularData Build(double[][] x, double[] p, Rng rng)
    {
        var builder = new TabularDataBuilder();
        for (var j = 0; j < x.Length; j++)
        {
            builder.AddNumeric("f" + j.ToString(System.Globalization.CultureInfo.InvariantCulture), x[j]);
        }

        var labels = new float[p.Length];
        for (var i = 0; i < p.Length; i++)
        {
            labels[i] = rng.Bernoulli(p[i]) ? 1f : 0f;
        }

        return builder.WithLabels(labels).Build();
    }
}
