namespace NetflixML.Learning.Metrics;

/// <summary>A point of a ROC curve: the rates reached when every score at or above <paramref name="Threshold"/> is called positive.</summary>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, double Threshold);

/// <summary>
/// The ROC curve: one point per distinct score, from (0, 0) (nothing called positive; threshold +infinity) to (1, 1).
/// Tied scores move both rates at once, so the trapezoids under the points add up to the exact AUC of
/// <see cref="AreaUnderRocCurve"/> (ties counting half; tested).
/// </summary>
public static class RocCurve
{
    public static IReadOnlyList<RocPoint> Compute(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        var groups = AreaUnderRocCurve.DescendingGroups(scores, labels);
        var positives = AreaUnderRocCurve.CountPositives(labels);
        var negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("A ROC curve needs both classes.", nameof(labels));
        }

        var points = new List<RocPoint>(groups.Count + 1) { new(0, 0, double.PositiveInfinity) };
        foreach (var g in groups)
        {
            points.Add(new RocPoint((g.RowsAtOrAbove - g.PositivesAtOrAbove) / negatives, g.PositivesAtOrAbove / positives, g.Score));
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
}
