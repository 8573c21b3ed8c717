namespace NetflixML.Learning.Metrics;

/// <summary>Top-k ranking metrics for one ranked list against a user's relevant items.</summary>
public static class RankingMetrics
{
    /// <summary>ML.NET's default label gains (RankingEvaluator, LabelGains "0,3,7,15,31") for labels 0..4.</summary>
    public static readonly double[] MlNetGains = [0, 3, 7, 15, 31];

    /// <summary>Hits in the top k, divided by k (a short list still counts k slots).</summary>
    public static double PrecisionAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) => Hits(ranked, relevant, k) / (double)k;

    /// <summary>Hits in the top k, divided by the number of relevant items.</summary>
    public static double RecallAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) =>
        relevant.Count == 0 ? 0 : Hits(ranked, relevant, k) / (double)relevant.Count;

    public static bool HitAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) => Hits(ranked, relevant, k) > 0;

    /// <summary>Standard binary-gain NDCG: sum 1/log2(position + 1) over hits, over the same for a perfect list.</summary>
    public static double NdcgAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        double dcg = 0;
        var n = Math.Min(k, ranked.Length);
        for (var i = 0; i < n; i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                dcg += 1 / Math.Log2(i + 2);
            }
        }

        double ideal = 0;
        for (var i = 0; i < Math.Min(k, relevant.Count); i++)
        {
            ideal += 1 / Math.Log2(i + 2);
        }

        return ideal > 0 ? dcg / ideal : 0;
    }

    /// <summary>
    /// ML.NET's NDCG: graded labels 0..4 with gains 0, 3, 7, 15, 31 and a natural-log discount 1/ln(position + 1),
    /// over the ideal ordering of the user's labelled items.
    /// </summary>
    public static double NdcgAtKGraded(ReadOnlySpan<int> ranked, IReadOnlyDictionary<int, int> labels, int k)
    {
        double dcg = 0;
        var n = Math.Min(k, ranked.Length);
        for (var i = 0; i < n; i++)
        {
            if (labels.TryGetValue(ranked[i], out var label))
            {
                dcg += MlNetGains[Math.Clamp(label, 0, 4)] / Math.Log(i + 2);
            }
        }

        var ideal = labels.Values.Select(l => MlNetGains[Math.Clamp(l, 0, 4)]).OrderDescending().Take(k).Select((g, i) => g / Math.Log(i + 2)).Sum();
        return ideal > 0 ? dcg / ideal : 0;
    }

    /// <summary>Average precision at k: precision at each hit's position, summed, over min(relevant, k).</summary>
    public static double AveragePrecisionAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        double sum = 0;
        var hits = 0;
        var n = Math.Min(k, ranked.Length);
        for (var i = 0; i < n; i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                hits++;
                sum += hits / (double)(i + 1);
            }
        }

        return sum / Math.Min(relevant.Count, k);
    }

    private static int Hits(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        var hits = 0;
        var n = Math.Min(k, ranked.Length);
        for (var i = 0; i < n; i++)
        {
            hits += relevant.Contains(ranked[i]) ? 1 : 0;
        }

        return hits;
    }
}
