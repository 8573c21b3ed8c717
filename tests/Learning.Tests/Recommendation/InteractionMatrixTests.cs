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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Building_from_indices_merges_repeated_pairs_into_their_first_place_as_a_hash_of_pairs_would(bool sumDuplicates)
    {
        // 3,000 interactions among 40 users and 25 items: most pairs repeat, and values of mixed sizes make the order
        // of a float sum show.
        var random = new Random(5);
        var users = new IdMap(Enumerable.Range(0, 40).Select(u => $"u{u}"));
        var (u, it, v) = (new int[3000], new int[3000], new float[3000]);
        for (var e = 0; e < u.Length; e++)
        {
            (u[e], it[e], v[e]) = (random.Next(40), random.Next(25), (float)Math.Pow(10, random.Next(-3, 4)) * random.NextSingle());
        }

        var pairs = new Dictionary<(int, int), int>();
        var (eu, ei, ev) = (new List<int>(), new List<int>(), new List<float>());
        for (var e = 0; e < u.Length; e++)
        {
            if (pairs.TryGetValue((u[e], it[e]), out var at))
            {
                ev[at] = sumDuplicates ? ev[at] + v[e] : v[e];
                continue;
            }

            pairs[(u[e], it[e])] = eu.Count;
            eu.Add(u[e]);
            ei.Add(it[e]);
            ev.Add(v[e]);
        }

        var built = InteractionMatrix.Build(users, 25, u, it, v, sumDuplicates);

        Assert.True(eu.Count < 1000, $"{eu.Count} pairs");
        Assert.Equal(eu, built.UserIndex);
        Assert.Equal(ei, built.ItemIndex);
        Assert.Equal(ev, built.Values);
        Assert.Same(users, built.Users);
        // The same interactions by name (over a map of the same users in the same order) build the same matrix.
        var byName = InteractionMatrix.Build(Enumerable.Range(0, u.Length).Select(e => new Interaction($"u{u[e]}", $"item{it[e]}", v[e])), RecommenderTestData.Catalog(25), sumDuplicates, new IdMap(users.Ids));
        Assert.Equal(built.UserIndex, byName.UserIndex);
        Assert.Equal(built.ItemIndex, byName.ItemIndex);
        Assert.Equal(built.Values, byName.Values);
    }

    [Fact]
    public void Building_from_indices_refuses_an_index_out_of_range_a_non_finite_value_and_spans_of_different_lengths()
    {
        var users = new IdMap(["a", "b"]);
        Assert.StartsWith("Interaction 1 (user 2, item 0, value 1) is out of range: users 0..1, items 0..2, finite values.", Assert.Throws<ArgumentException>(() => InteractionMatrix.Build(users, 3, [0, 2], [0, 0], [1, 1], true)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => InteractionMatrix.Build(users, 3, [0, -1], [0, 0], [1, 1], true));
        Assert.Throws<ArgumentException>(() => InteractionMatrix.Build(users, 3, [0, 1], [0, 3], [1, 1], true));
        Assert.Throws<ArgumentException>(() => InteractionMatrix.Build(users, 3, [0, 1], [0, 1], [1, float.PositiveInfinity], true));
        Assert.Throws<ArgumentException>(() => InteractionMatrix.Build(users, 3, [0, 1], [0], [1, 1], true));
    }
}
