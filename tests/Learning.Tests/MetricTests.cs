using NetflixML.Learning.Metrics;

namespace NetflixML.Learning.Tests;

public sealed class MetricTests
{
    [Fact]
    public void Roc_curve_trapezoids_add_up_to_the_exact_auc_with_ties()
    {
        var random = new Random(3);
        var labels = Enumerable.Range(0, 500).Select(_ => random.NextDouble() < 0.3 ? 1f : 0f).ToArray();
        // Scores rounded to one decimal: many ties, some across the classes.
        var scores = labels.Select(l => Math.Round((l * 0.3) + random.NextDouble(), 1)).ToArray();

        var points = RocCurve.Compute(scores, labels);

        Assert.Equal(new RocPoint(0, 0, double.PositiveInfinity), points[0]);
        Assert.Equal((1.0, 1.0), (points[^1].FalsePositiveRate, points[^1].TruePositiveRate));
        Assert.Equal(scores.Distinct().Count() + 1, points.Count);
        for (var k = 1; k < points.Count; k++)
        {
            Assert.True(points[k].FalsePositiveRate >= points[k - 1].FalsePositiveRate && points[k].TruePositiveRate >= points[k - 1].TruePositiveRate);
            Assert.True(points[k].Threshold < points[k - 1].Threshold);
        }

        Assert.Equal(AreaUnderRocCurve.Compute(scores, labels), Trapezoids(points), 12);
        var thin = RocCurve.Thin(points, 5);
        Assert.Equal(5, thin.Count);
        Assert.Equal(points[0], thin[0]);
        Assert.Equal(points[^1], thin[^1]);
    }

    private static double Trapezoids(IReadOnlyList<RocPoint> points) =>
        points.Zip(points.Skip(1), (a, b) => (b.FalsePositiveRate - a.FalsePositiveRate) * (a.TruePositiveRate + b.TruePositiveRate) / 2).Sum();

