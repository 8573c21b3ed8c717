using NetflixML.Learning.Recommendation;

namespace NetflixML.Learning.Tests.Support;

/// <summary>Two recommendation lists are equal when they have the same source and the same items and scores in order.</summary>
internal sealed class RecommendationListComparer : IEqualityComparer<RecommendationList>
{
    public static readonly RecommendationListComparer Instance = new();

    public bool Equals(RecommendationList? x, RecommendationList? y) => x!.Source == y!.Source && x.Items.SequenceEqual(y.Items);

    public int GetHashCode(RecommendationList obj) => obj.Items.Count;
}
