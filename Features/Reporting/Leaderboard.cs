using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetflixML.Features.Reporting;

/// <summary>A metric's mean and standard deviation over cross-validation folds.</summary>
/// <param name="Mean">Mean over the folds.</param>
/// <param name="Std">Sample standard deviation over the folds.</param>
public sealed record MetricStat(double Mean, double Std);

/// <summary>One trainer on one feature set, with its cross-validated and temporal-test figures.</summary>
public sealed record CandidateEntry
{
    /// <summary>task-trainer-featureset, lower case (the candidate's file name in models/candidates/).</summary>
    public required string Name { get; init; }

    /// <summary>The trainer: LogisticRegression, FastForest, FastTree, or a recommender (popularity, content, explicit-mf, implicit-mf, hybrid).</summary>
    public required string Trainer { get; init; }

    /// <summary>The feature set it was trained on (see `features` in the CLI).</summary>
    public required string FeatureSet { get; init; }

    /// <summary>False when the feature set holds a post-outcome feature: such a candidate is never a champion.</summary>
    public bool Deployable { get; init; }

    /// <summary>When a model on this feature set may be served.</summary>
    public string Contract { get; init; } = string.Empty;

    /// <summary>Cross-validated figures on the training part (mean and SD over folds); null for recommenders.</summary>
    public IReadOnlyDictionary<string, MetricStat>? Cv { get; init; }

    /// <summary>
    /// Figures on the temporal (or held-out) test set: auc, auprc, accuracy, f1, logLoss ... for a binary task;
    /// precisionAtK, recallAtK, ndcgAtK, ndcgAtKGraded, mapAtK, hitRate, coverage, genreMatchRate for a recommender, and
    /// for explicit MF also ratingCount, ratingRmse, ratingMae and ratingRSquared over the ratings after the cut-off.
    /// </summary>
    public IReadOnlyDictionary<string, double> Test { get; init; } = new Dictionary<string, double>();

    /// <summary>What a trivial model reaches on the same test set (majority class, or popularity; for ratings, their training mean).</summary>
    public IReadOnlyDictionary<string, double> Baseline { get; init; } = new Dictionary<string, double>();

    /// <summary>Decision threshold chosen on out-of-fold predictions (maximising F1); null for recommenders.</summary>
    public double? Threshold { get; init; }

    /// <summary>Seconds to train (shown in the CLI table; not written to leaderboard.json, which a rerun reproduces).</summary>
    [JsonIgnore]
    public double TrainSeconds { get; init; }
}

/// <summary>One task's comparison and its champion.</summary>
public sealed record TaskEntry
{
    /// <summary>top10, churn or recommend.</summary>
    public required string Task { get; init; }

    /// <summary>The metric the champion is chosen by (auc: cross-validated mean; ndcgAtK: on the temporal test).</summary>
    public required string Metric { get; init; }

    /// <summary>The candidate written to models/&lt;task&gt;.zip; null when none was promoted (see <see cref="NoChampion"/>).</summary>
    public string? Champion { get; init; }

    /// <summary>Why no candidate was promoted and what happened to the champion file; null when one was.</summary>
    public string? NoChampion { get; init; }

    /// <summary>How the data was split into the training part and the test set.</summary>
    public string Split { get; init; } = string.Empty;

    /// <summary>Rows (titles, subscribers; user-title pairs for recommend) in the training part.</summary>
    public int TrainRows { get; init; }

    /// <summary>Rows in the test set (test users for recommend).</summary>
    public int TestRows { get; init; }

    /// <summary>AUC of the planted true probabilities on the test rows, when the data came with truth.json.</summary>
    public double? BayesAuc { get; init; }

    /// <summary>
    /// Recommend: the least rating RMSE any model can reach on average (the planted expected rating's, over every
    /// rating the generator wrote), beside explicit MF's ratingRmse, when the data came with truth.json.
    /// </summary>
    public double? RatingRmseFloor { get; init; }

    /// <summary>
    /// Recommend: the planted watch-choice model's own figures on the test set (the same keys as a candidate's test),
    /// when the data came with truth.json. It ranks each subscriber's unwatched titles by their true chance of being
    /// watched: the best ranking there is, the counterpart of <see cref="BayesAuc"/>.
    /// </summary>
    public IReadOnlyDictionary<string, double>? PlantedOracle { get; init; }

    /// <summary>
    /// Recommend: the implicit factor model's settings tried on a temporal split inside the training part, and the one
    /// chosen (the implicit-mf and hybrid candidates use it); null when the training part was too small to split.
    /// </summary>
    public Tuning? Tuning { get; init; }

    /// <summary>
    /// Recommend: the factor models' and the hybrid's content share for viewers they do not know (popularity has the
    /// rest), tried on the same validation split with its judged subscribers served as such viewers, and the one
    /// chosen; null when there is no validation split.
    /// </summary>
    public Tuning? ViewerTuning { get; init; }

    /// <summary>
    /// Recommend: whether the implicit factor model and the hybrid fold in a viewer they do not know (fit a vector to
    /// the titles given) rather than blend content and popularity by the chosen share, tried on the same validation
    /// split, and the choice; null when there is no validation split (both fold in then).
    /// </summary>
    public Tuning? FoldInTuning { get; init; }

    /// <summary>
    /// Recommend: whether the implicit factor model and the hybrid move a known subscriber's vector by the titles they
    /// watched since training, tried on the same validation split with half of each judged subscriber's titles given
    /// as watched since, and the choice; null when there is no validation split (neither updates then).
    /// </summary>
    public Tuning? UpdateTuning { get; init; }

