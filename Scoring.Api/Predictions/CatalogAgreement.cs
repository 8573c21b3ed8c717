using System.Runtime.CompilerServices;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Errors;
using NetflixML.Scoring.Api.Models;

namespace NetflixML.Scoring.Api.Predictions;

/// <summary>
/// Whether the recommendation model and the database describe the same titles. A model's factors belong to the
/// subscribers and titles of the data it was trained on. Served beside a database of other data whose ids happen to
/// coincide (the real Netflix 2025 files and ours both have user_00001 and movie_0467), it answered "matches your
/// viewing (factor model)" for subscribers who had watched nothing there, and named its titles with the database's
/// unrelated names and genres. Titles are what both sides describe, so they are compared: most of the titles both
/// hold having other genres in the database, or none of the model's titles being there, means other data.
/// </summary>
public static class CatalogAgreement
{
    // Worked out once per pair of model and database version (both are replaced, not changed, when they change).
    private static readonly ConditionalWeakTable<GoldData, ConditionalWeakTable<ServedRecommender, Verdict>> Verdicts = new();

    /// <summary>Why the model was trained on other data than <paramref name="database"/> holds, or null when they agree.</summary>
    public static string? Problem(ServedRecommender served, GoldData database) =>
        Verdicts.GetOrCreateValue(database).GetValue(served, s => new Verdict(Compare(s, database))).Problem;

    /// <summary>The same for the database as it is now; null when there is none or it cannot be read (the by-id endpoints' own 503s).</summary>
    public static string? Problem(ServedRecommender served, ScoringDatabase database)
    {
        try
        {
            return database.TryCurrent() is { } gold ? Problem(served, gold) : null;
        }
        catch (ServiceUnavailableException)
        {
            return null;
        }
    }

    /// <summary>Throws the 503 for answers that read the model's subscribers and titles as the database's.</summary>
    public static void Require(ServedRecommender served, GoldData database)
    {
        if (Problem(served, database) is { } problem)
        {
            // Training on this database is the way out only when it has the watch history a recommender learns from.
            throw new ServiceUnavailableException(problem, database.HasWatchEvents ? $"dotnet run --project Training -- train --task recommend --db {database.Path}" : string.Empty);
        }
    }

    private static string? Compare(ServedRecommender served, GoldData database)
    {
        var path = database.Path;
        var catalog = served.Model.Catalog;
        if (database.Movies.Count == 0)
        {
            return null; // nothing to compare; every title is then named by its id
        }

        var shared = 0;
        var differ = 0;
        (string Id, IReadOnlyList<string> Model, IReadOnlyList<string> Database)? example = null;
        for (var i = 0; i < catalog.Count; i++)
        {
            var id = catalog.Items[i];
            if (!database.Movies.TryGetValue(id, out var title))
            {
                continue;
            }

            shared++;
            var genres = catalog.Genres(i);
            if (!genres.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(title.Genres))
            {
                differ++;
                example ??= (id, genres, title.Genres);
            }
        }

        const string Consequence = "Its subscribers and titles are not the database's, so it does not answer for them: train the recommender on this database, or serve the database it was trained on.";
        if (shared == 0)
        {
            return $"The recommendation model was trained on other data than {path} holds: none of its {catalog.Count} titles is in the database. {Consequence}";
        }

        if (differ * 2 <= shared || example is not { } e)
        {
            return null;
        }

        static string Words(IReadOnlyList<string> genres) => genres.Count == 0 ? "no genre" : string.Join(", ", genres);
        return $"The recommendation model was trained on other data than {path} holds: of the {shared} titles both have, {differ} have other genres in the database " +
            $"({e.Id} is {Words(e.Model)} in the model and {Words(e.Database)} in the database). {Consequence}";
    }

    private sealed record Verdict(string? Problem);
}
