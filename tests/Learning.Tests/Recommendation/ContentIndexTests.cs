using System.Runtime.Intrinsics.X86;
using NetflixML.Learning.Core;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Learning.Tests.Recommendation;

public class ContentIndexTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(1003, 5)]
    [InlineData(1003, 12)]
    [InlineData(1010, 5)]
    public void Every_kernel_gives_each_items_sum_bit_for_bit(int items, int longestRow)
    {
        // Rows of 1 to longestRow tokens, so some run past the eight slots and finish one at a time. The lookup takes
        // blocks of sixteen in pairs: 1003 items leave one short block after the pairs, 1010 a whole one and a short
        // one. 46 tokens: the lookup reads both of its table pairs.
        var index = new ContentIndex(Catalog(items, longestRow, seed: (ulong)longestRow));
        var random = new Random(items);
        var profile = new float[64];
        for (var t = 0; t < index.TokenCount; t++)
        {
            profile[t] = (float)((random.NextDouble() * 3) - 1);
        }

        var expected = new float[items];
        index.Cosines(profile, 0.37f, expected);
        Assert.Contains(expected, v => v != 0);
        Assert.Equal(Avx512F.IsSupported, index.Kernel == ContentKernel.Lookup);

        var kernels = new List<Action<float[]>> { s => index.GatheredCosines(profile, 0.37f, s) };
        if (index.Kernel == ContentKernel.Lookup)
        {
            kernels.Add(s => index.LookedUpCosines(profile, 0.37f, s));
        }

        foreach (var kernel in kernels)
        {
            var actual = new float[items];
            kernel(actual);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Theory]
    [InlineData(63, true)]
    [InlineData(64, false)]
    public void The_lookup_takes_vocabularies_that_fit_its_registers_and_every_profile_scores_the_same(int tokens, bool fits)
    {
        // Every item holds token:i % tokens, so the vocabulary is exactly that size; with the padding token 64 fit.
        var ids = new IdMap(Enumerable.Range(0, 500).Select(i => $"item{i}"));
        var catalog = new ItemCatalog(ids, [.. Enumerable.Range(0, 500).Select(_ => new[] { "g" })], [.. Enumerable.Range(0, 500).Select(i => new[] { $"token:{i % tokens}", $"token:{i * 7 % tokens}" })]);
        var index = new ContentIndex(catalog);
        Assert.Equal(tokens, index.TokenCount);
        Assert.Equal(fits && Avx512F.IsSupported, index.Kernel == ContentKernel.Lookup);

        var scores = new float[500];
        index.ScoreProfile([3, 10, 64, 65], default, scores);
        for (var i = 0; i < 500; i++)
        {
            var expected = new[] { 3, 10, 64, 65 }.Sum(h => index.Cosine(h, i));
            Assert.True(Math.Abs(scores[i] - (expected / Norm(index, [3, 10, 64, 65]))) < 1e-5, $"item {i}: {scores[i]}");
        }
    }

    [Fact]
    public void An_items_profile_scores_every_item_by_its_cosine_and_itself_one()
    {
        var catalog = Catalog(300, 11, seed: 4);
        var index = new ContentIndex(catalog);
        var scores = new float[catalog.Count];

        foreach (var item in new[] { 0, 7, 299 })
        {
            index.ScoreSimilar(item, scores);

            Assert.Equal(1f, scores[item], 1e-6f);
            for (var other = 0; other < catalog.Count; other++)
            {
                Assert.Equal(index.Cosine(item, other), scores[other], 1e-6f);
            }
        }
    }

    // |v1 + v2 + ...| for unit vectors: sqrt of the sum of every pair's cosine.
    private static double Norm(ContentIndex index, int[] items) => Math.Sqrt(items.Sum(a => items.Sum(b => (double)index.Cosine(a, b))));

    private static ItemCatalog Catalog(int items, int longestRow, ulong seed)
    {
        var rng = new Rng(seed);
        var ids = new IdMap(Enumerable.Range(0, items).Select(i => $"item{i}"));
        var genres = new string[items][];
        var tokens = new string[items][];
        for (var i = 0; i < items; i++)
        {
            genres[i] = [$"g{rng.NextInt(6)}"];
            tokens[i] = [.. genres[i].Select(g => "genre:" + g), .. Enumerable.Range(0, rng.NextInt(longestRow)).Select(_ => $"tag:{rng.NextInt(40)}")];
        }

        return new ItemCatalog(ids, genres, tokens);
    }
}
