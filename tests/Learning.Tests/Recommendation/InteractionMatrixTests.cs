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
}
