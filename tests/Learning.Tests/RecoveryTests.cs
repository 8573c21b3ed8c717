using NetflixML.Learning.Data;
using NetflixML.Learning.Linear;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Synthetic;
using NetflixML.Learning.Trees;

namespace NetflixML.Learning.Tests;

/// <summary>What the trainers recover from data whose truth we planted.</summary>
public sealed class RecoveryTests
{
    private static (TabularData Train, TabularData Test, double[] TestTruth) Split(PlantedBinary planted, int trainRows)
    {
        var n = planted.Data.Rows;
        var test = Enumerable.Range(trainRows, n - trainRows).ToArray();
        return (planted.Data.Subset(Enumerable.Range(0, trainRows).ToArray()), planted.Data.Subset(test), test.Select(i => planted.TrueProbability[i]).ToArray());
    }

    [Fact]
    public void Logistic_regression_recovers_the_planted_coefficients()
    {
        var planted = PlantedBinaryData.Linear(60_000, 6, 11);
        var model = new LogisticRegressionTrainer(new LogisticRegressionOptions { L1Regularization = 0, L2Regularization = 0 }).Fit(planted.Data);
        var parameters = (LinearModelParameters)model.Parameters;
        // Tolerance: 0.06 in log-odds per unit, about 3 standard errors at 60,000 rows.
        for (var j = 0; j < 6; j++)
        {
            Assert.InRange(parameters.Weights[j], planted.TrueWeights[j] - 0.06, planted.TrueWeights[j] + 0.06);
        }

        Assert.InRange(parameters.Intercept, planted.TrueBias - 0.06, planted.TrueBias + 0.06);
    }

    [Fact]
    public void Default_l1_and_l2_barely_move_the_weights_at_this_size_as_in_mlnet()
    {
        // ML.NET divides L2 by the total weight and L1 by the row count, so defaults of 1 are nearly no penalty.
        var planted = PlantedBinaryData.Linear(20_000, 6, 12);
        var plain = (LinearModelParameters)new LogisticRegressionTrainer(new LogisticRegressionOptions { L1Regularization = 0, L2Regularization = 0 }).Fit(planted.Data).Parameters;
        var defaults = (LinearModelParameters)new LogisticRegressionTrainer().Fit(planted.Data).Parameters;
        for (var j = 0; j < 6; j++)
        {
            Assert.InRange(defaults.Weights[j] - plain.Weights[j], -0.01, 0.01);
        }

        // A strong L1 zeroes the noise features (the last four of six carry no signal).
        var sparse = (LinearModelParameters)new LogisticRegressionTrainer(new LogisticRegressionOptions { L1Regularization = 600 }).Fit(planted.Data).Parameters;
        Assert.All(Enumerable.Range(2, 4), j => Assert.Equal(0, sparse.Weights[j]));
        Assert.NotEqual(0, sparse.Weights[0]);
    }

    [Fact]
    public void Each_trainer_reaches_its_bound_on_planted_linear_data()
    {
        var (train, test, truth) = Split(PlantedBinaryData.Linear(25_000, 10, 13), 20_000);
        var bayes = AreaUnderRocCurve.Compute(truth, test.Labels!);
        double Auc(Training.IBinaryTrainer trainer) => AreaUnderRocCurve.Compute(trainer.Fit(train).PredictProbabilities(test), test.Labels!);
        Assert.InRange(bayes - Auc(new LogisticRegressionTrainer()), -0.005, 0.005);
        Assert.InRange(bayes - Auc(new FastTreeTrainer()), -0.01, 0.02);
        Assert.InRange(bayes - Auc(new FastForestTrainer(new FastForestOptions { NumberOfTrees = 60 })), -0.01, 0.035);
    }

    [Fact]
    public void Trees_beat_the_linear_model_on_planted_nonlinear_data()
    {
        var (train, test, truth) = Split(PlantedBinaryData.Nonlinear(25_000, 10, 14), 20_000);
        var bayes = AreaUnderRocCurve.Compute(truth, test.Labels!);
        var linear = AreaUnderRocCurve.Compute(new LogisticRegressionTrainer().Fit(train).PredictProbabilities(test), test.Labels!);
        var boosted = AreaUnderRocCurve.Compute(new FastTreeTrainer().Fit(train).PredictProbabilities(test), test.Labels!);
        var forest = AreaUnderRocCurve.Compute(new FastForestTrainer(new FastForestOptions { NumberOfTrees = 60 }).Fit(train).PredictProbabilities(test), test.Labels!);
        Assert.True(boosted > linear + 0.15, $"FastTree {boosted:F3} vs linear {linear:F3}");
        Assert.True(forest > linear + 0.05, $"FastForest {forest:F3} vs linear {linear:F3}");
        Assert.InRange(bayes - boosted, 0, 0.04);
    }

    [Fact]
    public void Fast_forest_probabilities_are_calibrated_out_of_bag()
    {
        var (train, test, _) = Split(PlantedBinaryData.Linear(25_000, 10, 15), 20_000);
        var model = new FastForestTrainer(new FastForestOptions { NumberOfTrees = 60 }).Fit(train);
        var probabilities = model.PredictProbabilities(test);
        Assert.True(ExpectedCalibrationError.Compute(probabilities, test.Labels!) < 0.03);
        // The mean probability tracks the positive rate.
        Assert.InRange(probabilities.Average() - test.Labels!.Average(l => (double)l), -0.02, 0.02);
    }
}
