using NetflixML.Features.Catalog;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Reporting;
using NetflixML.Features.Synthetic;
using NetflixML.Training.Cli;
using NetflixML.Training.Pipeline;

namespace NetflixML.Training.Tests;

/// <summary>
/// The numbers on the default data (seed 42, scale 1.0): each honest champion within 0.03 AUC of the
/// Bayes-optimal AUC of the planted probabilities, and the audit flagging exactly the planted leaks.
/// </summary>
public sealed class DefaultDataTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Champions_reach_the_bayes_bound_and_the_audit_flags_exactly_the_planted_leaks()
    {
        SyntheticGenerator.Generate(_dir.File("raw"), new GeneratorOptions(42, 1.0));
        Ingestor.Ingest(_dir.File("raw"), _dir.File("netflix.db"));
        var io = new ConsoleIo(new StringWriter(), new StringWriter());
        var inputs = TrainingInputs.Resolve(_dir.File("netflix.db"), null, null, null);
        var settings = new RunSettings(_dir.File("models"), 42, TrainedModels.CreatedAt);
        var leaderboard = TrainCommand.Run(io, [FeatureCatalog.Top10, FeatureCatalog.Churn], inputs, settings);
        foreach (var task in leaderboard.Tasks)
        {
            var champion = task.Candidates.Single(c => c.Name == task.Champion);
            Assert.True(champion.Deployable);
            Assert.InRange(task.BayesAuc!.Value - champion.Test["auc"], -0.01, 0.03);
        }

        var leakage = LeakageCommand.Run(io, [FeatureCatalog.Top10, FeatureCatalog.Churn], inputs, settings.ModelsFolder, 42, TrainedModels.CreatedAt);
        // truth.json names the planted leaks: two Top-10 columns, and every row dated on or after the snapshot.
        Assert.Equal(["cumulative_weeks_in_top_10", "weekly_hours_viewed"], Flagged(leakage, "top10"));
        Assert.Equal(["last_activity_days_after_snapshot", "searches_after_snapshot", "sessions_after_snapshot"], Flagged(leakage, "churn"));
    }

    private static IEnumerable<string> Flagged(LeakageReport report, string task) =>
        report.Tasks.Single(t => t.Task == task).Flagged.Select(f => f.Feature).Order(StringComparer.Ordinal);
}
