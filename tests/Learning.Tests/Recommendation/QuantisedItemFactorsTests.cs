using NetflixML.Learning.Core;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Learning.Tests.Recommendation;

/// <summary>
/// The 8-bit item vectors a factor model finds a user's top n with: the bounds hold against the float scores, the
/// selection is exactly the float scores' top n, and the bounds are narrow enough to spare almost every item.
/// </summary>
public class QuantisedItemFactorsTests
{
    // 1 and 3: fewer dimensions than one quad; 7: a last quad part padding; 100: an odd number of quads (VNNI takes
    // them in pairs); 600: so many that the user's codes must be shorter than 16 bits to keep the integer sums in 32
    // bits.
    private static readonly int[] RankList = [1, 3, 7, 64, 100, 600];

    public static TheoryData<int> Ranks => new(RankList);

    public static TheoryData<DotKernel> EveryKernel => new(QuantisedItemFactors.Kernels);

    // Every kernel the machine has, crossed with the ranks.
    public static TheoryData<int, DotKernel> RanksAndKernels()
    {
        var data = new TheoryData<int, DotKernel>();
        foreach (var rank in RankList)
        {
            foreach (var kernel in QuantisedItemFactors.Kernels)
            {
                data.Add(rank, kernel);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RanksAndKernels))]
    public void Lower_bounds_never_exceed_the_float_score_and_are_close_to_it(int rank, DotKernel kernel)
    {
        var (users, items, trained) = Planted(40, 1003, rank, seed: 3);
        var exact = new float[trained.Length];
        var lower = new float[trained.Length];
        var quantised = new QuantisedItemFactors(items, rank, trained, kernel);
        double gap = 0;
        var count = 0;
        for (var u = 0; u < 40; u++)
        {
            var user = users.AsSpan(u * rank, rank);
            Exact(user, items, rank, trained, exact);
            quantised.LowerBounds(user, lower);
            for (var i = 0; i < trained.Length; i++)
            {
                Assert.True(lower[i] <= exact[i], $"user {u}, item {i}: lower bound {lower[i]} above the score {exact[i]}");
                if (!trained[i])
                {
                    Assert.Equal(float.NegativeInfinity, lower[i]);
                }
                else if (i != 5)
                {
                    gap += (exact[i] - lower[i]) / (Norm(user) * Norm(items.AsSpan(i * rank, rank)));
                    count++;
                }
            }
        }

        // An 8-bit code errs by at most 1/254 of its vector's largest entry, so |y - y~| is about half a per cent of
        // |y| for Gaussian entries; the bound |x| |y - y~| + ... should be that share of |x| |y| (twice it where the
        // user's codes are 8-bit too), and no more.
        Assert.InRange(gap / count, 1e-6, kernel == DotKernel.Vnni ? 0.02 : 0.01);
    }

    [Theory]
    [MemberData(nameof(Ranks))]
    public void The_16_bit_kernels_agree_to_the_bit(int rank)
    {
        Assert.Contains(DotKernel.Avx2, QuantisedItemFactors.Kernels);
        var (users, items, trained) = Planted(10, 1003, rank, seed: 4);
        var kernels = QuantisedItemFactors.Kernels.Where(k => k != DotKernel.Vnni).Select(k => new QuantisedItemFactors(items, rank, trained, k)).ToArray();
        var first = new float[trained.Length];
        var other = new float[trained.Length];
        for (var u = 0; u < 10; u++)
        {
            kernels[0].LowerBounds(users.AsSpan(u * rank, rank), first);
            foreach (var kernel in kernels.Skip(1))
            {
                kernel.LowerBounds(users.AsSpan(u * rank, rank), other);
                Assert.Equal(first, other);
            }
        }
    }

