using NetflixML.Learning.Data;

namespace NetflixML.Features.Catalog;

/// <summary>When a feature's value becomes known, relative to the moment a prediction is made.</summary>
public enum Availability
{
    /// <summary>Known when the prediction is made (pre-release facts; behaviour before the snapshot).</summary>
    Known,

    /// <summary>Known only after a short observation window after release (first-week hours viewed).</summary>
    EarlySignal,

    /// <summary>Known only once the outcome is known (weeks in the Top 10, activity after the snapshot): audit only.</summary>
    PostOutcome,
}

/// <summary>One feature of the catalogue: what it is, where it comes from, and when it is known.</summary>
public sealed record FeatureDefinition(string Name, ColumnKind Kind, Availability Availability, string Source, string Description)
{
    public string TypeName => Kind switch
    {
        ColumnKind.Numeric => "numeric",
        ColumnKind.Categorical => "categorical",
        _ => "categorical-set",
    };
}

/// <summary>
/// A named feature set of a task. It is deployable when none of its features is <see cref="Availability.PostOutcome"/>;
/// the contract says when a model trained on it may be served.
/// </summary>
public sealed record FeatureSet(string Task, string Name, IReadOnlyList<FeatureDefinition> Features, string Contract)
{
    public bool Deployable => Features.All(f => f.Availability != Availability.PostOutcome);

    public bool Contains(string feature) => Features.Any(f => f.Name == feature);
}
