namespace NetflixML.Learning.Recommendation;

/// <summary>
/// A recommender whose scores are given rather than learned: a planted truth's, to measure the best ranking there is
/// with the same evaluator, exclusions and metrics as every model. Every user in <paramref name="users"/> is known to
/// it, whether or not <paramref name="history"/> holds anything of theirs; what the history holds is what it
/// excludes as seen. It cannot be saved: it is a reference, not a model.
/// </summary>
/// <param name="catalog">The titles.</param>
/// <param name="history">What each user has already seen.</param>
/// <param name="users">Users to answer for beyond those in the history.</param>
/// <param name="score">Writes a score for every catalogue item (by index) for a user id.</param>
public sealed class GivenScoreRecommender(ItemCatalog catalog, InteractionMatrix history, IEnumerable<string> users, Action<string, Span<float>> score)
    : Recommender(catalog, WithUsers(history, users))
{
    public override string Name => "given-scores";

    public override string Kind => "given-scores";

    protected override RecommendationSource ScoreKnownUser(int user, Span<float> scores)
    {
        score(History.Users[user], scores);
        return RecommendationSource.FactorModel;
    }

    internal override void WriteParameters(BinaryWriter writer) =>
        throw new NotSupportedException("Given scores are a reference for evaluation, not a model to save.");

    /// <summary>The same interactions, over a user map that also holds <paramref name="users"/> (appended, so every index is kept).</summary>
    private static InteractionMatrix WithUsers(InteractionMatrix history, IEnumerable<string> users)
    {
        var map = new IdMap(history.Users.Ids);
        foreach (var user in users)
        {
            map.Add(user);
        }

        return InteractionMatrix.FromIndices(map, history.ItemCount, history.UserIndex, history.ItemIndex, history.Values);
    }
}