    [Theory]
    [MemberData(nameof(RanksAndKernels))]
    public void Selection_is_exactly_the_float_scores_top_n_with_exclusions_filters_and_ties(int rank, DotKernel kernel)
    {
        var (users, items, trained) = Planted(30, 1003, rank, seed: 5);
        var quantised = new QuantisedItemFactors(items, rank, trained, kernel);
        var allowed = Enumerable.Range(0, trained.Length).Select(i => i % 3 != 1).ToArray();
        var exact = new float[trained.Length];
        var lower = new float[trained.Length];
        var rng = new Rng(11);
        foreach (var n in new[] { 1, 10, 57, trained.Length + 3 })
        {
            for (var u = 0; u < 30; u++)
            {
                var user = users.AsSpan(u * rank, rank);
                Exact(user, items, rank, trained, exact);
                quantised.LowerBounds(user, lower);
                for (var e = 0; e < 40; e++)
                {
                    var seen = rng.NextInt(trained.Length);
                    exact[seen] = lower[seen] = float.NegativeInfinity;
                }

                // A filter leaves items out the way Recommend applies one: at negative infinity, as seen items.
                if (u % 2 == 1)
                {
                    TopN.Restrict(exact, allowed);
                    TopN.Restrict(lower, allowed);
                }

                var expected = new ScoredItem[n];
                var expectedCount = TopN.Select(exact, expected);
                var actual = new ScoredItem[n];
                var count = quantised.Select(user, lower, lower, actual, default(FactorScore), out _);

                Assert.Equal(expected.Take(expectedCount), actual.Take(count));
            }
        }
    }

    [Theory]
    [MemberData(nameof(EveryKernel))]
    public void The_top_ten_of_four_thousand_items_scores_few_more_than_ten_exactly(DotKernel kernel)
    {
        // Measured with 16-bit user codes: 12.6 items a user on the Gaussian vectors, 12.5 on the trained model. The
        // bound's width decides it: with the candidate margin half as wide again the Gaussian figure is 14.0, twice
        // as wide 15.8. With VNNI's 8-bit user codes the user's coding error about doubles the margin: 15.6 and 12.9.
        var most = kernel == DotKernel.Vnni ? 16.5 : 13.5;
        var (x, y, trained) = Planted(300, 4000, 64, seed: 8);
        Assert.InRange(MeanRescored(x, y, trained, 300, 64, kernel), 10, most);

        (x, y, trained) = RecommenderTestData.ClusteredImplicit(300, 4000, 21, rank: 64, iterations: 4).Vectors;
        Assert.InRange(MeanRescored(x, y, trained, 300, 64, kernel), 10, most);
    }

    [Fact]
    public void A_factor_score_below_its_floor_stays_below_the_threshold_anywhere_within_the_rise()
    {
        // As for the hybrid's blend: an item exactly at the threshold at f + w (rounded as floats round, up by more
        // than w where w is under f's last place) must reach the floor at f.
        var rng = new Rng(32);
        for (var trial = 0; trial < 100_000; trial++)
        {
            var (magnitude, f, rise, w) = RecommenderTestData.FloorTrial(rng);
            var threshold = f + w;
            var floor = default(FactorScore).Floor(threshold, rise, magnitude);

            Assert.True(f >= floor, $"trial {trial}: f = {f} below the floor {floor} of threshold {threshold} (w = {w})");
            Assert.True(floor >= threshold - (2 * rise) - (1e-3 * magnitude), $"trial {trial}: floor {floor} far below {threshold}");
        }
    }

