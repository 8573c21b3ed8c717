using NetflixML.Learning.Models;

namespace NetflixML.Learning.Linear;

/// <summary>
/// A logistic-regression model: weights learned on standardised features, with the standardisation (mean and
/// scale per feature) stored beside them. A missing value counts as the training mean, plus a learned weight for
/// "missing" on features that had missing values in training.
/// </summary>
public sealed class LinearModelParameters : IScoreFunction
{
    private readonly double[] _weights;
    private readonly double[] _means;
    private readonly double[] _scales;
    private readonly double[] _missingWeights;
    private readonly double[] _rawWeights;
    private readonly double _rawBias;

    public LinearModelParameters(double[] weights, double bias, double[] means, double[] scales, double[] missingWeights)
    {
        if (weights.Length != means.Length || weights.Length != scales.Length || weights.Length != missingWeights.Length)
        {
            throw new ArgumentException("Weights, means, scales and missing weights must have one entry per feature.");
        }

        _weights = weights;
        Bias = bias;
        _means = means;
        _scales = scales;
        _missingWeights = missingWeights;
        // Folded form for scoring: b' + sum w_j / s_j * x_j, identical arithmetic after a reload.
        _rawWeights = new double[weights.Length];
        _rawBias = bias;
        for (var j = 0; j < weights.Length; j++)
        {
            _rawWeights[j] = weights[j] / scales[j];
            _rawBias -= _rawWeights[j] * means[j];
        }
    }

    public string Kind => "linear";

    public int Width => _weights.Length;

    /// <summary>Weights per standardised feature (change in log-odds per standard deviation).</summary>
    public IReadOnlyList<double> StandardizedWeights => _weights;

    /// <summary>Log-odds at the mean of every feature.</summary>
    public double Bias { get; }

    /// <summary>Weights in the features' own units (change in log-odds per unit).</summary>
    public IReadOnlyList<double> Weights => _rawWeights;

    /// <summary>The intercept in the features' own units: the score when every feature is zero.</summary>
    public double Intercept => _rawBias;

    public IReadOnlyList<double> Means => _means;

    public IReadOnlyList<double> Scales => _scales;

    public IReadOnlyList<double> MissingWeights => _missingWeights;

    public double Score(ReadOnlySpan<float> features)
    {
        var score = _rawBias;
        var weights = _rawWeights;
        for (var j = 0; j < weights.Length; j++)
        {
            var x = features[j];
            if (float.IsNaN(x))
            {
                score += weights[j] * _means[j] + _missingWeights[j];
            }
            else
            {
                score += weights[j] * x;
            }
        }

        return score;
    }

    public double Contributions(ReadOnlySpan<float> features, Span<double> contributions)
    {
        for (var j = 0; j < _weights.Length; j++)
        {
            var x = features[j];
            contributions[j] = float.IsNaN(x) ? _missingWeights[j] : _rawWeights[j] * (x - _means[j]);
        }

        return Bias;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_weights.Length);
        writer.Write(Bias);
        foreach (var array in new[] { _weights, _means, _scales, _missingWeights })
        {
            foreach (var v in array)
            {
                writer.Write(v);
            }
        }
    }

    public static LinearModelParameters Read(BinaryReader reader)
    {
        var n = reader.ReadInt32();
        var bias = reader.ReadDouble();
        var arrays = new double[4][];
        for (var a = 0; a < 4; a++)
        {
            arrays[a] = new double[n];
            for (var j = 0; j < n; j++)
            {
                arrays[a][j] = reader.ReadDouble();
            }
        }

        return new LinearModelParameters(arrays[0], bias, arrays[1], arrays[2], arrays[3]);
    }
}
