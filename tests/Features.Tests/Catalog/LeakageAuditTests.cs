using NetflixML.Features.Leakage;
using NetflixML.Learning.Core;
using NetflixML.Learning.Data;

namespace NetflixML.Features.Tests.Catalog;

public sealed class LeakageAuditTests
{
    [Fact]
    public void The_audit_flags_planted_leaks_from_the_data_and_nothing_else()
    {
        var rng = new Rng(5);
        const int n = 3_000;
        var honest = new double[n];
        var weak = new double[n];
        var zeroFilled = new double[n];
        var afterOutcome = new double[n];
        var category = new string?[n];
        var labels = new float[n];
        for (var i = 0; i < n; i++)
        {
            honest[i] = rng.NextGaussian();
            weak[i] = rng.NextGaussian();
            labels[i] = rng.Bernoulli(SpecialFunctions.Sigmoid(1.5 * honest[i] + 0.3 * weak[i] - 1)) ? 1 : 0;
            // Zero for every negative, like hours viewed in a Top-10 week: only a fifth of positives are non-zero.
            zeroFilled[i] = labels[i] == 1 && rng.Bernoulli(0.2) ? rng.Uniform(1, 100) : 0;
            // Nearly decides the outcome on its own.
            afterOutcome[i] = labels[i] + rng.Gaussian(0, 0.2);
            category[i] = rng.Bernoulli(0.5) ? "a" : "b";
        }

        var data = new TabularDataBuilder().AddNumeric("honest", honest).AddNumeric("weak", weak).AddNumeric("zero_filled", zeroFilled)
            .AddNumeric("after_outcome", afterOutcome).AddCategorical("category", category).WithLabels(labels).Build();
        var screens = LeakageAudit.Screen(data, 1).ToDictionary(s => s.Feature);
        Assert.Equal(["after_outcome", "zero_filled"], screens.Values.Where(s => s.Flagged).Select(s => s.Feature).Order(StringComparer.Ordinal));
        Assert.StartsWith("every negative row has zero_filled = 0, while", screens["zero_filled"].Reason, StringComparison.Ordinal);
        Assert.True(screens["after_outcome"].SingleFeatureAuc > 0.95);
        Assert.InRange(screens["honest"].SingleFeatureAuc, 0.7, 0.9);
        Assert.InRange(screens["category"].SingleFeatureAuc, 0.4, 0.6);
    }

    [Fact]
    public void A_column_the_data_leaves_empty_is_said_to_have_no_values_not_screened()
    {
        const int n = 200;
        var labels = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 1f : 0f).ToArray();
        var data = new TabularDataBuilder()
            .AddNumeric("signal", [.. labels.Select(l => l + (0.1 * (l == 0 ? 1 : -1)))])
            .AddNumeric("empty_number", Enumerable.Repeat(double.NaN, n).ToArray())
            .AddCategorical("empty_category", new string?[n])
            .AddSet("empty_set", Enumerable.Repeat<string[]?>([], n).ToArray())
            .WithLabels(labels).Build();

        var screens = LeakageAudit.Screen(data, 1).ToDictionary(s => s.Feature);

        Assert.True(screens["signal"].HasValues);
        Assert.All(new[] { "empty_number", "empty_category", "empty_set" }, f =>
        {
            Assert.False(screens[f].HasValues);
            Assert.Equal(0.5, screens[f].SingleFeatureAuc);
            Assert.False(screens[f].Flagged);
        });
    }

    [Fact]
    public void Structural_tell_needs_a_large_enough_share_of_the_other_class()
    {
        float[] labels = [.. Enumerable.Repeat(1f, 40), .. Enumerable.Repeat(0f, 100)];
        double[] rare = [.. Enumerable.Repeat(0.0, 40), .. Enumerable.Repeat(0.0, 97), 1, 1, 1]; // 3 % differ
        Assert.Null(LeakageAudit.StructuralTell("rare", rare, labels));
        double[] ranged = [.. Enumerable.Range(0, 40).Select(i => i / 40.0), .. Enumerable.Range(0, 100).Select(i => i < 30 ? 2.0 : 0.5)];
        Assert.Equal("every positive row has ranged <= 0.975, while 30 % of negatives are above it", LeakageAudit.StructuralTell("ranged", ranged, labels));
    }
}
