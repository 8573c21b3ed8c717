namespace NetflixML.Learning.Metrics;

/// <summary>
/// Rating-prediction figures, as ML.NET's RegressionMetrics: root mean squared error, mean absolute error and the
/// coefficient of determination.
/// </summary>
/// <param name="Count">Pairs compared.</param>
/// <param name="Rmse">Square root of the mean squared error.</param>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="RSquared">
/// 1 - (sum of squared errors) / (sum of squared deviations of the actual values from their own mean): 0 for a
/// model no better than that mean, negative for a worse one. NaN when every actual value is the same (no variance
/// to explain) or there are no pairs.
/// </param>
public sealed record RegressionReport(int Count, double Rmse, double Mae, double RSquared);

public static class RegressionMetrics
{
    public static RegressionReport Evaluate(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual)
    {
        if (predicted.Length != actual.Length)
        {
            throw new ArgumentException($"{predicted.Length} predictions for {actual.Length} actual values.", nameof(predicted));
        }

        var n = actual.Length;
        if (n == 0)
        {
            return new RegressionReport(0, double.NaN, double.NaN, double.NaN);
        }

        double mean = 0;
        foreach (var y in actual)
        {
            mean += y;
        }

        mean /= n;
        double squared = 0, absolute = 0, deviation = 0;
        for (var i = 0; i < n; i++)
        {
            var error = predicted[i] - actual[i];
            squared += error * error;
            absolute += Math.Abs(error);
            deviation += (actual[i] - mean) * (actual[i] - mean);
        }

        return new RegressionReport(n, Math.Sqrt(squared / n), absolute / n, deviation > 0 ? 1 - (squared / deviation) : double.NaN);
    }
}