    /// <summary>Every candidate compared, deployable or not.</summary>
    public IReadOnlyList<CandidateEntry> Candidates { get; init; } = [];
}

/// <summary>Settings tried on a validation split and the one chosen (the best; the first of equals).</summary>
/// <param name="Split">How the validation split was made.</param>
/// <param name="Metric">What was compared on it.</param>
/// <param name="Trials">Each setting with its figure.</param>
/// <param name="Chosen">The setting used.</param>
public sealed record Tuning(string Split, string Metric, IReadOnlyList<SettingTrial> Trials, string Chosen);

/// <summary>One setting and its figure on the validation split.</summary>
/// <param name="Setting">The setting, as "name value, ...".</param>
/// <param name="Value">Its figure.</param>
public sealed record SettingTrial(string Setting, double Value);

/// <summary>A task a run for every task left out because the data cannot support it, and why.</summary>
/// <param name="Task">top10, churn or recommend.</param>
/// <param name="Reason">What the data lacks (no titles, no watch events, too few labelled rows, ...).</param>
public sealed record SkippedTask(string Task, string Reason);

/// <summary>models/leaderboard.json.</summary>
public sealed record Leaderboard
{
    public const string FileName = "leaderboard.json";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>When the training run wrote it.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Seed of splits, folds and randomised trainers.</summary>
    public int Seed { get; init; }

    /// <summary>Each task's comparison.</summary>
    public IReadOnlyList<TaskEntry> Tasks { get; init; } = [];

    /// <summary>
    /// Tasks the last run, asked for every task, left out because the data could not support them, with the reason;
    /// absent when it left none out. An entry of such a task in <see cref="Tasks"/> is from an earlier run.
    /// </summary>
    public IReadOnlyList<SkippedTask>? Skipped { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static Leaderboard FromJson(string json) => JsonSerializer.Deserialize<Leaderboard>(json, JsonOptions) ?? throw new JsonException("Empty leaderboard.");

    public TaskEntry? Task(string task) => Tasks.FirstOrDefault(t => t.Task == task);

    /// <summary>
    /// Why the last run left <paramref name="task"/> without a champion: it skipped the task, which the data could not
    /// support, or no candidate beat chance; null when it records no reason.
    /// </summary>
    public string? NoChampionReason(string task) =>
        Skipped?.FirstOrDefault(s => s.Task == task) is { } skipped ? $"The last training skipped it: {skipped.Reason}"
        : Task(task)?.NoChampion is { } why ? $"The last training promoted none: {why}"
        : null;
}

/// <summary>A feature the audit flags, with the evidence.</summary>
/// <param name="Feature">Feature name.</param>
/// <param name="SingleFeatureAuc">Out-of-fold AUC of a model on this feature alone (training part).</param>
/// <param name="Reason">Why it is flagged: the AUC alone, or the structural tell it shows.</param>
public sealed record FlaggedFeature(string Feature, double SingleFeatureAuc, string Reason);

/// <summary>Single-feature evidence for every feature the audit looked at.</summary>
/// <param name="Feature">Feature name.</param>
/// <param name="Availability">What the catalogue says (Known, EarlySignal, PostOutcome); the audit does not use it.</param>
/// <param name="SingleFeatureAuc">Out-of-fold AUC of a model on this feature alone (training part).</param>
/// <param name="Flagged">Whether the audit flags it as a leak.</param>
/// <param name="Note">"no values in this data" for a column the data leaves empty (its AUC is chance by definition, not measured); absent otherwise.</param>
public sealed record AuditedFeature(string Feature, string Availability, double SingleFeatureAuc, bool Flagged, string? Note = null);

/// <summary>Test figures of the same trainer with and without the leaking features.</summary>
/// <param name="FeatureSet">The feature set trained on.</param>
/// <param name="Auc">Test AUC.</param>
/// <param name="Accuracy">Test accuracy at probability 0.5.</param>
public sealed record AuditComparison(string FeatureSet, double Auc, double Accuracy);

/// <summary>One binary task's leakage audit.</summary>
public sealed record LeakageTask
{
    /// <summary>top10 or churn.</summary>
    public required string Task { get; init; }

    /// <summary>The trainer of the honest-versus-leaky comparison.</summary>
    public string Trainer { get; init; } = string.Empty;

    /// <summary>The features flagged as leaks, with the evidence.</summary>
    public IReadOnlyList<FlaggedFeature> Flagged { get; init; } = [];

    /// <summary>The trainer on the champion's feature set, on the test set.</summary>
    public required AuditComparison Honest { get; init; }

    /// <summary>The same trainer on the feature set with the leaks: what they would have faked.</summary>
    public required AuditComparison WithLeaks { get; init; }

    /// <summary>Every feature screened, with its single-feature AUC.</summary>
    public IReadOnlyList<AuditedFeature> Features { get; init; } = [];
}

/// <summary>models/leakage-report.json.</summary>
public sealed record LeakageReport
{
    public const string FileName = "leakage-report.json";

    /// <summary>When the audit wrote it.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Each binary task's audit.</summary>
    public IReadOnlyList<LeakageTask> Tasks { get; init; } = [];

    /// <summary>
    /// Tasks the last audit, asked for every task, left out because the data could not support them, with the reason;
    /// absent when it left none out. An entry of such a task in <see cref="Tasks"/> is from an earlier audit.
    /// </summary>
    public IReadOnlyList<SkippedTask>? Skipped { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Leaderboard.JsonOptions);

    public static LeakageReport FromJson(string json) => JsonSerializer.Deserialize<LeakageReport>(json, Leaderboard.JsonOptions) ?? throw new JsonException("Empty leakage report.");
}
