using System.Text.Json;
using NetflixML.Features.Recommend;

namespace NetflixML.Training.Pipeline;

/// <summary>The planted probabilities the generator wrote (truth.json), when the data came from it.</summary>
public sealed class TruthFile
{
    /// <summary>The generator's rating RMSE floor, over its own ratings (hence only through <see cref="RatingRmseFloorFor"/>).</summary>
    private readonly double? _ratingRmseFloor;

    private TruthFile(Dictionary<string, double> churn, Dictionary<string, double> top10, double? ratingFloor, PlantedWatchChoice? watchChoice)
    {
        Churn = churn;
        Top10 = top10;
        _ratingRmseFloor = ratingFloor;
        WatchChoice = watchChoice;
    }

    public IReadOnlyDictionary<string, double> Churn { get; }

    public IReadOnlyDictionary<string, double> Top10 { get; }

    /// <summary>The planted watch-choice model; null in a truth file written before the generator recorded it.</summary>
    public PlantedWatchChoice? WatchChoice { get; }

    /// <summary>
    /// The planted data's rating RMSE floor, beside <paramref name="split"/>'s ratings after the cut-off, when there are
    /// some and every rater is a subscriber the truth describes (as <see cref="For"/> asks of the binary tasks' ids),
    /// else null: the floor is of the generator's ratings only.
    /// </summary>
    public double? RatingRmseFloorFor(RecommendSplit split) =>
        split.TestRatings.Count > 0 && split.TestRatings.All(r => Churn.ContainsKey(r.User)) ? _ratingRmseFloor : null;

    /// <summary>
    /// The truth beside the raw CSVs, or null when there is none. A truth.json that is not the generator's (another
    /// tool's file of that name, or a damaged one) is said on <paramref name="progress"/> and left out, as the
    /// references it gives are; it used to stop the run with a KeyNotFoundException and a stack trace.
    /// </summary>
    public static TruthFile? TryRead(string? rawFolder, IProgress<string>? progress = null)
    {
        var path = rawFolder is null ? null : Path.Combine(rawFolder, Features.Synthetic.SyntheticGenerator.TruthFileName);
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            Dictionary<string, double> Rows(string task, string id) => doc.RootElement.GetProperty(task).GetProperty("rows").EnumerateArray()
                .ToDictionary(r => r.GetProperty(id).GetString()!, r => r.GetProperty("p").GetDouble(), StringComparer.Ordinal);
            return new TruthFile(Rows("churn", "user_id"), Rows("top10", "title_id"), doc.RootElement.GetProperty("ratings").GetProperty("rmseFloor").GetDouble(), PlantedWatchChoice.Read(doc.RootElement));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            progress?.Report($"{path} is not the truth file the generator writes ({ex.Message}); the Bayes-optimal references are left out");
            return null;
        }
    }

    /// <summary>The true probabilities for <paramref name="ids"/>, or null unless every id has one.</summary>
    public static double[]? For(IReadOnlyDictionary<string, double>? truth, IEnumerable<string> ids)
    {
        if (truth is null)
        {
            return null;
        }

        var result = new List<double>();
        foreach (var id in ids)
        {
            if (!truth.TryGetValue(id, out var p))
            {
                return null;
            }

            result.Add(p);
        }

        return [.. result];
    }
}
