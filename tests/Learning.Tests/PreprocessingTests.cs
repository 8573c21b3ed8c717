using NetflixML.Learning.Data;
using NetflixML.Learning.Preprocessing;
using NetflixML.Learning.Trees;

namespace NetflixML.Learning.Tests;

public sealed class PreprocessingTests
{
    [Fact]
    public void A_numeric_columns_range_skips_missing_values_and_is_null_when_all_are_missing()
    {
        var data = new TabularDataBuilder().AddNumeric("x", [3, double.NaN, -2.5, 7]).AddNumeric("empty", [double.NaN, double.NaN, double.NaN, double.NaN]).Build();

        Assert.Equal((-2.5, 7.0), data.Range(0));
        Assert.Null(data.Range(1));
        Assert.Equal((3.0, 7.0), data.Subset([0, 3]).Range(0));
    }

    [Fact]
    public void Small_vocabularies_are_one_hot_and_missing_is_all_zeros()
    {
        var data = new TabularDataBuilder().AddCategorical("plan", ["Basic", "Premium", "Basic", null]).Build();
        var encoder = FeatureEncoder.Fit(data);
        Assert.Equal(["plan=Basic", "plan=Premium"], encoder.FeatureNames);
        var output = new float[2];
        encoder.Encode(data, 1, output);
        Assert.Equal([0f, 1f], output);
        encoder.Encode(data, 3, output);
        Assert.Equal([0f, 0f], output);
        encoder.Encode(new FeatureRow(default, new string?[] { "Gold" }, default), output);
        Assert.Equal([0f, 0f], output); // unseen in a small vocabulary: no indicator, no exception
    }

    [Fact]
    public void Large_vocabularies_keep_frequent_categories_and_fold_the_rest_into_other_with_a_frequency()
    {
        var values = Enumerable.Range(0, 100).Select(i => i < 30 ? "star" : "director-" + i).ToArray();
        var data = new TabularDataBuilder().AddCategorical("director", values).Build();
        var encoder = FeatureEncoder.Fit(data, new EncoderOptions { MaxOneHot = 8, MinCountForLargeVocabulary = 5 });
        Assert.Equal(["director=star", "director=(other)", "director#frequency"], encoder.FeatureNames);
        var output = new float[3];
        encoder.Encode(data, 0, output);
        Assert.Equal([1f, 0f, 0.3f], output);
        encoder.Encode(data, 50, output);
        Assert.Equal([0f, 1f, 0.01f], output);
        encoder.Encode(new FeatureRow(default, new string?[] { "never seen" }, default), output);
        Assert.Equal([0f, 1f, 0f], output);
    }

    [Fact]
    public void Sets_are_multi_hot_with_their_size()
    {
        var data = new TabularDataBuilder().AddSet("genres", [["Drama", "Comedy"], ["Drama"], null]).Build();
        var encoder = FeatureEncoder.Fit(data);
        Assert.Equal(["genres=Drama", "genres=Comedy", "genres#size"], encoder.FeatureNames);
        var output = new float[3];
        encoder.Encode(data, 0, output);
        Assert.Equal([1f, 1f, 2f], output);
        encoder.Encode(data, 2, output);
        Assert.Equal([0f, 0f, 0f], output);
    }

    [Fact]
    public void A_value_repeated_in_a_set_counts_once_in_its_size_and_in_the_fitted_frequencies()
    {
        var encoder = FeatureEncoder.Fit(new TabularDataBuilder().AddSet("genres", [["Drama", "Comedy"], ["Drama"]]).Build());
        var once = new float[3];
        var twice = new float[3];
        encoder.Encode(new FeatureRow(default, default, new[] { new[] { "Drama" } }), once);
        encoder.Encode(new FeatureRow(default, default, new[] { new[] { "Drama", "Drama" } }), twice);
        Assert.Equal([1f, 0f, 1f], once);
        Assert.Equal(once, twice);

        // A large vocabulary also encodes each value's training frequency: a row that repeats a value fits as one
        // that lists it once, so "star" keeps its 30 % whether or not its 30 rows name it twice.
        FeatureEncoder FitLarge(bool repeat) => FeatureEncoder.Fit(
            new TabularDataBuilder().AddSet("cast", [.. Enumerable.Range(0, 100).Select(i => i < 30 ? (repeat ? new[] { "star", "star" } : ["star"]) : ["actor-" + i])]).Build(),
            new EncoderOptions { MaxOneHot = 8, MinCountForLargeVocabulary = 5 });
        var large = FitLarge(repeat: true);
        Assert.Equal(["cast=star", "cast=(other)", "cast#frequency", "cast#size"], large.FeatureNames);
        var output = new float[4];
        large.Encode(new FeatureRow(default, default, new[] { new[] { "star", "never seen", "star", "never seen" } }), output);
        Assert.Equal([1f, 1f, 0.15f, 2f], output);
        var reference = new float[4];
        FitLarge(repeat: false).Encode(new FeatureRow(default, default, new[] { new[] { "star", "never seen" } }), reference);
        Assert.Equal(reference, output);
    }

