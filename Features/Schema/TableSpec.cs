namespace NetflixML.Features.Schema;

/// <summary>How a raw CSV value is parsed and stored.</summary>
public enum ColumnType
{
    Text,
    Integer,
    Real,
    Boolean,
    Date,
    DateTime,
}

/// <summary>
/// One column of a raw table. <see cref="ValidMin"/>/<see cref="ValidMax"/> bound plausible values: a value outside
/// is an anomaly, nulled in silver and imputed. <see cref="OutlierAbove"/> marks values that are plausible but
/// extreme: kept, and counted as an anomaly.
/// </summary>
public sealed record ColumnSpec(string Name, ColumnType Type)
{
    /// <summary>A row without a value here cannot be used and goes to quarantine.</summary>
    public bool Required { get; init; }

    /// <summary>Personal data: hashed (<see cref="Hash"/>) or dropped at ingestion; never reaches silver or gold otherwise.</summary>
    public bool Personal { get; init; }

    /// <summary>For personal columns: keep a salted hash instead of dropping the value.</summary>
    public bool Hash { get; init; }

    /// <summary>The header may lack this column (personal columns a privacy-minded export leaves out).</summary>
    public bool OptionalInHeader { get; init; }

    public double? ValidMin { get; init; }

    public double? ValidMax { get; init; }

    public double? OutlierAbove { get; init; }

    /// <summary>
    /// When an event happened: it cannot lie after the ingest that reads it (by more than a day, allowing for time
    /// zones). A required one then sends its row to quarantine; an optional one is nulled and counted as an anomaly.
    /// One mistyped year (2052 for 2025) would otherwise move the data's end, and the churn snapshot with it.
    /// </summary>
    public bool NotAfterIngest { get; init; }

    /// <summary>The table this column references by key (foreign key), if any.</summary>
    public string? References { get; init; }
}

/// <summary>A raw table: its file, columns and primary key.</summary>
public sealed record TableSpec(string Name, string FileName, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<string> Key)
{
    public ColumnSpec Column(string name) =>
        Columns.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"Table '{Name}' has no column '{name}'.", nameof(name));

    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Tables this one references; they must be loaded first.</summary>
    public IEnumerable<string> Dependencies =>
        Columns.Where(c => c.References is not null).Select(c => c.References!).Distinct();

    public IEnumerable<string> Header => Columns.Select(c => c.Name);
}
