using NetflixML.Learning.Data;
using NetflixML.Learning.Models;
using NetflixML.Scoring.Api.Contracts;

namespace NetflixML.Scoring.Api.Predictions;

/// <summary>
/// Matches a request's category values (plan, device, country, certificate, genres) to the categories a served
/// classifier was trained on. The engine matches exactly, so "basic" or " Basic" would be scored as a category it
/// never saw, quietly changing the answer; here either is the model's "Basic". A value the model never saw in any
/// spelling is still scored (as unseen, the engine's rule) and reported back with the values the model knows.
/// Built once per loaded model.
/// </summary>
public sealed class CategoryMatcher
{
    private readonly Dictionary<string, Column> _columns = new(StringComparer.Ordinal);

    public CategoryMatcher(BinaryClassifier model)
    {
        foreach (var info in model.Schema.Columns.Where(c => c.Kind != ColumnKind.Numeric))
        {
            var known = model.Encoder.KnownCategories(info.Name).Order(StringComparer.Ordinal).ToArray();
            var folded = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var ambiguous = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var category in known)
            {
                if (!folded.TryAdd(category.Trim(), category))
                {
                    ambiguous.Add(category.Trim());
                }
            }

            // Two categories that differ only in case or spaces: only an exact spelling picks one.
            foreach (var key in ambiguous)
            {
                folded.Remove(key);
            }

            _columns[info.Name] = new Column([.. known], folded, known);
        }
    }

    /// <summary>
    /// The model's spelling of <paramref name="value"/> for <paramref name="feature"/>; a value it never saw is
    /// returned as given and added to <paramref name="unrecognised"/> under the request's <paramref name="field"/>.
    /// </summary>
    public string? Match(string feature, string field, string? value, ref List<UnrecognisedInput>? unrecognised)
    {
        if (value is null || !_columns.TryGetValue(feature, out var column) || column.Exact.Contains(value))
        {
            return value;
        }

        if (column.Folded.TryGetValue(value.Trim(), out var spelling))
        {
            return spelling;
        }

        (unrecognised ??= []).Add(new UnrecognisedInput(field, value, column.Known));
        return value;
    }

    /// <summary>Each value of a set-valued feature matched as <see cref="Match(string, string, string?, ref List{UnrecognisedInput}?)"/>, named <c>field[i]</c>.</summary>
    public string[]? Match(string feature, string field, string[]? values, ref List<UnrecognisedInput>? unrecognised)
    {
        if (values is null)
        {
            return null;
        }

        var matched = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            matched[i] = Match(feature, $"{field}[{i}]", values[i], ref unrecognised)!;
        }

        return matched;
    }

    private sealed record Column(HashSet<string> Exact, Dictionary<string, string> Folded, string[] Known);
}
