using NetflixML.Learning.Metrics;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Learning.Tests.Recommendation;

public sealed class RankingMetricTests
{
    private static readonly HashSet<int> Relevant = [2, 5, 9];

    [Fact]
    public void Precision_recall_and_hit_rate_by_hand()
    {
        int[] ranked = [5, 1, 2, 7];
        Assert.Equal(2 / 4.0, RankingMetrics.PrecisionAtK(ranked, Relevant, 4), 12);
        Assert.Equal(2 / 10.0, RankingMetrics.PrecisionAtK(ranked, Relevant, 10), 12); // a short list still counts 10 slots
        Assert.Equal(2 / 3.0, RankingMetrics.RecallAtK(ranked, Relevant, 4), 12);
        Assert.True(RankingMetrics.HitAtK(ranked, Relevant, 1));
        Assert.False(RankingMetrics.HitAtK([1, 3], Relevant, 2));
    }

    [Fact]
    public void Binary_ndcg_by_hand()
    {
        // Hits at positions 1 and 3: DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal (3 relevant, k=4) = 1 + 1/log2(3) + 1/2.
        var expected = 1.5 / (1 + 1 / Math.Log2(3) + 0.5);
        Assert.Equal(expected, RankingMetrics.NdcgAtK([5, 1, 2, 7], Relevant, 4), 12);
        Assert.Equal(1.0, RankingMetrics.NdcgAtK([9, 2, 5], Relevant, 3), 12);
    }

    [Fact]
    public void MlNet_graded_ndcg_uses_its_gains_and_natural_log_discount()
    {
        var labels = new Dictionary<int, int> { [2] = 4, [5] = 1, [9] = 0 };
        // Ranked 5 (gain 3) then 2 (gain 31): DCG = 3/ln 2 + 31/ln 3; ideal = 31/ln 2 + 3/ln 3.
        var expected = (3 / Math.Log(2) + 31 / Math.Log(3)) / (31 / Math.Log(2) + 3 / Math.Log(3));
        Assert.Equal(expected, RankingMetrics.NdcgAtKGraded([5, 2], labels, 2), 12);
    }

    [Fact]
    public void Average_precision_at_k_by_hand()
    {
        // Hits at 1 and 3: (1/1 + 2/3) / min(3, 4).
        Assert.Equal((1 + 2.0 / 3) / 3, RankingMetrics.AveragePrecisionAtK([5, 1, 2, 7], Relevant, 4), 12);
        // Only 2 slots: divide by min(3, 2) = 2.
        Assert.Equal((1 + 1.0) / 2, RankingMetrics.AveragePrecisionAtK([9, 5], Relevant, 2), 12);
    }

    [Fact]
    public void Coverage_and_genre_match_from_the_evaluator()
    {
        var catalog = RecommenderTestData.Catalog(8); // genres by index % 4
        var history = InteractionMatrix.Build([new Interaction("a", "item0", 1), new Interaction("a", "item4", 1), new Interaction("b", "item1", 1)], catalog, true);
        var popularity = new PopularityRecommender(catalog, history);
        List<HeldOut> test = [new HeldOut("a", new Dictionary<string, int> { ["item1"] = 1 }), new HeldOut("b", new Dictionary<string, int> { ["item5"] = 1 })];
        var report = RankingEvaluator.Evaluate(popularity, test, k: 2);
        // a: seen 0, 4 -> gets item1 (pop 1) then item2 (ties by index); b: seen 1 -> gets item0, item4 (pop 1 each).
        Assert.Equal(0.25 * 1 + 0.25 * 0, report.PrecisionAtK * 2 / 2, 12);
        Assert.Equal(4 / 8.0, report.Coverage, 12);
        // a watched Drama only (0, 4): item1 Comedy, item2 Action -> 0 of 2; b watched Comedy: item0, item4 Drama -> 0 of 2.
        Assert.Equal(0.0, report.GenreMatchRate, 12);

        // What the evaluation says a also watched counts as well as the model's history: with item5 (Comedy) a gets the
        // same list (item5 is excluded, and unpopular), and item1 now matches: 1 of 4.
        var watchedMore = RankingEvaluator.Evaluate(popularity, test, k: 2, alsoSeen: user => user == "a" ? [5] : []);
        Assert.Equal(report.PrecisionAtK, watchedMore.PrecisionAtK, 12);
        Assert.Equal(1 / 4.0, watchedMore.GenreMatchRate, 12);
    }

