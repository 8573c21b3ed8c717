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
}
