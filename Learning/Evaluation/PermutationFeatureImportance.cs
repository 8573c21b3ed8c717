using NetflixML.Learning.Core;
using NetflixML.Learning.Data;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Models;

namespace NetflixML.Learning.Evaluation;

/// <summary>How much a metric drops when one raw column's values are shuffled across rows.</summary>
public sealed record FeatureImportance(string Feature, double MeanDrop, double StandardDeviation, double StandardError);

/// <summary>
/// Permutation feature importance, as ML.NET's PermutationFeatureImportance: each raw column is shuffled
/// <c>permutations</c> times and the AUC recomputed. Reported as the drop (baseline minus permuted, so an
/// important feature has a large positive value; ML.NET reports the negative delta) with its standard deviation
/// and standard error over the permutations.
/// </summary>
public static class PermutationFeatureImportance
{
    public static IReadOnlyList<FeatureImportance> Compute(BinaryClassifier model, TabularData data, int permutations = 3, ulong seed = 1)
    {
        var labels = data.Labels ?? throw new ArgumentException("Permutation importance needs labelled data.", nameof(data));
        if (permutations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(permutations), permutations, "At least one permutation.");
        }

        var baseline = AreaUnderRocCurve.Compute(model.PredictProbabilities(data), labels);
        var result = new List<FeatureImportance>();
        for (var c = 0; c < data.Schema.Columns.Count; c++)
        {
            var rng = Rng.ForStream(seed, (ulong)c);
            var drops = new double[permutations];
            for (var p = 0; p < permutations; p++)
            {
                var permutation = Enumerable.Range(0, data.Rows).ToArray();
                rng.Shuffle(permutation.AsSpan());
                var shuffled = data.WithColumnPermuted(c, permutation);
                drops[p] = baseline - AreaUnderRocCurve.Compute(model.PredictProbabilities(shuffled), labels);
            }

            var summary = MetricSummary.Of(drops);
            result.Add(new FeatureImportance(data.Schema.Columns[c].Name, summary.Mean, summary.Std, summary.Std / Math.Sqrt(permutations)));
        }

        return result.OrderByDescending(r => r.MeanDrop).ThenBy(r => r.Feature, StringComparer.Ordinal).ToList();
    }
}