    [Theory]
    [MemberData(nameof(Ranks))]
    public void Selections_interleaved_over_two_models_and_users_on_one_thread_stay_exact(int rank)
    {
        // The bound's coefficients are kept per thread for the selection after a scan: a scan by another model, or of
        // another user, in between must not lend it theirs. The slowest and fastest kernels code the user in 16 and
        // 8 bits where VNNI is there, so their coefficients differ even for the same user, the 16-bit ones narrower;
        // the top 300 makes enough close calls that the wrong ones show.
        var (users, items, trained) = Planted(30, 1003, rank, seed: 6);
        var (narrow, wide) = (new QuantisedItemFactors(items, rank, trained, QuantisedItemFactors.Kernels[0]), new QuantisedItemFactors(items, rank, trained, QuantisedItemFactors.Kernels[^1]));
        var (narrowBounds, wideBounds, exact) = (new float[trained.Length], new float[trained.Length], new float[trained.Length]);
        var (expected, actual) = (new ScoredItem[300], new ScoredItem[300]);
        for (var u = 0; u + 1 < 30; u++)
        {
            var user = users.AsSpan(u * rank, rank);
            wide.LowerBounds(user, wideBounds);
            narrow.LowerBounds(users.AsSpan((u + 1) * rank, rank), narrowBounds);
            narrow.LowerBounds(user, narrowBounds);
            Exact(user, items, rank, trained, exact);
            var expectedCount = TopN.Select(exact, expected);

            var count = wide.Select(user, wideBounds, wideBounds, actual, default(FactorScore), out _);
            Assert.Equal(expected.Take(expectedCount), actual.Take(count));
            count = narrow.Select(user, narrowBounds, narrowBounds, actual, default(FactorScore), out _);
            Assert.Equal(expected.Take(expectedCount), actual.Take(count));
        }
    }

    [Fact]
    public void A_user_whose_vector_is_zero_gets_the_first_trained_items_each_scored_zero()
    {
        var (_, items, trained) = Planted(1, 50, 8, seed: 2);
        var quantised = new QuantisedItemFactors(items, 8, trained);
        var lower = new float[50];
        var zero = new float[8];
        quantised.LowerBounds(zero, lower);
        var destination = new ScoredItem[5];

        Assert.Equal(5, quantised.Select(zero, lower, lower, destination, default(FactorScore), out _));
        Assert.Equal(Enumerable.Range(0, 50).Where(i => trained[i]).Take(5).Select(i => new ScoredItem(i, 0f)), destination);
    }

    /// <summary>
    /// Gaussian vectors with norms spread over two orders of magnitude; every seventh item untrained, one item all
    /// zeros, items 20-29 copies of item 10, so that ties are decided by index, and user 0 and item 6 constant.
    /// </summary>
    private static (float[] Users, float[] Items, bool[] Trained) Planted(int users, int items, int rank, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[users * rank];
        for (var j = 0; j < x.Length; j++)
        {
            x[j] = (float)rng.Gaussian(0, 1);
        }

        var y = new float[items * rank];
        var trained = new bool[items];
        for (var i = 0; i < items; i++)
        {
            var size = Math.Pow(10, rng.NextDouble() * 2 - 1);
            for (var k = 0; k < rank; k++)
            {
                y[(i * rank) + k] = i == 5 ? 0 : (float)(rng.Gaussian(0, 1) * size);
            }

            trained[i] = i % 7 != 3;
        }

        for (var i = 20; i < 30; i++)
        {
            Array.Copy(y, 10 * rank, y, i * rank, rank);
            trained[i] = true;
        }

        // User 0 and item 6 constant: every product of codes at its largest and the same sign, the
        // sum that would overflow 32 bits at rank 600 if the user's codes kept 16 bits.
        x.AsSpan(0, rank).Fill(1);
        y.AsSpan(6 * rank, rank).Fill(0.5f);
        return (x, y, trained);
    }

    private static double MeanRescored(float[] users, float[] items, bool[] trained, int count, int rank, DotKernel kernel)
    {
        var quantised = new QuantisedItemFactors(items, rank, trained, kernel);
        var lower = new float[trained.Length];
        var destination = new ScoredItem[10];
        long rescored = 0;
        for (var u = 0; u < count; u++)
        {
            quantised.LowerBounds(users.AsSpan(u * rank, rank), lower);
            quantised.Select(users.AsSpan(u * rank, rank), lower, lower, destination, default(FactorScore), out var scored);
            rescored += scored;
        }

        return rescored / (double)count;
    }

    private static double Norm(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (var v in vector)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum);
    }

    private static void Exact(ReadOnlySpan<float> user, float[] items, int rank, bool[] trained, Span<float> scores) =>
        MatrixFactorizationTrainer.DotEveryItem(user, items, rank, trained, scores);
}
