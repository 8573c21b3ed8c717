namespace NetflixML.Scoring.Api.Predictions;

/// <summary>
/// A set of known category values (a model's plans, the catalogue's genres, the data's countries) and the rule for
/// matching a request's value to one: the exact spelling, else the one value equal to it ignoring case and
/// surrounding spaces ("basic" is "Basic"). Two known values that differ only so are reached by exact spelling only.
/// </summary>
public sealed class KnownValues
{
    private readonly HashSet<string> _exact;
    private readonly Dictionary<string, string> _folded = new(StringComparer.OrdinalIgnoreCase);

    public KnownValues(IEnumerable<string> values)
    {
        All = [.. values.Order(StringComparer.Ordinal)];
        _exact = [.. All];
        var ambiguous = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in All)
        {
            if (!_folded.TryAdd(value.Trim(), value))
            {
                ambiguous.Add(value.Trim());
            }
        }

        foreach (var key in ambiguous)
        {
            _folded.Remove(key);
        }
    }

    /// <summary>Every known value, in ordinal order.</summary>
    public string[] All { get; }

    /// <summary>The known spelling of <paramref name="value"/>, or null when it matches none.</summary>
    public string? Match(string value) =>
        _exact.Contains(value) ? value : _folded.GetValueOrDefault(value.Trim());
}
