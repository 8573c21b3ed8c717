namespace NetflixML.Learning.Metrics;

/// <summary>Area under the ROC curve, exact over all rows; tied scores count half (the Mann-Whitney statistic).</summary>
public static class AreaUnderRocCurve
{
    public static double Compute(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        CheckLengths(scores.Length, labels.Length);
        var order = SortedIndices(scores);
        double positives = 0, negatives = 0, rankSumPositives = 0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            // Ranks i+1 .. j+1 share their average.
            var averageRank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
            {
                if (labels[order[k]] > 0.5f)
                {
                    positives++;
                    rankSumPositives += averageRank;
                }
                else
                {
                    negatives++;
                }
            }

            i = j + 1;
        }

        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (rankSumPositives - positives * (positives + 1) / 2) / (positives * negatives);
    }

    internal static int[] SortedIndices(ReadOnlySpan<double> scores)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = scores.ToArray();
        Array.Sort(keys, order);
        return order;
    }

    internal static double CountPositives(ReadOnlySpan<float> labels)
    {
        double positives = 0;
        foreach (var l in labels)
        {
            positives += l > 0.5f ? 1 : 0;
        }

        return positives;
    }

    /// <summary>
    /// Rows grouped by tied score, from the highest score down, each group with its positives and the running
    /// counts of positives and of rows at or above its score: the sweep behind the ROC curve, average precision and
    /// the F1-maximising threshold.
    /// </summary>
    internal static List<ScoreGroup> DescendingGroups(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        CheckLengths(scores.Length, labels.Length);
        var order = SortedIndices(scores);
        var groups = new List<ScoreGroup>();
        double truePositives = 0;
        var i = order.Length - 1;
        while (i >= 0)
        {
            var score = scores[order[i]];
            double groupPositives = 0;
            for (; i >= 0 && scores[order[i]] == score; i--)
            {
                groupPositives += labels[order[i]] > 0.5f ? 1 : 0;
            }

            // Every row from the top of the order down to i + 1 scores at or above this group.
            truePositives += groupPositives;
            groups.Add(new ScoreGroup(score, groupPositives, truePositives, order.Length - 1 - i));
        }

        return groups;
    }

    internal static void CheckLengths(int scores, int labels)
    {
        if (scores != labels)
        {
            throw new ArgumentException($"{scores} scores for {labels} labels.");
        }
    }
}

/// <summary>Rows sharing one score: their positives, and the counts of positives and rows at or above it.</summary>
internal readonly record struct ScoreGroup(double Score, double Positives, double PositivesAtOrAbove, double RowsAtOrAbove);

/// <summary>
/// Area under the precision-recall curve as average precision: the mean of the precision reached at each
/// positive, with tied scores taken together (the step-wise estimate, which does not interpolate optimistically).
/// </summary>
public static class AveragePrecision
{
    public static double Compute(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        var groups = AreaUnderRocCurve.DescendingGroups(scores, labels);
        var totalPositives = AreaUnderRocCurve.CountPositives(labels);
        if (totalPositives == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        foreach (var g in groups)
        {
            sum += g.Positives * (g.PositivesAtOrAbove / g.RowsAtOrAbove);
        }

        return sum / totalPositives;
    }
}

/// <summary>Mean negative log-likelihood in nats. Probabilities are clipped to [1e-15, 1 - 1e-15] so one confident
/// mistake gives a large finite loss rather than infinity (ML.NET does not clip).</summary>
public static class LogLoss
{
    public const double Epsilon = 1e-15;

    public static double Compute(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels)
    {
        AreaUnderRocCurve.CheckLengths(probabilities.Length, labels.Length);
        double sum = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], Epsilon, 1 - Epsilon);
            sum -= labels[i] > 0.5f ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / probabilities.Length;
    }

    /// <summary>Entropy of the label prior in nats: the log-loss of always predicting the base rate.</summary>
    public static double Prior(double positiveRate)
    {
        var p = Math.Clamp(positiveRate, Epsilon, 1 - Epsilon);
        return -(positiveRate * Math.Log(p) + (1 - positiveRate) * Math.Log(1 - p));
    }
}

/// <summary>Mean squared difference between probability and outcome.</summary>
public static class BrierScore
{
    public static double Compute(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels)
    {
        AreaUnderRocCurve.CheckLengths(probabilities.Length, labels.Length);
        double sum = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var d = probabilities[i] - labels[i];
            sum += d * d;
        }

        return sum / probabilities.Length;
    }
}

/// <summary>Expected calibration error: equal-width probability bins, the gap between mean prediction and observed
/// rate in each, weighted by the bin's share of rows.</summary>
public static class ExpectedCalibrationError
{
    public static double Compute(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, int bins = 10)
    {
        AreaUnderRocCurve.CheckLengths(probabilities.Length, labels.Length);
        var count = new double[bins];
        var predicted = new double[bins];
        var observed = new double[bins];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var b = Math.Min(bins - 1, (int)(probabilities[i] * bins));
            b = Math.Max(0, b);
            count[b]++;
            predicted[b] += probabilities[i];
            observed[b] += labels[i];
        }

        double error = 0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                error += Math.Abs(predicted[b] - observed[b]) / probabilities.Length;
            }
        }

        return error;
    }
}

/// <summary>Counts of a binary decision rule "positive when probability >= threshold".</summary>
public sealed record ConfusionMatrix(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    public long Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    public double Accuracy => Total == 0 ? double.NaN : (TruePositives + TrueNegatives) / (double)Total;

    /// <summary>Share of predicted positives that are positive; 0 when nothing is predicted positive.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : TruePositives / (double)(TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : TruePositives / (double)(TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static ConfusionMatrix At(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, double threshold)
    {
        AreaUnderRocCurve.CheckLengths(probabilities.Length, labels.Length);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var predicted = probabilities[i] >= threshold;
            var actual = labels[i] > 0.5f;
            if (predicted)
            {
                if (actual)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }
            else if (actual)
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        return new ConfusionMatrix(tp, fp, tn, fn);
    }
}
