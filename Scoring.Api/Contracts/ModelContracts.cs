namespace NetflixML.Scoring.Api.Contracts;

/// <summary>Which model answered.</summary>
/// <param name="Name">The champion's name: task-trainer-featureset.</param>
/// <param name="Version">First 12 hex digits of the model file's SHA-256; changes when the file does.</param>
/// <param name="FeatureSet">The feature set the model was trained on.</param>
/// <param name="Trainer">LogisticRegression, FastForest, FastTree, or a recommender.</param>
public sealed record ModelReference(string Name, string Version, string FeatureSet, string Trainer);

/// <summary>One input's share of a prediction, in log-odds (positive pushes toward "yes").</summary>
/// <param name="Feature">The model feature.</param>
/// <param name="Contribution">Its contribution to the score, in log-odds.</param>
public sealed record FactorContribution(string Feature, double Contribution);

/// <summary>
/// A request value the model was never trained on. It was scored as an unseen category (it sets no indicator, as if
/// missing); matching ignores case and surrounding spaces, so "tv-ma" is "TV-MA" and is not listed here.
/// </summary>
/// <param name="Field">The request field, with its index in a list: <c>genres[1]</c>.</param>
/// <param name="Value">The value as given.</param>
/// <param name="Known">The values the model knows for that field.</param>
public sealed record UnrecognisedInput(string Field, string Value, IReadOnlyList<string> Known);

/// <summary>
/// A numeric feature whose value lies outside the range of the rows the model was fitted on. The model extrapolates
/// there: a linear model's log-odds keep growing with the value (50 searches in 30 days, where training saw at most a
/// few, scores a churn probability of 0), and trees treat it as the largest value they saw. Check the input; if it is
/// right, read the probability with care.
/// </summary>
/// <param name="Feature">The model feature, as in the explanation (<c>searches_30d</c>).</param>
/// <param name="Value">The value the model was given.</param>
/// <param name="TrainingMin">The smallest value in the training rows.</param>
/// <param name="TrainingMax">The largest value in the training rows.</param>
public sealed record OutOfRangeInput(string Feature, double Value, double TrainingMin, double TrainingMax);

/// <summary>A feature a model uses and when it becomes known.</summary>
/// <param name="Name">Feature name.</param>
/// <param name="Type">numeric, categorical or categorical-set.</param>
/// <param name="Availability">Known, EarlySignal or PostOutcome.</param>
public sealed record ModelFeatureInfo(string Name, string Type, string Availability);

/// <summary>A loaded champion: what it is, how good it is, what it needs.</summary>
public sealed record LoadedModel
{
    /// <summary>top10, churn or recommend.</summary>
    /// <example>top10</example>
    public required string Task { get; init; }

    /// <summary>Champion name (task-trainer-featureset).</summary>
    /// <example>top10-fastforest-early-signal</example>
    public required string Name { get; init; }

    /// <summary>Trainer.</summary>
    /// <example>FastForest</example>
    public required string Trainer { get; init; }

    /// <summary>Feature set.</summary>
    /// <example>early-signal</example>
    public string? FeatureSet { get; init; }

    /// <summary>When a model on this feature set may be served.</summary>
    public string? Contract { get; init; }

    /// <summary>Probability at or above which the answer is "yes" (binary tasks).</summary>
    /// <example>0.28</example>
    public double? Threshold { get; init; }

    /// <summary>Figures on the test set (AUC, accuracy, F1 ... or precision@10, NDCG@10 ...).</summary>
    public IReadOnlyDictionary<string, double> Test { get; init; } = new Dictionary<string, double>();

    /// <summary>Cross-validated means on the training part (binary tasks).</summary>
    public IReadOnlyDictionary<string, double>? Cv { get; init; }

    /// <summary>What the majority class or popularity reaches on the same test set.</summary>
    public IReadOnlyDictionary<string, double> Baseline { get; init; } = new Dictionary<string, double>();

    /// <summary>First 12 hex digits of the file's SHA-256.</summary>
    /// <example>3fa9c01b77e2</example>
    public required string Version { get; init; }

    /// <summary>SHA-256 of the model file.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The file it was loaded from.</summary>
    /// <example>/srv/netflixml/models/top10.zip</example>
    public required string File { get; init; }

    /// <summary>When the model was trained.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When this process loaded it.</summary>
    public DateTimeOffset LoadedAt { get; init; }

    /// <summary>The model's input features.</summary>
    public IReadOnlyList<ModelFeatureInfo> Features { get; init; } = [];

    /// <summary>
    /// Why some of this model's answers are refused while it serves: for the recommender, that it was trained on
    /// other data than the database holds (its by-id recommendations and similar titles are then 503). Null when none.
    /// </summary>
    public string? Warning { get; init; }
}

/// <summary>A model file that failed to load (the previous model, if any, keeps serving).</summary>
/// <param name="Task">Task or report.</param>
/// <param name="File">The file.</param>
/// <param name="Reason">Why it failed.</param>
/// <param name="At">When.</param>
public sealed record ModelLoadError(string Task, string File, string Reason, DateTimeOffset At);

/// <summary>Every loaded champion, and any files that failed to load.</summary>
/// <param name="Models">Loaded champions.</param>
/// <param name="Errors">Load failures of the last reload.</param>
/// <param name="LoadedAt">When the current set was loaded.</param>
/// <param name="Generation">Counts reloads since the process started.</param>
public sealed record ModelsResponse(IReadOnlyList<LoadedModel> Models, IReadOnlyList<ModelLoadError> Errors, DateTimeOffset LoadedAt, long Generation);

/// <summary>The operating point of a champion's threshold on its ROC curve.</summary>
/// <param name="Threshold">The decision threshold.</param>
/// <param name="FalsePositiveRate">Share of negatives called positive at it.</param>
/// <param name="TruePositiveRate">Share of positives found at it (the recall).</param>
public sealed record OperatingPoint(double Threshold, double FalsePositiveRate, double TruePositiveRate);

/// <summary>How much the test AUC drops when one feature's values are shuffled.</summary>
/// <param name="Feature">Feature name.</param>
/// <param name="AucDrop">Mean drop over 5 shuffles.</param>
/// <param name="StandardError">Its standard error.</param>
public sealed record FeatureImportanceEntry(string Feature, double AucDrop, double StandardError);

/// <summary>A binary champion's evaluation on the test set: its ROC curve and what its features are worth.</summary>
public sealed record ModelEvaluation
{
    /// <summary>top10 or churn.</summary>
    public required string Task { get; init; }

    /// <summary>The champion.</summary>
    public required string Name { get; init; }

    /// <summary>Its trainer.</summary>
    public required string Trainer { get; init; }

    /// <summary>Its feature set.</summary>
    public string? FeatureSet { get; init; }

    /// <summary>Test AUC.</summary>
    public double? Auc { get; init; }

    /// <summary>ROC curve points as [false-positive rate, true-positive rate], from (0, 0) to (1, 1).</summary>
    public IReadOnlyList<IReadOnlyList<double>> RocPoints { get; init; } = [];

    /// <summary>Where the model's threshold sits on the curve.</summary>
    public OperatingPoint? OperatingPoint { get; init; }

    /// <summary>Permutation importance of every feature, largest first.</summary>
    public IReadOnlyList<FeatureImportanceEntry> Importance { get; init; } = [];
}
