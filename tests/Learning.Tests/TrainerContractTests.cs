using NetflixML.Learning.Data;
using NetflixML.Learning.Models;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Tests.Support;

namespace NetflixML.Learning.Tests;

/// <summary>The contract every binary trainer honours (one test body, run for each trainer).</summary>
public sealed class TrainerContractTests
{
    public static TheoryData<string> Trainers => TestData.TrainerNames;

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Empty_data_is_refused_with_a_clear_message(string trainer)
    {
        var empty = new TabularDataBuilder().AddNumeric("x", []).WithLabels(Array.Empty<float>()).Build();
        var error = Assert.Throws<ArgumentException>(() => TestData.Trainer(trainer).Fit(empty));
        Assert.StartsWith("Cannot train on empty data: 0 rows.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Features_that_carry_nothing_give_the_base_rate_rather_than_a_crash(string trainer)
    {
        // A column with no values at all (the release month of titles known only by year) or one value for every row:
        // the leakage screen trains on each column alone, and FastTree and FastForest divided by zero bins.
        var rows = 200;
        var labels = Enumerable.Range(0, rows).Select(i => i % 4 == 0 ? 1f : 0f).ToArray();
        var missing = new TabularDataBuilder().AddNumeric("month", Enumerable.Repeat(double.NaN, rows).ToArray()).WithLabels(labels).Build();
        var constant = new TabularDataBuilder().AddNumeric("flag", Enumerable.Repeat(1.0, rows).ToArray()).WithLabels(labels).Build();
        var noCategory = new TabularDataBuilder().AddCategorical("month", Enumerable.Repeat<string?>(null, rows).ToArray()).WithLabels(labels).Build();
        var noSet = new TabularDataBuilder().AddSet("genres", Enumerable.Repeat<string[]?>(null, rows).ToArray()).WithLabels(labels).Build();

        foreach (var data in new[] { missing, constant, noCategory, noSet })
        {
            var probabilities = TestData.Trainer(trainer).Fit(data).PredictProbabilities(data);
            Assert.All(probabilities, p => Assert.Equal(probabilities[0], p, 9));
            Assert.InRange(probabilities[0], 0.2, 0.3); // the base rate, 0.25, as far as calibration keeps it
        }
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void One_class_only_is_refused(string trainer)
    {
        var data = new TabularDataBuilder().AddNumeric("x", [1, 2, 3]).WithLabels(new float[] { 1, 1, 1 }).Build();
        var error = Assert.Throws<ArgumentException>(() => TestData.Trainer(trainer).Fit(data));
        Assert.StartsWith("All 3 labels are 1: training needs both classes.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void A_nan_or_non_binary_label_is_refused_and_located(string trainer)
    {
        var nan = new TabularDataBuilder().AddNumeric("x", [1, 2, 3, 4]).WithLabels(new[] { 0f, 1f, 0f, float.NaN }).Build();
        Assert.StartsWith("Label at row 3 is NaN", Assert.Throws<ArgumentException>(() => TestData.Trainer(trainer).Fit(nan)).Message, StringComparison.Ordinal);
        var two = new TabularDataBuilder().AddNumeric("x", [1, 2, 3]).WithLabels(new[] { 0f, 2f, 1f }).Build();
        Assert.StartsWith("Label at row 1 is 2; binary labels are 0 or 1.", Assert.Throws<ArgumentException>(() => TestData.Trainer(trainer).Fit(two)).Message, StringComparison.Ordinal);
        var unlabelled = new TabularDataBuilder().AddNumeric("x", [1, 2]).Build();
        Assert.StartsWith("The data has no labels", Assert.Throws<ArgumentException>(() => TestData.Trainer(trainer).Fit(unlabelled)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_lengths_are_refused_when_the_data_is_built()
    {
        var error = Assert.Throws<ArgumentException>(() => new TabularDataBuilder().AddNumeric("x", [1, 2, 3]).AddCategorical("c", ["a", "b"]));
        Assert.Equal("Mismatched lengths: column 'c' has 2 rows, earlier columns have 3.", error.Message);
        var labels = Assert.Throws<ArgumentException>(() => new TabularDataBuilder().AddNumeric("x", [1, 2, 3]).WithLabels(new float[] { 1, 0 }));
        Assert.Equal("Mismatched lengths: label has 2 rows, earlier columns have 3.", labels.Message);
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Saved_and_reloaded_model_predicts_bit_for_bit_the_same(string trainer)
    {
        var data = TestData.Mixed(3_000, 1);
        var model = TestData.Trainer(trainer).Fit(data).WithThreshold(0.37);
        using var dir = new TempDirectory();
        var path = dir.File("model.zip");
        ModelFile.Save(path, model, new ModelMetadata { Task = "test", FeatureSet = "all", CreatedAt = DateTimeOffset.UnixEpoch });
        var (reloaded, manifest) = ModelFile.LoadBinaryClassifier(path);
        Assert.Equal(trainer, manifest.Trainer);
        Assert.Equal(0.37, reloaded.Threshold);
        var before = model.PredictProbabilities(data);
        var after = reloaded.PredictProbabilities(data);
        Assert.Equal(before, after); // exact equality of every double
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Same_data_and_seed_give_the_same_model_bytes_whatever_the_thread_count(string trainer)
    {
        var data = TestData.Mixed(3_000, 2);
        using var dir = new TempDirectory();
        var metadata = new ModelMetadata { Task = "test", CreatedAt = DateTimeOffset.UnixEpoch };
        ModelFile.Save(dir.File("a.zip"), TestData.Trainer(trainer, threads: 1).Fit(data), metadata);
        ModelFile.Save(dir.File("b.zip"), TestData.Trainer(trainer, threads: 2).Fit(data), metadata);
        ModelFile.Save(dir.File("c.zip"), TestData.Trainer(trainer, threads: 2).Fit(data), metadata);
        var a = File.ReadAllBytes(dir.File("a.zip"));
        Assert.Equal(a, File.ReadAllBytes(dir.File("b.zip")));
        Assert.Equal(a, File.ReadAllBytes(dir.File("c.zip")));
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void The_predictor_is_safe_under_parallel_calls(string trainer)
    {
        var data = TestData.Mixed(2_000, 3);
        var model = TestData.Trainer(trainer).Fit(data);
        var sequential = new double[data.Rows];
        for (var i = 0; i < data.Rows; i++)
        {
            sequential[i] = Predict(model, data, i);
        }

        var parallel = new double[data.Rows];
        Parallel.For(0, data.Rows * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k => parallel[k % data.Rows] = Predict(model, data, k % data.Rows));
        Assert.Equal(sequential, parallel);
        Assert.Equal(sequential, model.PredictProbabilities(data));
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Missing_values_and_unseen_categories_are_handled_not_thrown(string trainer)
    {
        var data = TestData.Mixed(2_000, 4);
        var model = TestData.Trainer(trainer).Fit(data);
        double[] numeric = [double.NaN, double.NaN];
        string?[] categorical = ["Platinum (new plan)", "a director never seen"];
        string[]?[] sets = [["Western", "Action"]];
        var p = model.PredictProbability(new FeatureRow(numeric, categorical, sets));
        Assert.InRange(p, 0, 1);
        var empty = model.PredictProbability(new FeatureRow(numeric, new string?[] { null, null }, new string[]?[] { null }));
        Assert.InRange(empty, 0, 1);
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Explanations_sum_to_the_score_and_name_raw_columns(string trainer)
    {
        var data = TestData.Mixed(2_000, 5);
        var model = TestData.Trainer(trainer).Fit(data);
        var numeric = new double[2];
        var categorical = new string?[2];
        var sets = new string[]?[1];
        for (var i = 0; i < 20; i++)
        {
            var row = data.Row(i, numeric, categorical, sets);
            var explanation = model.Explain(row);
            Assert.Equal(model.Score(row), explanation.Score, 9);
            Assert.Equal(explanation.Score, explanation.Bias + explanation.Contributions.Sum(c => c.Contribution), 9);
            Assert.Equal(["director", "genres", "plan", "x", "z"], explanation.Contributions.Select(c => c.Feature).Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Single_row_prediction_allocates_nothing(string trainer)
    {
        var data = TestData.Mixed(1_000, 6);
        var model = TestData.Trainer(trainer).Fit(data);
        var numeric = new double[2];
        var categorical = new string?[2];
        var sets = new string[]?[1];
        data.Row(7, numeric, categorical, sets);
        double sum = 0;
        // FeatureRow is a ref struct, so each call wraps the filled buffers afresh (a few span copies, no allocation).
        Assert.Equal(0, Allocations.SteadyStateBytes(() => sum += model.PredictProbability(new FeatureRow(numeric, categorical, sets)), calls: 10_000));
        Assert.True(sum > 0);
    }

    private static double Predict(BinaryClassifier model, TabularData data, int row)
    {
        Span<double> numeric = stackalloc double[data.Schema.NumericCount];
        var categorical = new string?[data.Schema.CategoricalCount];
        var sets = new string[]?[data.Schema.SetCount];
        return model.PredictProbability(data.Row(row, numeric, categorical, sets));
    }
}
