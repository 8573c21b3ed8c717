using NetflixML.Learning.Core;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Learning.Tests.Recommendation;

public class ContentIndexTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(1003, 5)]
    [InlineData(1003, 12)]
    public void Gathering_eight_items_at_a_time_gives_each_items_sum_bit_for_bit(int items, int longestRow)
    {
        // Rows of 1 to longestRow tokens, so some run past the eight slots and finish one at a time; 1003 items
        // leave a last block of three.
        var index = new ContentIndex(Catalog(items, longestRow, seed: (ulong)longestRow));
        var random = new Random(items);
        var profile = new float[index.TokenCount + 1];
        for (var t = 0; t < index.TokenCount; t++)
        {
            profile[t] = (float)((random.NextDouble() * 3) - 1);
        }

        var expected = new float[items];
        var actual = new float[items];
        index.Cosines(profile, 0.37f, expected);
        index.GatheredCosines(profile, 0.37f, actual);

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        Assert.Contains(actual, v => v != 0);
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
