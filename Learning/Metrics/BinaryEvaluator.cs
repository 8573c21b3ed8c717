namespace NetflixML.Learning.Metrics;

/// <summary>A decision rule's figures at one probability threshold.</summary>
public sealed record ThresholdMetrics(double Threshold, double Accuracy, double Precision, double Recall, double F1, ConfusionMatrix Confusion)
{
    public static ThresholdMetrics At(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, double threshold)
    {
        var confusion = ConfusionMatrix.At(probabilities, labels, threshold);
        return new ThresholdMetrics(threshold, confusion.Accuracy, confusion.Precision, confusion.Recall, confusion.F1, confusion);
    }
}

/// <summary>What a model must beat: always predicting the majority class, or the base rate as a probability.</summary>
public sealed record BaselineMetrics(double PositiveRate, double Accuracy, double LogLoss, double Brier)
{
    public double Auc => 0.5;

    public static BaselineMetrics For(ReadOnlySpan<float> labels)
    {
        var rate = labels.Length == 0 ? 0 : AreaUnderRocCurve.CountPositives(labels) / labels.Length;
        return new BaselineMetrics(rate, Math.Max(rate, 1 - rate), Metrics.LogLoss.Prior(rate), rate * (1 - rate));
    }
}

/// <summary>Every binary metric of one set of predictions, beside the majority-class baseline.</summary>
public sealed record BinaryMetrics
{
    public int Rows { get; init; }

    public double Auc { get; init; }

    /// <summary>Area under the precision-recall curve (average precision).</summary>
    public double Auprc { get; init; }

    /// <summary>Log-loss in nats (natural log).</summary>
    public double LogLoss { get; init; }

    /// <summary>Log-loss in bits, the unit ML.NET reports.</summary>
    public double LogLossBits => LogLoss / Math.Log(2);

    /// <summary>1 - LogLoss / prior entropy, as ML.NET defines it (prior from the evaluated labels).</summary>
    public double LogLossReduction { get; init; }

    public double Brier { get; init; }

    public double CalibrationError { get; init; }

    /// <summary>Accuracy, precision, recall and F1 at probability 0.5.</summary>
    public required ThresholdMetrics AtHalf { get; init; }

    /// <summary>The same at the model's chosen threshold.</summary>
    public required ThresholdMetrics AtThreshold { get; init; }

    public required BaselineMetrics Baseline { get; init; }
}

/// <summary>Evaluates predicted probabilities against 0/1 labels.</summary>
public static class BinaryEvaluator
{
    public static BinaryMetrics Evaluate(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, double threshold = 0.5)
    {
        if (probabilities.Length == 0)
        {
            throw new ArgumentException("Nothing to evaluate: no predictions.", nameof(probabilities));
        }

        var baseline = BaselineMetrics.For(labels);
        var logLoss = Metrics.LogLoss.Compute(probabilities, labels);
        return new BinaryMetrics
        {
            Rows = probabilities.Length,
            Auc = AreaUnderRocCurve.Compute(probabilities, labels),
            Auprc = AveragePrecision.Compute(probabilities, labels),
            LogLoss = logLoss,
            LogLossReduction = baseline.LogLoss > 0 ? 1 - logLoss / baseline.LogLoss : double.NaN,
            Brier = BrierScore.Compute(probabilities, labels),
            CalibrationError = ExpectedCalibrationError.Compute(probabilities, labels),
            AtHalf = ThresholdMetrics.At(probabilities, labels, 0.5),
            AtThreshold = ThresholdMetrics.At(probabilities, labels, threshold),
            Baseline = baseline,
        };
    }

    /// <summary>
    /// The probability threshold that maximises F1 on these (validation) predictions: the midpoint between the
    /// lowest score predicted positive and the next score below it.
    /// </summary>
    public static double ThresholdMaximisingF1(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels)
    {
        var positives = AreaUnderRocCurve.CountPositives(labels);
        if (positives == 0)
        {
            return 0.5;
        }

        var groups = AreaUnderRocCurve.DescendingGroups(probabilities, labels);
        double bestF1 = -1, best = 0.5;
        for (var g = 0; g < groups.Count; g++)
        {
            var f1 = 2 * groups[g].PositivesAtOrAbove / (groups[g].RowsAtOrAbove + positives);
            if (f1 > bestF1)
            {
                bestF1 = f1;
                var below = g + 1 < groups.Count ? groups[g + 1].Score : 0;
                best = (groups[g].Score + below) / 2;
            }
        }

        return best;
    }
}
