namespace NetflixML.Scoring.Api.Predictions;

/// <summary>Collects field errors for a 400 validation problem: each names the field and the allowed range.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void Range(string field, double? value, double min, double max, string? unit = null)
    {
        if (value is { } v && (!double.IsFinite(v) || v < min || v > max))
        {
            var range = double.IsPositiveInfinity(max) ? $"{Format(min)} or more" : $"{Format(min)}-{Format(max)}";
            Add(field, $"must be {range}{(unit is null ? string.Empty : " " + unit)}; got {Format(v)}.");
        }
    }

    // Digits grouped, no exponent: "1,000,000,000", not "1E+09".
    private static string Format(double value) =>
        double.IsFinite(value) ? value.ToString("#,0.##########", System.Globalization.CultureInfo.InvariantCulture) : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void AtLeast(string field, double? value, double min) => Range(field, value, min, double.PositiveInfinity);

    /// <summary>A count: a finite value with a fraction is named (out-of-range and infinite values are Range's to report).</summary>
    public void WholeNumber(string field, double? value)
    {
        if (value is { } v && double.IsFinite(v) && v != Math.Floor(v))
        {
            Add(field, $"must be a whole number (a count); got {Format(v)}.");
        }
    }

    /// <summary>
    /// A batch: 1 to <paramref name="max"/> items, each validated with its index in the field names
    /// (titles[3].imdbRating); a null item (JSON null in the array) is named too.
    /// </summary>
    public static Validation ForBatch<T>(string field, IReadOnlyList<T?>? items, int max, Action<T, Validation, string> validate)
        where T : class
    {
        var validation = new Validation();
        if (items is null)
        {
            // `{}` or a misspelt key: "got 0" read as though an empty list had been sent.
            validation.Add(field, $"is required: a list of 1-{max} entries.");
            return validation;
        }

        validation.Count(field, items.Count, 1, max);
        for (var i = 0; i < items.Count && validation.IsValid; i++)
        {
            if (items[i] is { } item)
            {
                validate(item, validation, $"{field}[{i}].");
            }
            else
            {
                validation.Add($"{field}[{i}]", "must be an object; got null.");
            }
        }

        return validation;
    }

    /// <summary>Each entry of a list of names (genres, cast) must be a non-blank string: JSON null or "" is named by its index.</summary>
    public void Names(string field, IReadOnlyList<string?>? names)
    {
        for (var i = 0; names is not null && i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                Add($"{field}[{i}]", $"must be a non-blank name; got {(names[i] is null ? "null" : $"'{names[i]}'")}.");
            }
        }
    }

    public void Count(string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(field, $"must be {min}-{max}; got {value}.");
        }
    }
}
