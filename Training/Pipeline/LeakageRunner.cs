using NetflixML.Features.Catalog;
using NetflixML.Features.Leakage;
using NetflixML.Features.Reporting;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Trees;

namespace NetflixML.Training.Pipeline;

/// <summary>
/// The leakage audit of a binary task: every feature of the task's widest set screened alone on the training part
/// (the audit is not told which features are post-outcome), then the same trainer (FastTree) fitted on the honest
/// set and on the set with the leaks, both judged on the test set: what the leaks would have faked.
/// </summary>
public static class LeakageRunner
{
    public const string NoValues = "no values in this data";

    public static LeakageTask Run(BinaryTaskData data, int seed, string? honestSetName, IProgress<string>? progress = null)
    {
        var sets = FeatureCatalog.SetsFor(data.Task);
        var leaky = sets.First(s => !s.Deployable);
        var honest = honestSetName is null ? sets.First(s => s.Deployable) : sets.First(s => s.Name == honestSetName);
        var all = data.Build(leaky);
        var train = all.Subset(data.TrainRows);
        progress?.Report($"{data.Task}: screening {all.Schema.Columns.Count} features one at a time");
        var screens = LeakageAudit.Screen(train, (ulong)seed);
        progress?.Report($"{data.Task}: FastTree on '{honest.Name}' vs '{leaky.Name}'");
        var trainer = new FastTreeTrainer();
        AuditComparison Compare(FeatureSet set)
        {
            var table = data.Build(set);
            var test = table.Subset(data.TestRows);
            var probabilities = trainer.Fit(table.Subset(data.TrainRows)).PredictProbabilities(test);
            var metrics = BinaryEvaluator.Evaluate(probabilities, test.Labels!);
            return new AuditComparison(set.Name, Math.Round(metrics.Auc, 5), Math.Round(metrics.AtHalf.Accuracy, 5));
        }

        var availability = leaky.Features.ToDictionary(f => f.Name, f => f.Availability.ToString());
        return new LeakageTask
        {
            Task = data.Task,
            Trainer = trainer.Name,
            Flagged = screens.Where(s => s.Flagged).Select(s => new FlaggedFeature(s.Feature, s.SingleFeatureAuc, s.Reason)).ToList(),
            Honest = Compare(honest),
            WithLeaks = Compare(leaky),
            Features = screens.Select(s => new AuditedFeature(s.Feature, availability[s.Feature], s.SingleFeatureAuc, s.Flagged, s.HasValues ? null : NoValues)).ToList(),
        };
    }
}
