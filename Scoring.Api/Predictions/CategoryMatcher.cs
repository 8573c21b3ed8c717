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
    private readonly Dictionary<string, KnownValues> _columns = new(StringComparer.Ordinal);

    public CategoryMatcher(BinaryClassifier model)
    {
        foreach (var info in model.Schema.Columns.Where(c => c.Kind != ColumnKind.Numeric))
        {
            _columns[info.Name] = new KnownValues(model.Encoder.KnownCategories(info.Name));
        }
    }

    /// <summary>
    /// The model's spelling of <paramref name="value"/> for <paramref name="feature"/>; a value it never saw is
    /// returned as given and added to <paramref name="unrecognised"/> under the request's <paramref name="field"/>.
    /// </summary>
    public string? Match(string feature, string field, string? value, ref List<UnrecognisedInput>? unrecognised)
    {
        if (value is null || !_columns.TryGetValue(feature, out var known))
        {
            return value;
        }

        if (known.Match(value) is { } spelling)
        {
            return spelling;
        }

        (unrecognised ??= []).Add(new UnrecognisedInput(field, value, known.All));
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
}
