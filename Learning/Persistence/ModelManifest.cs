using System.Text.Json.Nodes;

namespace NetflixML.Learning.Persistence;

/// <summary>
/// One input feature as the model's contract states it: its type, when it becomes known, and for a numeric feature the
/// smallest and largest value in the rows the model was fitted on (absent when every value was missing, and in files
/// written before they were recorded): outside that range the model extrapolates.
/// </summary>
public sealed record ModelFeature(
    string Name,
    string Type,
    string Availability,
    string? Description = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? Min = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? Max = null);

/// <summary>One binary entry of the archive, with its size and SHA-256 (lower-case hex).</summary>
public sealed record ModelEntry(string Name, long Bytes, string Sha256);

/// <summary>
/// manifest.json: what the model is (task, trainer and options, feature set and features with availability),
/// how it was made (preprocessing, training-data fingerprint, creation time), how good it is (metrics), and the
/// hash of every binary entry.
/// </summary>
public sealed record ModelManifest
{
    public int FormatVersion { get; init; } = ModelFile.FormatVersion;

    /// <summary>binary-classifier or recommender.</summary>
    public required string Kind { get; init; }

    public required string Task { get; init; }

    public required string Trainer { get; init; }

    public JsonNode? TrainerOptions { get; init; }

    public string? FeatureSet { get; init; }

    public IReadOnlyList<ModelFeature> Features { get; init; } = [];

    public JsonObject? Preprocessing { get; init; }

    public JsonObject? Metrics { get; init; }

    public string? TrainingDataFingerprint { get; init; }

    public long TrainingRows { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Anything else the caller wants recorded (name, seed, threshold rule ...).</summary>
    public JsonObject? Properties { get; init; }

    public IReadOnlyList<ModelEntry> Entries { get; init; } = [];
}

/// <summary>What the caller knows about a model that the trainer does not: its task, features, metrics.</summary>
public sealed record ModelMetadata
{
    public required string Task { get; init; }

    public string? FeatureSet { get; init; }

    public IReadOnlyList<ModelFeature> Features { get; init; } = [];

    public JsonObject? Metrics { get; init; }

    public string? TrainingDataFingerprint { get; init; }

    public long TrainingRows { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public JsonObject? Properties { get; init; }

    /// <summary>
    /// Data the caller needs beside the model when it serves it (what a feature is computed from, say), saved as
    /// entries under these names, listed and hashed in the manifest like the model's own.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]>? Attachments { get; init; }
}
