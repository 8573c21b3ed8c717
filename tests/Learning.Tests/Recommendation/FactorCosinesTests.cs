using NetflixML.Learning.Core;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Learning.Tests.Recommendation;

/// <summary>
/// Item-item cosines of factor vectors: the unit vectors give the cosines worked out in doubles, and the 8-bit scan
/// of them selects exactly what scoring every item in floats selects, on every kernel the machine has.
/// </summary>
public class FactorCosinesTests
{
    public static TheoryData<int, DotKernel> RanksAndKernels()
    {
        var data = new TheoryData<int, DotKernel>();
        foreach (var rank in new[] { 3, 64, 100 })
        {
            foreach (var kernel in QuantisedItemFactors.Kernels)
            {
                data.Add(rank, kernel);
            }
        }

        return data;
    }

    [Theory]
    [InlineData(3)]
    [InlineData(64)]
    public void Every_items_float_score_is_its_cosine_zero_for_a_vector_of_zeros_and_none_without_a_vector(int rank)
    {
        var (factors, trained) = Planted(300, rank, seed: 3);
        var cosines = new FactorCosines(factors, rank, trained, quantise: false);
        var scores = new float[trained.Length];

        foreach (var target in new[] { 0, 6, 11, 21, 299 })
        {
            cosines.ScoreEvery(target, scores);
            for (var i = 0; i < trained.Length; i++)
            {
                if (!trained[i])
                {
                    Assert.Equal(float.NegativeInfinity, scores[i]);
                }
                else
                {
                    Assert.Equal(RecommenderTestData.Cosine(factors, rank, target, i), scores[i], 2e-6);
                }
            }
        }

        cosines.ScoreEvery(5, scores);
        Assert.All(scores.Where((_, i) => trained[i]), s => Assert.Equal(0f, s));
    }

    [Theory]
    [MemberData(nameof(RanksAndKernels))]
    public void The_8_bit_selection_is_exactly_the_float_cosines_top_n(int rank, DotKernel kernel)
    {
        var (factors, trained) = Planted(1003, rank, seed: 7);
        var catalog = RecommenderTestData.Catalog(trained.Length);
        var content = new ContentIndex(catalog);
        var (quantised, floats) = (new FactorCosines(factors, rank, trained, kernel: kernel), new FactorCosines(factors, rank, trained, quantise: false));
        Assert.NotNull(quantised.Quantised);
        Assert.Null(floats.Quantised);
        var (lower, exact) = (new float[trained.Length], new float[trained.Length]);

        // Targets: items 20-29 are copies of item 11 and so tie (decided by index), 5 is all zeros (every cosine
        // 0), 3 has no vector (content), and a spread of the rest.
        foreach (var target in new[] { 3, 5, 6, 11, 20, 29 }.Concat(Enumerable.Range(0, 40).Select(j => 31 + (j * 24))))
        {
            foreach (var n in new[] { 1, 10, 57 })
            {
                var source = quantised.Score(target, lower, content);
                Assert.Equal(source, floats.Score(target, exact, content));
                Assert.Equal(trained[target] ? SimilaritySource.Interactions : SimilaritySource.Content, source);
                lower[target] = exact[target] = float.NegativeInfinity;

                var (expected, actual) = (new ScoredItem[n], new ScoredItem[n]);
                var expectedCount = floats.Select(target, exact, expected);
                var count = quantised.Select(target, lower, actual);

                Assert.Equal(expected.Take(expectedCount), actual.Take(count));
            }
        }
    }

    [Fact]
    public void Copies_of_an_item_are_its_most_similar_each_with_cosine_one_lowest_index_first()
    {
        var rank = 16;
        var (factors, trained) = Planted(400, rank, seed: 11);
        var cosines = new FactorCosines(factors, rank, trained);
        var scores = new float[trained.Length];
        var best = new ScoredItem[10];

        cosines.Score(11, scores, new ContentIndex(RecommenderTestData.Catalog(trained.Length)));
        scores[11] = float.NegativeInfinity;

        Assert.Equal(10, cosines.Select(11, scores, best));
        Assert.Equal(Enumerable.Range(20, 10), best.Select(b => b.Item));
        Assert.All(best, b => Assert.Equal(1.0, b.Score, 1e-6));
    }

    /// <summary>
    /// Gaussian vectors with lengths spread over two orders of magnitude; every seventh item (from item 3) without a
    /// vector, item 5 all zeros, items 20-29 copies of item 11 at other lengths (the same direction), item 6 constant.
    /// </summary>
    private static (float[] Factors, bool[] Trained) Planted(int items, int rank, ulong seed)
    {
        var rng = new Rng(seed);
        var y = new float[items * rank];
        var trained = new bool[items];
        for (var i = 0; i < items; i++)
        {
            var size = Math.Pow(10, (rng.NextDouble() * 2) - 1);
            for (var k = 0; k < rank; k++)
            {
                y[(i * rank) + k] = i == 5 ? 0 : (float)(rng.Gaussian(0, 1) * size);
            }

            trained[i] = i % 7 != 3;
        }

        for (var i = 20; i < 30; i++)
        {
            for (var k = 0; k < rank; k++)
            {
                // Powers of two, so the copies' unit vectors are the same floats and their cosines tie exactly.
                y[(i * rank) + k] = y[(11 * rank) + k] * (1 << (i - 20));
            }

            trained[i] = true;
        }

        y.AsSpan(6 * rank, rank).Fill(0.5f);
        return (y, trained);
    }
}
