using System.Text.Json;

namespace NetflixML.Training.Pipeline;

/// <summary>The planted probabilities the generator wrote (truth.json), when the data came from it.</summary>
public sealed class TruthFile
{
    private TruthFile(Dictionary<string, double> churn, Dictionary<string, double> top10, double? ratingFloor)
    {
        Churn = churn;
        Top10 = top10;
        RatingRmseFloor = ratingFloor;
    }

    public IReadOnlyDictionary<string, double> Churn { get; }

    public IReadOnlyDictionary<string, double> Top10 { get; }

    public double? RatingRmseFloor { get; }

    public static TruthFile? TryRead(string? rawFolder)
    {
        var path = rawFolder is null ? null : Path.Combine(rawFolder, Features.Synthetic.SyntheticGenerator.TruthFileName);
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        Dictionary<string, double> Rows(string task, string id) => doc.RootElement.GetProperty(task).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty(id).GetString()!, r => r.GetProperty("p").GetDouble(), StringComparer.Ordinal);
        return new TruthFile(Rows("churn", "user_id"), Rows("top10", "title_id"), doc.RootElement.GetProperty("ratings").GetProperty("rmseFloor").GetDouble());
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
