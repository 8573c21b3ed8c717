using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetflixML.Features.Ingestion;

/// <summary>Missing values in one column, before and after imputation, and the strategy used.</summary>
public sealed record MissingCount(long Before, long After, string Strategy);

/// <summary>What ingestion did with one table.</summary>
public sealed record TableQuality
{
    public required string Name { get; init; }

    /// <summary>The file read, or null when the folder has no file for this table.</summary>
    public string? Source { get; init; }

    /// <summary>Data rows read (header excluded).</summary>
    public long Read { get; init; }

    /// <summary>Rows in silver: read minus duplicates minus quarantined.</summary>
    public long Loaded { get; init; }

    /// <summary>Exact repeats of a row already loaded (same key, same values).</summary>
    public long Duplicates { get; init; }

    public long Quarantined { get; init; }

    public IReadOnlyDictionary<string, MissingCount> Missing { get; init; } = new Dictionary<string, MissingCount>();

    public IReadOnlyDictionary<string, long> Anomalies { get; init; } = new Dictionary<string, long>();

    /// <summary>Header columns the schema does not know; they are not loaded.</summary>
    public IReadOnlyList<string> IgnoredColumns { get; init; } = [];
}

/// <summary>A CSV file in the raw folder that is not one of the schema's tables, and so was not read.</summary>
public sealed record IgnoredFile(string File, string Reason);

/// <summary>The data-quality report of one ingestion: per table counts, and the total quarantined.</summary>
public sealed record QualityReport(IReadOnlyList<TableQuality> Tables, long Quarantined, double Seconds)
{
    /// <summary>CSV files in the folder that no table reads (a misspelt name leaves its table out).</summary>
    public IReadOnlyList<IgnoredFile> IgnoredFiles { get; init; } = [];

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static QualityReport FromJson(string json) =>
        JsonSerializer.Deserialize<QualityReport>(json, JsonOptions) ?? throw new InvalidDataException("Empty quality report.");

    public TableQuality Table(string name) => Tables.First(t => t.Name == name);
}