    [Fact]
    public void Split_per_user_holds_out_a_quarter_of_each_users_ratings_with_graded_labels()
    {
        // User a has 12 ratings (9 train, 3 held out), b has 2 (round(1.5) = 2 train, none held out), c has 4 (3 / 1).
        var ratings = Enumerable.Range(0, 12).Select(i => new Interaction("a", "item" + i, 1 + (i % 5)))
            .Concat([new Interaction("b", "item0", 4), new Interaction("b", "item1", 2)])
            .Concat(Enumerable.Range(0, 4).Select(i => new Interaction("c", "item" + i, 5)))
            .ToList();
        var (train, test) = RankingEvaluator.SplitPerUser(ratings, seed: 4);

        Assert.Equal([9, 2, 3], new[] { "a", "b", "c" }.Select(u => train.Count(r => r.User == u)));
        Assert.Equal(["a", "c"], test.Select(t => t.User));
        Assert.Equal([3, 1], test.Select(t => t.Items.Count));
        // Every rating lands on exactly one side, and a held-out item's label is its rating - 1.
        var held = test.SelectMany(t => t.Items.Select(x => (t.User, Item: x.Key, x.Value))).ToList();
        Assert.Equal(ratings.Select(r => (r.User, r.Item)).Order(), train.Select(r => (r.User, r.Item)).Concat(held.Select(h => (h.User, h.Item))).Order());
        Assert.All(held, h => Assert.Equal(ratings.Single(r => r.User == h.User && r.Item == h.Item).Value - 1, h.Value));
        // The same seed gives the same split whatever order the ratings come in; another seed gives another.
        Assert.Equal(train, RankingEvaluator.SplitPerUser(Enumerable.Reverse(ratings), seed: 4).Train);
        Assert.NotEqual(train, RankingEvaluator.SplitPerUser(ratings, seed: 5).Train);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(7, 10)]
    [InlineData(8, 8)]
    [InlineData(9, 2)]
    [InlineData(203, 1)]
    [InlineData(203, 10)]
    [InlineData(4_099, 50)]
    [InlineData(4_099, 1)]
    [InlineData(4_099, 10)]
    [InlineData(4_099, 16)]
    [InlineData(4_099, 17)]
    [InlineData(4_099, 100)]
    [InlineData(512, 10)]
    public void TopN_skipping_blocks_of_eight_selects_what_a_full_sort_does(int length, int n)
    {
        // Few distinct values, so many ties fall in blocks that are skipped; lengths off multiples of eight; values
        // rising and falling, so the worst held changes while blocks are being skipped.
        var rng = new Core.Rng((ulong)length);
        var scores = Enumerable.Range(0, length).Select(i => (float)(Math.Round(rng.NextDouble() * 6) + (i % 400 < 200 ? i % 200 : 200 - (i % 200)) / 40)).ToArray();
        if (length > 20)
        {
            scores[length - 1] = 1_000; // the best, in the last (partial) block
            scores[length / 2] = float.NaN;

            // NaN where the floor's column maxima end (the last whole row of 64) and where they start.
            scores[(length / 64 * 64) - 5] = float.NaN;
            scores[3] = float.NaN;
        }

        var buffer = new ScoredItem[n];
        var count = TopN.Select(scores, buffer);

        var expected = Enumerable.Range(0, length).Where(i => float.IsFinite(scores[i])).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(n).ToArray();
        Assert.Equal(expected, buffer.Take(count).Select(b => b.Item));
        Assert.Equal(expected.Select(i => scores[i]), buffer.Take(count).Select(b => b.Score));
    }

