using System.Collections.Concurrent;
using NetflixML.Features.Catalog;
using NetflixML.Learning.Data;

namespace NetflixML.Scoring.Api.Predictions;

/// <summary>
/// A feature set's column names by kind, in the order a <see cref="FeatureRow"/> takes them: worked out once per
/// set, not on every request.
/// </summary>
public sealed class FeatureLayout
{
    private static readonly ConcurrentDictionary<(string Task, string Set), FeatureLayout> Layouts = new();

    private FeatureLayout(FeatureSet set)
    {
        Set = set;
        Numeric = [.. set.Features.Where(f => f.Kind == ColumnKind.Numeric).Select(f => f.Name)];
        Categorical = [.. set.Features.Where(f => f.Kind == ColumnKind.Categorical).Select(f => f.Name)];
        Sets = [.. set.Features.Where(f => f.Kind is not ColumnKind.Numeric and not ColumnKind.Categorical).Select(f => f.Name)];
    }

    public FeatureSet Set { get; }

    public string[] Numeric { get; }

    public string[] Categorical { get; }

    public string[] Sets { get; }

    public static FeatureLayout Of(string task, string featureSet) =>
        Layouts.GetOrAdd((task, featureSet), key => new FeatureLayout(FeatureCatalog.Set(key.Task, key.Set)));
}
