namespace NetflixML.Learning.Metrics;

/// <summary>A point of a ROC curve: the rates reached when every score at or above <paramref name="Threshold"/> is called positive.</summary>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, double Threshold);

/// <summary>
/// The ROC curve: one point per distinct score, from (0, 0) (nothing called positive; threshold +infinity) to (1, 1).
/// Tied scores move both rates at once, so the trapezoids under the points add up to the exact AUC of
/// <see cref="AreaUnderRocCurve"/> (ties counting half).
/// </summary>
public static class RocCurve
{
    public static IReadOnlyList<RocPoint> Compute(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        AreaUnderRocCurve.CheckLengths(scores.Length, labels.Length);
        var order = AreaUnderRocCurve.SortedIndices(scores);
        double positives = 0, negatives = 0;
        foreach (var label in labels)
        {
            if (label > 0.5f)
            {
                positives++;
            }
            else
            {
                negatives++;
            }
        }

        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("A ROC curve needs both classes.", nameof(labels));
        }

        var points = new List<RocPoint> { new(0, 0, double.PositiveInfinity) };
        double truePositives = 0, falsePositives = 0;
        var i = order.Length - 1;
        while (i >= 0)
        {
            var score = scores[order[i]];
            for (; i >= 0 && scores[order[i]] == score; i--)
            {
                if (labels[order[i]] > 0.5f)
                {
                    truePositives++;
                }
                else
                {
                    falsePositives++;
                }
            }

            points.Add(new RocPoint(falsePositives / negatives, truePositives / positives, score));
        }

        return points;
    }

    /// <summary>At most <paramref name="maxPoints"/> of the points, evenly spaced along the curve, both ends kept (for drawing).</summary>
    public static IReadOnlyList<RocPoint> Thin(IReadOnlyList<RocPoint> points, int maxPoints)
    {
        if (maxPoints < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "Keep at least both ends.");
        }

        if (points.Count <= maxPoints)
        {
            return points;
        }

        return Enumerable.Range(0, maxPoints).Select(k => points[(int)Math.Round(k * (points.Count - 1.0) / (maxPoints - 1))]).ToList();
    }

    /// <summary>Area under the points by trapezoids.</summary>
    public static double Area(IReadOnlyList<RocPoint> points)
    {
        double area = 0;
        for (var k = 1; k < points.Count; k++)
        {
            area += (points[k].FalsePositiveRate - points[k - 1].FalsePositiveRate) * (points[k].TruePositiveRate + points[k - 1].TruePositiveRate) / 2;
        }

        return area;
    }
}