    [Fact]
    public void Known_categories_are_every_value_seen_at_fit_time_and_survive_a_round_trip()
    {
        var directors = Enumerable.Range(0, 100).Select(i => i < 30 ? "star" : "director-" + i).ToArray();
        var data = new TabularDataBuilder()
            .AddNumeric("runtime", new double[100])
            .AddCategorical("plan", Enumerable.Range(0, 100).Select(i => i % 3 == 0 ? null : i % 3 == 1 ? "Basic" : "Premium").ToArray())
            .AddCategorical("director", directors)
            .AddSet("genres", Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? new[] { "Drama", "Comedy" } : null).ToArray())
            .Build();
        var encoder = FeatureEncoder.Fit(data, new EncoderOptions { MaxOneHot = 8, MinCountForLargeVocabulary = 5 });
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, true))
        {
            encoder.Write(writer);
        }

        memory.Position = 0;
        foreach (var e in new[] { encoder, FeatureEncoder.Read(new BinaryReader(memory)) })
        {
            Assert.Equal(["Basic", "Premium"], e.KnownCategories("plan").Order(StringComparer.Ordinal));
            Assert.Equal(["Comedy", "Drama"], e.KnownCategories("genres").Order(StringComparer.Ordinal));
            // Only "star" has an indicator of its own, but the 70 directors seen once are known too.
            Assert.Equal(71, e.KnownCategories("director").Count);
            Assert.Contains("director-99", e.KnownCategories("director"));
            Assert.Empty(e.KnownCategories("runtime"));
        }

        var error = Assert.Throws<ArgumentException>(() => encoder.KnownCategories("country"));
        Assert.StartsWith("The encoder has no column 'country'; it has runtime, plan, director, genres.", error.Message);
    }

    [Fact]
    public void Encoder_round_trips_through_its_binary_form()
    {
        var data = Support.TestData.Mixed(500, 9);
        var encoder = FeatureEncoder.Fit(data);
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, true))
        {
            encoder.Write(writer);
        }

        memory.Position = 0;
        var copy = FeatureEncoder.Read(new BinaryReader(memory));
        Assert.Equal(encoder.FeatureNames, copy.FeatureNames);
        Assert.Equal(encoder.EncodeAll(data), copy.EncodeAll(data));
    }

    [Fact]
    public void Radix_sort_orders_floats_like_array_sort_and_drops_nan()
    {
        var rng = new Core.Rng(3);
        var values = Enumerable.Range(0, 5_000).Select(_ => (float)rng.Gaussian(0, 1e3)).Concat([float.NaN, -0f, 0f, float.NegativeInfinity, float.PositiveInfinity, float.Epsilon, -float.Epsilon]).ToArray();
        var expected = values.Where(v => !float.IsNaN(v)).ToArray();
        Array.Sort(expected);
        var actual = BinnedMatrix.SortPresent(values);
        Assert.Equal(expected.Select(v => v == 0 ? 0f : v), actual.Select(v => v == 0 ? 0f : v));
    }

    [Fact]
    public void Few_distinct_values_get_one_bin_each_with_midpoint_thresholds()
    {
        var bounds = BinnedMatrix.FindBounds([3, 1, 2, 2, float.NaN, 1], 255);
        Assert.Equal([1.5f, 2.5f, float.PositiveInfinity], bounds);
        Assert.Equal(0, BinnedMatrix.BinOf(float.NaN, bounds));
        Assert.Equal(1, BinnedMatrix.BinOf(1, bounds));
        Assert.Equal(2, BinnedMatrix.BinOf(2, bounds));
        Assert.Equal(3, BinnedMatrix.BinOf(100, bounds));
    }

    [Fact]
    public void Many_distinct_values_get_at_most_255_bins_of_similar_size()
    {
        var rng = new Core.Rng(4);
        var values = Enumerable.Range(0, 51_000).Select(_ => (float)rng.NextGaussian()).ToArray();
        var bounds = BinnedMatrix.FindBounds(values, 255);
        Assert.InRange(bounds.Length, 250, 255);
        var counts = new int[bounds.Length + 1];
        foreach (var v in values)
        {
            counts[BinnedMatrix.BinOf(v, bounds)]++;
        }

        Assert.All(counts.Skip(1), c => Assert.InRange(c, 150, 260)); // about 200 each
    }
}
