using NetflixML.Learning.Evaluation;
using NetflixML.Learning.Linear;
using NetflixML.Learning.Synthetic;

namespace NetflixML.Learning.Tests;

public sealed class EvaluationTests
{
    [Fact]
    public void Stratified_folds_share_the_positive_rate_and_cover_every_row_once()
    {
        var labels = Enumerable.Range(0, 1_000).Select(i => i % 5 == 0 ? 1f : 0f).ToArray();
        var fold = CrossValidation.StratifiedFolds(labels, 5, 1);
        for (var k = 0; k < 5; k++)
        {
            var members = Enumerable.Range(0, 1_000).Where(i => fold[i] == k).ToList();
            Assert.Equal(200, members.Count);
            Assert.Equal(40, members.Count(i => labels[i] == 1));
        }
    }

    [Fact]
    public void Group_folds_never_put_a_group_on_both_sides()
    {
        var rng = new Core.Rng(2);
        var groups = Enumerable.Range(0, 3_000).Select(_ => "title-" + rng.NextInt(300)).ToArray();
        var labels = groups.Select(g => g.GetHashCode(StringComparison.Ordinal) % 3 == 0 ? 1f : 0f).ToArray();
        var fold = CrossValidation.GroupFolds(labels, groups, 5, 3);
        foreach (var group in groups.Distinct())
        {
            Assert.Single(Enumerable.Range(0, groups.Length).Where(i => groups[i] == group).Select(i => fold[i]).Distinct());
        }

        var sizes = Enumerable.Range(0, 5).Select(k => fold.Count(f => f == k)).ToList();
        Assert.All(sizes, s => Assert.InRange(s, 400, 800));
    }

    [Fact]
    public void Temporal_split_trains_on_the_past_and_tests_on_the_future()
    {
        var dates = Enumerable.Range(0, 100).Select(i => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddDays(i)).Reverse().ToArray();
        var cutoff = TemporalSplit.CutoffForFraction(dates, 0.2);
        var (train, test) = TemporalSplit.ByCutoff(dates, cutoff);
        Assert.Equal(80, train.Length);
        Assert.Equal(20, test.Length);
        Assert.True(train.Max(i => dates[i]) < test.Min(i => dates[i]));
    }

    [Fact]
    public void Cross_validation_returns_each_rows_out_of_fold_probability()
    {
        var planted = PlantedBinaryData.Linear(2_000, 4, 5);
        var folds = CrossValidation.StratifiedFolds(planted.Data.Labels, 4, 1);
        var result = CrossValidation.Run(new LogisticRegressionTrainer(), planted.Data, folds);
        Assert.Equal(4, result.Folds.Count);
        Assert.All(result.OutOfFoldProbabilities, p => Assert.InRange(p, 0, 1));
        var auc = result.Summary(m => m.Auc);
        Assert.True(auc.Mean > 0.75 && auc.Std < 0.05, $"{auc}");
    }

    [Fact]
    public void Permutation_importance_ranks_informative_features_above_noise()
    {
        var planted = PlantedBinaryData.Linear(4_000, 6, 8); // f0, f1 informative; f2..f5 noise
        var model = new LogisticRegressionTrainer().Fit(planted.Data);
        var importance = PermutationFeatureImportance.Compute(model, planted.Data, permutations: 3, seed: 1);
        var byName = importance.ToDictionary(i => i.Feature);
        Assert.Equal(["f0", "f1"], importance.Take(2).Select(i => i.Feature).Order(StringComparer.Ordinal));
        Assert.All(new[] { "f2", "f3", "f4", "f5" }, f => Assert.InRange(byName[f].MeanDrop, -0.01, 0.01));
        Assert.True(byName["f0"].MeanDrop > 0.05 && byName["f0"].StandardError >= 0);
    }
}
