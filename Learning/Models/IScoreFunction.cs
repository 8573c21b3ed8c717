namespace NetflixML.Learning.Models;

/// <summary>
/// Learned parameters that map an encoded feature vector to a raw score (log-odds scale up to the calibrator).
/// Implementations are immutable and thread-safe.
/// </summary>
public interface IScoreFunction
{
    /// <summary>Entry name in the model file, also the kind written to the manifest.</summary>
    string Kind { get; }

    /// <summary>How many encoded features the function reads.</summary>
    int Width { get; }

    double Score(ReadOnlySpan<float> features);

    /// <summary>
    /// Splits the score into a bias plus one contribution per encoded feature, summing exactly to
    /// <see cref="Score"/>: weight x (value - mean) for linear models, path contributions for trees.
    /// </summary>
    double Contributions(ReadOnlySpan<float> features, Span<double> contributions);

    void Write(BinaryWriter writer);
}

/// <summary>P = 1 / (1 + exp(-(Slope * score + Offset))). Logistic regression uses (1, 0), FastTree (2 lr, 0);
/// FastForest fits it (Platt scaling) on out-of-bag scores.</summary>
public sealed record SigmoidCalibrator(double Slope, double Offset)
{
    public static SigmoidCalibrator Identity { get; } = new(1, 0);

    public double Probability(double score) => Core.SpecialFunctions.Sigmoid(Slope * score + Offset);

    /// <summary>
    /// Platt scaling with Lin, Lin and Weng's smoothed targets (as ML.NET's PlattCalibratorTrainer): fits slope
    /// and offset by Newton's method on the log-loss, starting from the prior.
    /// </summary>
    public static SigmoidCalibrator FitPlatt(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        double positives = 0;
        foreach (var l in labels)
        {
            positives += l > 0.5f ? 1 : 0;
        }

        var negatives = labels.Length - positives;
        var hi = (positives + 1) / (positives + 2);
        var lo = 1 / (negatives + 2);
        double a = 0, b = Math.Log((positives + 1) / (negatives + 1));
        var fval = Objective(scores, labels, a, b, hi, lo);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
            for (var i = 0; i < scores.Length; i++)
            {
                var t = labels[i] > 0.5f ? hi : lo;
                var p = Core.SpecialFunctions.Sigmoid(a * scores[i] + b);
                var d2 = p * (1 - p);
                h11 += scores[i] * scores[i] * d2;
                h22 += d2;
                h21 += scores[i] * d2;
                var d1 = p - t;
                g1 += scores[i] * d1;
                g2 += d1;
            }

            if (Math.Abs(g1) < 1e-9 && Math.Abs(g2) < 1e-9)
            {
                break;
            }

            var det = h11 * h22 - h21 * h21;
            var da = -(h22 * g1 - h21 * g2) / det;
            var db = -(-h21 * g1 + h11 * g2) / det;
            var gd = g1 * da + g2 * db;
            var step = 1.0;
            while (step >= 1e-10)
            {
                var na = a + step * da;
                var nb = b + step * db;
                var nf = Objective(scores, labels, na, nb, hi, lo);
                if (nf < fval + 1e-4 * step * gd)
                {
                    (a, b, fval) = (na, nb, nf);
                    break;
                }

                step /= 2;
            }

            if (step < 1e-10)
            {
                break;
            }
        }

        return new SigmoidCalibrator(a, b);
    }

    private static double Objective(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels, double a, double b, double hi, double lo)
    {
        double f = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var t = labels[i] > 0.5f ? hi : lo;
            var z = a * scores[i] + b;
            // -[t log p + (1-t) log(1-p)] with p = sigmoid(z), written stably.
            f += (z >= 0 ? Math.Log(1 + Math.Exp(-z)) + (1 - t) * z : Math.Log(1 + Math.Exp(z)) - t * z);
        }

        return f;
    }
}
