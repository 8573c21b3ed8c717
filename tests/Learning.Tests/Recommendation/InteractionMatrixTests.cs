using NetflixML.Learning.Recommendation;

namespace NetflixML.Learning.Tests.Recommendation;

public sealed class InteractionMatrixTests
{
    [Fact]
    public void Counts_each_items_distinct_users_and_flags_the_items_anyone_touched()
    {
        var catalog = RecommenderTestData.Catalog(5);
        // a watches item0 twice (merged into one pair), b watches item0 and item3; item1, item2 and item4 are untouched.
        var history = InteractionMatrix.Build([new("a", "item0", 1), new("b", "item0", 1), new("a", "item0", 2), new("b", "item3", 1)], catalog, sumDuplicates: true);

        Assert.Equal([2, 0, 0, 1, 0], Enumerable.Range(0, catalog.Count).Select(history.UserCount));
        Assert.Equal([true, false, false, true, false], history.ItemsWithInteractions());
        Assert.Equal([0, 3], history.ItemsOf("b").ToArray());
        Assert.Equal(history.ItemsOf(history.Users.IndexOf("a")).ToArray(), history.ItemsOf("a").ToArray());
        Assert.True(history.ItemsOf("nobody").IsEmpty);
    }

    [Fact]
    public void Plus_sums_into_existing_pairs_adds_new_ones_and_keeps_the_users()
    {
        var catalog = RecommenderTestData.Catalog(5);
        var history = InteractionMatrix.Build([new("a", "item0", 1), new("b", "item0", 1), new("a", "item0", 2), new("b", "item3", 1)], catalog, sumDuplicates: true);

        // a: item0 3 + 1; item2 new, given twice. b: item4 new.
        var plus = history.Plus([new("a", "item0", 1), new("a", "item2", 0.5f), new("b", "item4", 1), new("a", "item2", 0.25f)], catalog);

        Assert.Same(history.Users, plus.Users);
        Assert.Equal(5, plus.Count);
        var a = plus.Users.IndexOf("a");
        var b = plus.Users.IndexOf("b");
        Assert.Equal([0, 2], plus.ItemsOf(a).ToArray());
        Assert.Equal([4f, 0.75f], plus.UserValues[plus.UserStart[a]..plus.UserStart[a + 1]]);
        Assert.Equal([0, 3, 4], plus.ItemsOf(b).ToArray());
        Assert.Equal([1f, 1f, 1f], plus.UserValues[plus.UserStart[b]..plus.UserStart[b + 1]]);
        Assert.Equal([2, 0, 1, 1, 1], Enumerable.Range(0, catalog.Count).Select(plus.UserCount));
        // The original is unchanged; the same matrix built from scratch is the same.
        Assert.Equal(3f, history.UserValues[history.UserStart[a]]);
        var built = InteractionMatrix.Build(
            [new("a", "item0", 3), new("b", "item0", 1), new("b", "item3", 1), new("a", "item0", 1), new("a", "item2", 0.5f), new("b", "item4", 1), new("a", "item2", 0.25f)], catalog, sumDuplicates: true);
        Assert.Equal(built.UserStart, plus.UserStart);
        Assert.Equal(built.UserItems, plus.UserItems);
        Assert.Equal(built.UserValues, plus.UserValues);
        Assert.Equal(built.ItemUsers, plus.ItemUsers);
        Assert.Equal(built.ItemValues, plus.ItemValues);

        Assert.StartsWith("Interaction of user 'c' adds to a matrix that does not hold that user.", Assert.Throws<ArgumentException>(() => history.Plus([new("c", "item0", 1)], catalog)).Message, StringComparison.Ordinal);
        Assert.StartsWith("Interaction of user 'a' names item 'item9', which is not in the catalogue.", Assert.Throws<ArgumentException>(() => history.Plus([new("a", "item9", 1)], catalog)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => history.Plus([new("a", "item1", float.NaN)], catalog));
    }
}
