using System.Buffers;
using NetflixML.Learning.Data;
using NetflixML.Learning.Preprocessing;

namespace NetflixML.Learning.Models;

/// <summary>
/// A trained binary classifier: the encoder learned at fit time, the score function (linear weights or trees),
/// the calibrator that turns a score into a probability, and the decision threshold. Immutable; every method is
/// safe to call from many threads, and single-row prediction allocates nothing.
/// </summary>
public sealed class BinaryClassifier
{
    private const int StackLimit = 512;

    public BinaryClassifier(string trainer, string optionsJson, FeatureEncoder encoder, IScoreFunction parameters, SigmoidCalibrator calibrator, double threshold = 0.5)
    {
        if (parameters.Width != encoder.Width)
        {
            throw new ArgumentException($"The score function reads {parameters.Width} features; the encoder writes {encoder.Width}.", nameof(parameters));
        }

        Trainer = trainer;
        OptionsJson = optionsJson;
        Encoder = encoder;
        Parameters = parameters;
        Calibrator = calibrator;
        Threshold = threshold;
    }

    /// <summary>Trainer name: LogisticRegression, FastForest or FastTree.</summary>
    public string Trainer { get; }

    /// <summary>The trainer's options as JSON, as written to the model manifest.</summary>
    public string OptionsJson { get; }

    public FeatureEncoder Encoder { get; }

    public IScoreFunction Parameters { get; }

    public SigmoidCalibrator Calibrator { get; }

    /// <summary>Probability at or above which the prediction is positive.</summary>
    public double Threshold { get; }

    public TabularSchema Schema => Encoder.Schema;

    public BinaryClassifier WithThreshold(double threshold) =>
        threshold is >= 0 and <= 1
            ? new BinaryClassifier(Trainer, OptionsJson, Encoder, Parameters, Calibrator, threshold)
            : throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "A probability threshold lies in [0, 1].");

    public double Score(in FeatureRow row)
    {
        var width = Encoder.Width;
        float[]? rented = null;
        var buffer = width <= StackLimit ? stackalloc float[width] : (rented = ArrayPool<float>.Shared.Rent(width)).AsSpan(0, width);
        try
        {
            Encoder.Encode(row, buffer);
            return Parameters.Score(buffer);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    public double PredictProbability(in FeatureRow row) => Calibrator.Probability(Score(row));

    public bool Predict(in FeatureRow row) => PredictProbability(row) >= Threshold;

    /// <summary>Probabilities for every row of <paramref name="data"/>, scored in parallel.</summary>
    public double[] PredictProbabilities(TabularData data)
    {
        Encoder.CheckSchema(data.Schema);
        var result = new double[data.Rows];
        const int block = 2048;
        Parallel.For(0, (data.Rows + block - 1) / block, b =>
        {
            var buffer = ArrayPool<float>.Shared.Rent(Encoder.Width);
            try
            {
                var span = buffer.AsSpan(0, Encoder.Width);
                var end = Math.Min(data.Rows, (b + 1) * block);
                for (var r = b * block; r < end; r++)
                {
                    Encoder.Encode(data, r, span);
                    result[r] = Calibrator.Probability(Parameters.Score(span));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        });
        return result;
    }

    // Largest contribution first, ties by name: a total order, so explanations are deterministic.
    private static readonly Comparison<FeatureContribution> LargestFirst = (a, b) =>
    {
        var byMagnitude = Math.Abs(b.Contribution).CompareTo(Math.Abs(a.Contribution));
        return byMagnitude != 0 ? byMagnitude : string.CompareOrdinal(a.Feature, b.Feature);
    };

    /// <summary>The score split by raw column (linear: weight x value; trees: path contributions), largest first.</summary>
    public Explanation Explain(in FeatureRow row)
    {
        var width = Encoder.Width;
        var features = new float[width];
        var perFeature = new double[width];
        Encoder.Encode(row, features);
        var bias = Parameters.Contributions(features, perFeature);
        var perColumn = new double[Schema.Columns.Count];
        for (var j = 0; j < width; j++)
        {
            perColumn[Encoder.SourceColumn[j]] += perFeature[j];
        }

        var score = bias + perFeature.Sum();
        var contributions = new FeatureContribution[perColumn.Length];
        for (var i = 0; i < contributions.Length; i++)
        {
            contributions[i] = new FeatureContribution(Schema.Columns[i].Name, perColumn[i]);
        }

        Array.Sort(contributions, LargestFirst);
        return new Explanation(score, Calibrator.Probability(score), bias, contributions);
    }
}