    [Fact]
    public void Roc_curve_of_a_perfect_ranking_goes_through_the_top_left_corner()
    {
        var points = RocCurve.Compute([0.9, 0.8, 0.2, 0.1], [1f, 1f, 0f, 0f]);

        Assert.Equal([(0.0, 0.0), (0.0, 0.5), (0.0, 1.0), (0.5, 1.0), (1.0, 1.0)], points.Select(p => (p.FalsePositiveRate, p.TruePositiveRate)));
        Assert.Equal(1.0, Trapezoids(points));
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([0.5, 0.6], [1f, 1f]));
    }

    [Fact]
    public void Auc_counts_pairs_and_half_counts_ties()
    {
        // Classic example: one of the four positive-negative pairs is misordered.
        Assert.Equal(0.75, AreaUnderRocCurve.Compute([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 12);
        // Ties: positive 0.9 beats both negatives (2), positive 0.5 ties both negatives (0.5 + 0.5): 3 of 4.
        Assert.Equal(0.75, AreaUnderRocCurve.Compute([0.5, 0.5, 0.5, 0.9], [0, 1, 0, 1]), 12);
        Assert.Equal(0.5, AreaUnderRocCurve.Compute([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1]), 12);
        Assert.Equal(1.0, AreaUnderRocCurve.Compute([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 12);
        Assert.True(double.IsNaN(AreaUnderRocCurve.Compute([0.1, 0.2], [1, 1])));
    }

    [Fact]
    public void Average_precision_is_mean_precision_at_each_positive()
    {
        // Positives ranked 1st and 3rd: precision 1/1 and 2/3.
        Assert.Equal((1 + 2.0 / 3) / 2, AveragePrecision.Compute([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]), 12);
        // A tie of one positive and one negative at the top: precision 1/2 for that positive.
        Assert.Equal(0.5, AveragePrecision.Compute([0.9, 0.9, 0.1], [1, 0, 0]), 12);
    }

    [Fact]
    public void Log_loss_brier_and_reduction_match_hand_computation()
    {
        double[] p = [0.9, 0.2];
        float[] y = [1, 0];
        var expected = -(Math.Log(0.9) + Math.Log(0.8)) / 2;
        Assert.Equal(expected, LogLoss.Compute(p, y), 12);
        Assert.Equal((0.01 + 0.04) / 2, BrierScore.Compute(p, y), 12);
        var metrics = BinaryEvaluator.Evaluate(p, y);
        Assert.Equal(expected / Math.Log(2), metrics.LogLossBits, 12);
        Assert.Equal(1 - expected / Math.Log(2), metrics.LogLossReduction, 12); // the prior (0.5) costs ln 2 nats
        Assert.True(LogLoss.Compute([0.0], [1]) < 40); // clipped, not infinite
    }

    [Fact]
    public void Calibration_error_weights_each_bins_gap_by_its_share()
    {
        // Bin [0.1, 0.2): predicted 0.15, observed 0.5; bin [0.8, 0.9): predicted 0.85, observed 1.
        var ece = ExpectedCalibrationError.Compute([0.15, 0.15, 0.85, 0.85], [0, 1, 1, 1]);
        Assert.Equal(0.35 * 0.5 + 0.15 * 0.5, ece, 12);
    }

    [Fact]
    public void Confusion_matrix_and_threshold_metrics()
    {
        double[] p = [0.9, 0.6, 0.4, 0.2, 0.7];
        float[] y = [1, 0, 1, 0, 1];
        var at = ThresholdMetrics.At(p, y, 0.5);
        Assert.Equal(new ConfusionMatrix(2, 1, 1, 1), at.Confusion);
        Assert.Equal(0.6, at.Accuracy, 12);
        Assert.Equal(2.0 / 3, at.Precision, 12);
        Assert.Equal(2.0 / 3, at.Recall, 12);
        Assert.Equal(2.0 / 3, at.F1, 12);
        var baseline = BaselineMetrics.For(y);
        Assert.Equal(0.6, baseline.Accuracy, 12);
        Assert.Equal(0.6, baseline.PositiveRate, 12);
    }

    [Fact]
    public void F1_threshold_sits_between_the_last_positive_call_and_the_next_score()
    {
        // Calling the top k positive gives F1 = 2 TP / (k + 3): k=1 0.5, k=2 0.8, k=3 0.667, k=4 0.857, k=5 0.75.
        double[] p = [0.9, 0.7, 0.6, 0.4, 0.2];
        float[] y = [1, 1, 0, 1, 0];
        var threshold = BinaryEvaluator.ThresholdMaximisingF1(p, y);
        // The best is k=4; the threshold is the midpoint of the 4th and 5th scores.
        Assert.Equal(0.3, threshold, 12);
        Assert.Equal(6.0 / 7, ThresholdMetrics.At(p, y, threshold).F1, 12);
    }

    [Fact]
    public void Regression_figures_match_hand_computation()
    {
        double[] actual = [1, 2, 3, 4];
        // Errors 0, 1, -1, 0: squared sum 2; deviations from the mean 2.5: squared sum 5.
        var close = RegressionMetrics.Evaluate([1, 3, 2, 4], actual);
        Assert.Equal(4, close.Count);
        Assert.Equal(Math.Sqrt(0.5), close.Rmse, 12);
        Assert.Equal(0.5, close.Mae, 12);
        Assert.Equal(1 - (2.0 / 5), close.RSquared, 12);
        // The actual values' own mean explains nothing; a reversed ranking is worse than it: errors 3, 1, -1, -3.
        Assert.Equal(0, RegressionMetrics.Evaluate([2.5, 2.5, 2.5, 2.5], actual).RSquared, 12);
        var reversed = RegressionMetrics.Evaluate([4, 3, 2, 1], actual);
        Assert.Equal(Math.Sqrt(5), reversed.Rmse, 12);
        Assert.Equal(2, reversed.Mae, 12);
        Assert.Equal(1 - (20.0 / 5), reversed.RSquared, 12);
    }

    [Fact]
    public void Regression_r_squared_is_nan_without_variance_and_lengths_must_agree()
    {
        var constant = RegressionMetrics.Evaluate([3, 4], [4, 4]);
        Assert.Equal(Math.Sqrt(0.5), constant.Rmse, 12);
        Assert.True(double.IsNaN(constant.RSquared));
        Assert.Equal(new RegressionReport(0, double.NaN, double.NaN, double.NaN), RegressionMetrics.Evaluate([], []));
        var error = Assert.Throws<ArgumentException>(() => RegressionMetrics.Evaluate([1, 2], [1]));
        Assert.Contains("2 predictions for 1 actual values", error.Message, StringComparison.Ordinal);
    }
}