    [Fact]
    public void TopN_floor_is_reached_by_n_scores_and_lies_near_the_n_th_best()
    {
        var rng = new Core.Rng(12);
        var scores = Enumerable.Range(0, 10_000).Select(_ => (float)rng.Gaussian(0, 1)).ToArray();
        var sorted = scores.OrderDescending().ToArray();
        foreach (var n in new[] { 1, 5, 10, 16, 17, 50, 100, TopN.MaxFloorCount })
        {
            var floor = TopN.Floor(scores, n);
            Assert.True(scores.Count(s => s >= floor) >= n, $"n {n}: floor {floor} reached by fewer than n scores");

            // At least 4n columns (64 of about 156 scores each up to n = 16, 1,024 of about 10 for n = 256): the n-th
            // best column maximum is well within the best 4n scores.
            Assert.True(floor >= sorted[(4 * n) - 1], $"n {n}: floor {floor} below the {4 * n}-th best score {sorted[(4 * n) - 1]}");
        }

        // A list shorter than eight rows of the columns (64 up to n = 16, 128 up to 32) has its own n-th best as its
        // floor; a longer one the columns' n-th best, at or below that.
        float NthOfFirst(int length, int n) => scores.Take(length).OrderDescending().ElementAt(n - 1);
        Assert.Equal(NthOfFirst(511, 10), TopN.Floor(scores.AsSpan(0, 511), 10));
        Assert.Equal(NthOfFirst(1_023, 17), TopN.Floor(scores.AsSpan(0, 1_023), 17));
        Assert.True(TopN.Floor(scores.AsSpan(0, 1_024), 17) <= NthOfFirst(1_024, 17));

        // Too many asked, or too few finite scores: nothing is ruled out.
        Assert.Equal(float.NegativeInfinity, TopN.Floor(scores, TopN.MaxFloorCount + 1));
        var sparse = Enumerable.Repeat(float.NegativeInfinity, 4_096).ToArray();
        sparse[100] = sparse[200] = sparse[300] = 1;
        Assert.Equal(float.NegativeInfinity, TopN.Floor(sparse, 4));
        Assert.Equal(1, TopN.Floor(sparse, 3));
    }

    [Fact]
    public void NthBest_is_the_n_th_largest_value_counting_ties_and_leaving_out_nan_and_negative_infinity()
    {
        var rng = new Core.Rng(31);
        foreach (var length in new[] { 1, 7, 8, 13, 64, 333 })
        {
            // Values of every sign and size, repeated ones, signed zeros and infinities; lengths off multiples of 8.
            var values = Enumerable.Range(0, length).Select(i => (i % 9) switch
            {
                0 => (float)Math.Round(rng.Gaussian(0, 3)),
                1 => -0f,
                2 => 0f,
                3 => (float)(rng.Gaussian(0, 1) * 1e30),
                4 => (float)(rng.Gaussian(0, 1) * 1e-30),
                5 => float.NaN,
                6 => float.NegativeInfinity,
                7 => float.PositiveInfinity,
                _ => (float)rng.Gaussian(0, 1),
            }).ToArray();
            var counted = values.Where(v => v > float.NegativeInfinity).OrderDescending().ToArray();
            for (var n = 1; n <= counted.Length; n++)
            {
                // -0 and +0 are one value to a comparison, so either answers for the other.
                Assert.True(counted[n - 1] == TopN.NthBest(values, n), $"length {length}, n {n}: {TopN.NthBest(values, n)} for {counted[n - 1]}");
            }

            Assert.Equal(float.NegativeInfinity, TopN.NthBest(values, counted.Length + 1));
        }
    }

