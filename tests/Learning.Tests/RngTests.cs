using NetflixML.Learning.Core;

namespace NetflixML.Learning.Tests;

public sealed class RngTests
{
    [Fact]
    public void Same_seed_and_stream_give_the_same_sequence_and_streams_differ()
    {
        var a = Rng.ForStream(42, 3);
        var b = Rng.ForStream(42, 3);
        var c = Rng.ForStream(42, 4);
        var sa = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(sa, Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToArray());
        Assert.NotEqual(sa, Enumerable.Range(0, 100).Select(_ => c.NextUInt64()).ToArray());
    }

    [Fact]
    public void Draws_have_the_moments_of_their_distributions()
    {
        var rng = new Rng(1);
        const int n = 200_000;
        double sum = 0, sumSq = 0, uniform = 0;
        var buckets = new int[7];
        for (var i = 0; i < n; i++)
        {
            var g = rng.NextGaussian();
            sum += g;
            sumSq += g * g;
            uniform += rng.NextDouble();
            buckets[rng.NextInt(7)]++;
        }

        Assert.InRange(sum / n, -0.01, 0.01);
        Assert.InRange(sumSq / n, 0.98, 1.02);
        Assert.InRange(uniform / n, 0.497, 0.503);
        Assert.All(buckets, count => Assert.InRange(count, n / 7 * 0.97, n / 7 * 1.03));
        Assert.InRange(Enumerable.Range(0, 20_000).Average(_ => rng.Poisson(3.5)), 3.4, 3.6);
    }

    [Fact]
    public void FillGaussian_fills_every_slot_with_draws_of_the_given_spread()
    {
        var values = new float[100_001];
        new Rng(5).FillGaussian(values, 0.5);
        Assert.InRange(values.Average(v => (double)v), -0.005, 0.005);
        Assert.InRange(Math.Sqrt(values.Average(v => (double)v * v)), 0.49, 0.51);
        // The last slot is filled too (odd length: the polar method's spare is not dropped).
        Assert.NotEqual(0f, values[^1]);
        var again = new float[values.Length];
        new Rng(5).FillGaussian(again, 0.5);
        Assert.Equal(values, again);
    }

    [Fact]
    public void Erf_matches_known_values()
    {
        Assert.Equal(0.0, SpecialFunctions.Erf(0), 7);
        Assert.Equal(0.8427007929, SpecialFunctions.Erf(1), 6);
        Assert.Equal(-0.9953222650, SpecialFunctions.Erf(-2), 6);
        Assert.Equal(0.975, SpecialFunctions.NormalCdf(1.959964), 5);
    }
}
