using System.Numerics.Tensors;
using System.Text.Json;
using NetflixML.Features.Recommend;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Training.Pipeline;

/// <summary>
/// The generator's watch-choice model (truth.json's watchChoice): every watch picks a title with probability
/// proportional to exp(user . title + bias). Ranking a subscriber's unwatched titles by that logit ranks them by their
/// true chance of being watched next, which no model can beat on average (exactly so for precision@k): the
/// recommendation task's counterpart of the Bayes-optimal AUC.
/// </summary>
public sealed class PlantedWatchChoice
{
    private readonly Dictionary<string, float[]> _users;
    private readonly Dictionary<string, (float[] Vector, float Bias)> _titles;

    private PlantedWatchChoice(Dictionary<string, float[]> users, Dictionary<string, (float[] Vector, float Bias)> titles)
    {
        _users = users;
        _titles = titles;
    }

    /// <summary>The section, or null when the truth file predates it.</summary>
    public static PlantedWatchChoice? Read(JsonElement root)
    {
        if (!root.TryGetProperty("watchChoice", out var section))
        {
            return null;
        }

        static float[] Vector(JsonElement row) => [.. row.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle())];
        var users = section.GetProperty("users").EnumerateArray().ToDictionary(r => r.GetProperty("user_id").GetString()!, Vector, StringComparer.Ordinal);
        var titles = section.GetProperty("titles").EnumerateArray()
            .ToDictionary(r => r.GetProperty("title_id").GetString()!, r => (Vector(r), r.GetProperty("bias").GetSingle()), StringComparer.Ordinal);
        var dimensions = titles.Values.Select(t => t.Item1.Length).Concat(users.Values.Select(u => u.Length)).Distinct().ToList();
        return dimensions.Count <= 1 ? new PlantedWatchChoice(users, titles) : throw new FormatException($"watchChoice vectors of {string.Join(" and ", dimensions)} numbers");
    }

    /// <summary>
    /// A recommender that ranks by the planted logit, seeing what the split's training watches hold, for every test
    /// subscriber; null unless the truth describes every one of them and every title in the catalogue (data from
    /// elsewhere, or edited, is not what the truth planted).
    /// </summary>
    public Recommender? Oracle(RecommendSplit split)
    {
        var catalog = split.Catalog;
        if (!split.Test.All(h => _users.ContainsKey(h.User)) || !catalog.Items.Ids.All(_titles.ContainsKey))
        {
            return null;
        }

        var titles = catalog.Items.Ids.Select(id => _titles[id]).ToArray();
        return new GivenScoreRecommender(catalog, split.TrainWatches, split.Test.Select(h => h.User), (user, scores) =>
        {
            // A subscriber the truth does not hold (one in the training watches only, never asked about) scores nothing.
            if (!_users.TryGetValue(user, out var taste))
            {
                scores.Clear();
                return;
            }

            for (var i = 0; i < titles.Length; i++)
            {
                scores[i] = TensorPrimitives.Dot<float>(taste, titles[i].Vector) + titles[i].Bias;
            }
        });
    }
}
