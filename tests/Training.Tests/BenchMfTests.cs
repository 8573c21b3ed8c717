using System.Text.Json.Nodes;
using NetflixML.Learning.Core;
using NetflixML.Training.Bench;

namespace NetflixML.Training.Tests;

/// <summary>`bench mf --synthetic`: the matrix it builds holds exactly the ratings asked for, at any size the option allows.</summary>
public sealed class BenchMfTests
{
    [Theory]
    [InlineData(1_000, 10, 200)]
    [InlineData(60_000, 600, 200)]
    public async Task Synthetic_bench_builds_exactly_the_requested_ratings_and_learns_them(long ratings, int users, int items)
    {
        // Below a few hundred thousand ratings the generator used to leave the last user more ratings than there are
        // items, and looked for distinct ones forever; a regression fails here instead of hanging the run.
        var run = Task.Run(() => CliRunner.Run("bench", "mf", "--synthetic", "--ratings", ratings.ToString(System.Globalization.CultureInfo.InvariantCulture), "--iterations", "10", "--json"));
        var (code, output, error) = await run.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(code == 0, error);
        var result = JsonNode.Parse(output)!;
        Assert.Equal(ratings, result["ratings"]!.GetValue<long>());
        Assert.Equal(users, result["users"]!.GetValue<int>());
        Assert.Equal(items, result["items"]!.GetValue<int>());
        if (users >= 100)
        {
            // Planted rank 16 with unit-variance signal plus noise 0.5 (sd 1.12 in all): the model recovers most of it.
            Assert.InRange(result["heldOutRmse"]!.GetValue<double>(), 0.5, 0.8);
        }
    }

    [Theory]
    [InlineData(1_000, 10, 200)]
    [InlineData(10, 10, 3)]
    [InlineData(30, 10, 3)]
    [InlineData(250_000, 2_500, 500)]
    public void Ratings_per_user_sum_exactly_and_stay_within_one_and_the_catalogue(int n, int users, int items)
    {
        var counts = RecommendationBenchmarks.RatingsPerUser(n, users, items, new Rng(3));

        Assert.Equal(users, counts.Length);
        Assert.Equal(n, counts.Sum());
        Assert.All(counts, c => Assert.InRange(c, 1, items));
    }

    [Theory]
    [InlineData(9, 10, 3)]
    [InlineData(31, 10, 3)]
    public void Ratings_per_user_refuses_a_total_the_matrix_cannot_hold(int n, int users, int items)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RecommendationBenchmarks.RatingsPerUser(n, users, items, new Rng(3)));
        Assert.Contains($"cannot hold {n} ratings", error.Message);
    }

    [Fact]
    public void Movielens_time_split_holds_out_what_known_users_rated_from_the_cut_off_on_in_the_order_rated()
    {
        // Twelve ratings at 1..7, 9, 9 and three at 10 s: 70 % of them precede the 9th second, the cut-off. u1 rated i6
        // and i5 in the same second (i5 first by id, whatever the file's order), then i0; u3 first rated after the
        // cut-off and is unknown.
        MovieLensRating[] ratings =
        [
            new("u1", "i6", 2, 9), new("u3", "i1", 5, 10), new("u1", "i1", 5, 1), new("u1", "i2", 4, 2), new("u2", "i1", 3, 3),
            new("u2", "i3", 2, 4), new("u1", "i5", 4, 9), new("u1", "i3", 1, 5), new("u2", "i4", 4, 6), new("u1", "i4", 5, 7), new("u2", "i2", 3, 10), new("u1", "i0", 3, 10),
        ];
        var (train, test, cutoff) = MovieLens.SplitInTime(ratings, 0.3);

        Assert.Equal(DateTime.UnixEpoch.AddSeconds(9), cutoff);
        Assert.Equal([("u1", "i1"), ("u1", "i2"), ("u2", "i1"), ("u2", "i3"), ("u1", "i3"), ("u2", "i4"), ("u1", "i4")], train.Select(r => (r.User, r.Item)));
        Assert.Equal(["u1", "u2"], test.Select(h => h.User));
        Assert.Equal([KeyValuePair.Create("i5", 3), KeyValuePair.Create("i6", 1), KeyValuePair.Create("i0", 2)], test[0].Items);
        Assert.Equal([KeyValuePair.Create("i2", 2)], test[1].Items);
        Assert.IsAssignableFrom<IReadOnlyList<KeyValuePair<string, int>>>(test[0].Items);
    }
}