    [Fact]
    public void TopN_with_more_ties_at_the_floor_than_are_gathered_still_breaks_them_by_index()
    {
        // 10,000 equal scores reach the floor, far more than the selection gathers, so the heap selects; two better
        // scores, and -0 among +0, which compare equal and so tie as well.
        var scores = Enumerable.Repeat(1f, 10_000).ToArray();
        scores[9_000] = 2;
        scores[5] = 3;
        var buffer = new ScoredItem[10];
        Assert.Equal(10, TopN.Select(scores, buffer));
        Assert.Equal([5, 9_000, 0, 1, 2, 3, 4, 6, 7, 8], buffer.Select(b => b.Item));

        var zeros = Enumerable.Range(0, 2_000).Select(i => i % 3 == 0 ? -0f : 0f).ToArray();
        zeros[1_500] = float.Epsilon;
        Assert.Equal(10, TopN.Select(zeros, buffer));
        Assert.Equal([1_500, 0, 1, 2, 3, 4, 5, 6, 7, 8], buffer.Select(b => b.Item));
        Assert.True(float.IsNegative(buffer[1].Score) && !float.IsNegative(buffer[2].Score)); // each item's own score

        // Few enough to be gathered and sorted by key: there too -0 and +0 tie, and go by index.
        var gathered = new ScoredItem[3];
        Assert.Equal(3, TopN.Select([1f, -0f, 0f, -0f], gathered));
        Assert.Equal([0, 1, 2], gathered.Select(b => b.Item));
    }

    [Fact]
    public void TopN_matches_a_full_sort_with_ties_broken_by_index()
    {
        var rng = new Core.Rng(9);
        var scores = Enumerable.Range(0, 5_000).Select(_ => (float)Math.Round(rng.NextDouble() * 50)).ToArray();
        scores[17] = float.NaN;
        scores[18] = float.NegativeInfinity;
        var allowed = Enumerable.Range(0, 5_000).Select(i => i % 7 != 0).ToArray();
        var buffer = new ScoredItem[25];
        var count = TopN.Select(scores, buffer);
        Assert.Equal(25, count);
        Assert.Equal(Best(scores, _ => true), buffer.Select(b => b.Item));

        var restricted = scores.ToArray();
        TopN.Restrict(restricted, allowed);
        count = TopN.Select(restricted, buffer);
        Assert.Equal(25, count);
        Assert.Equal(Best(scores, i => allowed[i]), buffer.Select(b => b.Item));
        Assert.Equal(3, TopN.Select([1f, 2f, float.NaN, 3f], new ScoredItem[10]));

        static int[] Best(float[] scores, Func<int, bool> allowed) => Enumerable.Range(0, scores.Length)
            .Where(i => allowed(i) && float.IsFinite(scores[i])).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(25).ToArray();
    }

    [Fact]
    public void Restrict_leaves_out_exactly_the_items_the_filter_marks_false()
    {
        // Lengths around the sixteen flags read at a time, so that both the vector loop and the tail are covered.
        var rng = new Core.Rng(4);
        foreach (var length in new[] { 0, 1, 15, 16, 17, 31, 33, 1_000 })
        {
            var scores = Enumerable.Range(0, length).Select(i => (i % 11) switch
            {
                3 => float.NaN,
                5 => float.PositiveInfinity,
                7 => float.NegativeInfinity,
                _ => (float)(rng.NextDouble() - 0.5),
            }).ToArray();
            var allowed = Enumerable.Range(0, length).Select(_ => rng.NextInt(3) == 0).ToArray();
            var restricted = scores.ToArray();
            TopN.Restrict(restricted, allowed);
            for (var i = 0; i < length; i++)
            {
                // Bit for bit: an allowed NaN stays NaN (and so is still never selected).
                Assert.Equal(allowed[i] ? BitConverter.SingleToInt32Bits(scores[i]) : BitConverter.SingleToInt32Bits(float.NegativeInfinity), BitConverter.SingleToInt32Bits(restricted[i]));
            }
        }

        var error = Assert.Throws<ArgumentException>(() => TopN.Restrict(new float[5], new bool[4]));
        Assert.Contains("4 items and the scores 5", error.Message, StringComparison.Ordinal);
    }
}
