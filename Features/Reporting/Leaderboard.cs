using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetflixML.Features.Reporting;

/// <summary>A metric's mean and standard deviation over cross-validation folds.</summary>
public sealed record MetricStat(double Mean, double Std);

/// <summary>One trainer on one feature set, with its cross-validated and temporal-test figures.</summary>
public sealed record CandidateEntry
{
    /// <summary>task-trainer-featureset, lower case (the candidate's file name in models/candidates/).</summary>
    public required string Name { get; init; }

    public required string Trainer { get; init; }

    public required string FeatureSet { get; init; }

    /// <summary>False when the feature set holds a post-outcome feature: such a candidate is never a champion.</summary>
    public bool Deployable { get; init; }

    /// <summary>When a model on this feature set may be served.</summary>
    public string Contract { get; init; } = string.Empty;

    /// <summary>Cross-validated figures on the training part (mean and SD over folds); null for recommenders.</summary>
    public IReadOnlyDictionary<string, MetricStat>? Cv { get; init; }

    /// <summary>Figures on the temporal (or held-out) test set.</summary>
    public IReadOnlyDictionary<string, double> Test { get; init; } = new Dictionary<string, double>();

    /// <summary>What a trivial model reaches on the same test set (majority class, or popularity).</summary>
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
    public required string Task { get; init; }

    /// <summary>The metric the champion is chosen by (auc: cross-validated mean; ndcgAtK: on the temporal test).</summary>
    public required string Metric { get; init; }

    /// <summary>The candidate written to models/&lt;task&gt;.zip; null when none was promoted (see <see cref="NoChampion"/>).</summary>
    public string? Champion { get; init; }

    /// <summary>Why no candidate was promoted and what happened to the champion file; null when one was.</summary>
    public string? NoChampion { get; init; }

    public string Split { get; init; } = string.Empty;

    public int TrainRows { get; init; }

    public int TestRows { get; init; }

    /// <summary>AUC of the planted true probabilities on the test rows, when the data came with truth.json.</summary>
    public double? BayesAuc { get; init; }

    public IReadOnlyList<CandidateEntry> Candidates { get; init; } = [];
}

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

    public DateTimeOffset CreatedAt { get; init; }

    public int Seed { get; init; }

    public IReadOnlyList<TaskEntry> Tasks { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static Leaderboard FromJson(string json) => JsonSerializer.Deserialize<Leaderboard>(json, JsonOptions) ?? throw new JsonException("Empty leaderboard.");

    public TaskEntry? Task(string task) => Tasks.FirstOrDefault(t => t.Task == task);
}

/// <summary>A feature the audit flags, with the evidence.</summary>
public sealed record FlaggedFeature(string Feature, double SingleFeatureAuc, string Reason);

/// <summary>Single-feature evidence for every feature the audit looked at.</summary>
public sealed record AuditedFeature(string Feature, string Availability, double SingleFeatureAuc, bool Flagged);

/// <summary>Test figures of the same trainer with and without the leaking features.</summary>
public sealed record AuditComparison(string FeatureSet, double Auc, double Accuracy);

public sealed record LeakageTask
{
    public required string Task { get; init; }

    public string Trainer { get; init; } = string.Empty;

    public IReadOnlyList<FlaggedFeature> Flagged { get; init; } = [];

    public required AuditComparison Honest { get; init; }

    public required AuditComparison WithLeaks { get; init; }

    public IReadOnlyList<AuditedFeature> Features { get; init; } = [];
}

/// <summary>models/leakage-report.json.</summary>
public sealed record LeakageReport
{
    public const string FileName = "leakage-report.json";

    public DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<LeakageTask> Tasks { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, Leaderboard.JsonOptions);

    public static LeakageReport FromJson(string json) => JsonSerializer.Deserialize<LeakageReport>(json, Leaderboard.JsonOptions) ?? throw new JsonException("Empty leakage report.");
}
