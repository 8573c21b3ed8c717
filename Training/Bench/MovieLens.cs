using System.Globalization;
using System.Text;
using NetflixML.Learning.Evaluation;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Training.Bench;

/// <summary>One MovieLens rating.</summary>
public readonly record struct MovieLensRating(string User, string Item, float Rating, long Timestamp)
{
    public Interaction AsInteraction() => new(User, Item, Rating);
}

/// <summary>
/// Reads MovieLens-100K (../shared/data/movielens-100k, read in place, never copied): u.item gives the catalogue
/// (19 genre flags, release year; the file is Latin-1), u.data and the u1..u5 / ua / ub splits give ratings.
/// </summary>
public sealed class MovieLens
{
    private MovieLens(string folder, ItemCatalog catalog)
    {
        Folder = folder;
        Catalog = catalog;
    }

    public string Folder { get; }

    public ItemCatalog Catalog { get; }

    public static MovieLens Open(string folder)
    {
        var items = Path.Combine(folder, "u.item");
        var genresFile = Path.Combine(folder, "u.genre");
        if (!File.Exists(items) || !File.Exists(genresFile))
        {
            throw new FileNotFoundException($"{folder} is not a MovieLens-100K folder: u.item or u.genre is missing.", items);
        }

        var genreNames = File.ReadAllLines(genresFile, Encoding.Latin1).Where(l => l.Contains('|', StringComparison.Ordinal)).Select(l => l.Split('|')[0]).ToArray();
        var ids = new IdMap();
        var genres = new List<string[]>();
        var tokens = new List<string[]>();
        var number = 0;
        foreach (var line in File.ReadLines(items, Encoding.Latin1))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split('|');
            if (f.Length != 5 + genreNames.Length || f[0].Length == 0 || ids.TryGet(f[0], out _))
            {
                throw new InvalidDataException(f.Length != 5 + genreNames.Length
                    ? $"{items}:{number}: expected {5 + genreNames.Length} fields separated by '|' (id, title, dates, URL and one flag per genre in u.genre); got {f.Length}."
                    : $"{items}:{number}: item id '{f[0]}' is {(f[0].Length == 0 ? "empty" : "listed twice")}.");
            }

            ids.Add(f[0]);
            var g = genreNames.Where((_, j) => f[5 + j] == "1").ToArray();
            genres.Add(g);
            var year = f[2].Length >= 4 && int.TryParse(f[2][^4..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) ? y : 0;
            tokens.Add([.. g.Select(x => "genre:" + x), year > 0 ? "decade:" + (year / 10 * 10).ToString(CultureInfo.InvariantCulture) : "decade:unknown"]);
        }

        return new MovieLens(folder, new ItemCatalog(ids, genres, tokens));
    }

    public IReadOnlyList<MovieLensRating> Ratings(string file)
    {
        var path = Path.Combine(Folder, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such ratings file.", path);
        }

        var ratings = new List<MovieLensRating>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            // A line that cannot be read stops the benchmark: skipping it would report figures on other data.
            var f = line.Split('\t');
            if (f.Length != 4)
            {
                throw new InvalidDataException($"{path}:{number}: expected user id, item id, rating and timestamp separated by tabs; got {f.Length} field{(f.Length == 1 ? "" : "s")}.");
            }

            if (!float.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var rating) || !float.IsFinite(rating))
            {
                throw new InvalidDataException($"{path}:{number}: the rating is not a number: '{f[2]}'.");
            }

            if (!long.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var timestamp))
            {
                throw new InvalidDataException($"{path}:{number}: the timestamp is not a whole number: '{f[3]}'.");
            }

            if (!Catalog.Items.TryGet(f[1], out _))
            {
                throw new InvalidDataException($"{path}:{number}: item '{f[1]}' is not in u.item.");
            }

            ratings.Add(new MovieLensRating(f[0], f[1], rating, timestamp));
        }

        return ratings;
    }

    /// <summary>
    /// Splits ratings in time, as a model trained on one day meets the ratings that follow: the cut-off is the moment
    /// before which 1 - <paramref name="testFraction"/> of them were made (<see cref="TemporalSplit.CutoffForFraction"/>);
    /// earlier ratings train, and each user who rated before it has the titles they rated from it on held out, in the
    /// order rated (same second: by item id), labelled as <see cref="RankingEvaluator.SplitPerUser"/> labels them
    /// (<see cref="RankingEvaluator.GradedLabel"/>). Users who first rated after the cut-off are left out: the model
    /// does not know them.
    /// </summary>
    public static (List<Interaction> Train, List<HeldOut> Test, DateTime Cutoff) SplitInTime(IReadOnlyList<MovieLensRating> ratings, double testFraction)
    {
        var dates = ratings.Select(r => DateTime.UnixEpoch.AddSeconds(r.Timestamp)).ToArray();
        var cutoff = TemporalSplit.CutoffForFraction(dates, testFraction);
        var train = new List<Interaction>();
        var later = new List<MovieLensRating>();
        for (var i = 0; i < ratings.Count; i++)
        {
            if (dates[i] < cutoff)
            {
                train.Add(ratings[i].AsInteraction());
            }
            else
            {
                later.Add(ratings[i]);
            }
        }

        var known = train.Select(r => r.User).ToHashSet(StringComparer.Ordinal);
        var test = later.Where(r => known.Contains(r.User))
            .GroupBy(r => r.User, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new HeldOut(g.Key, new OrderedDictionary<string, int>(
                g.OrderBy(r => r.Timestamp).ThenBy(r => r.Item, StringComparer.Ordinal).DistinctBy(r => r.Item)
                    .Select(r => KeyValuePair.Create(r.Item, RankingEvaluator.GradedLabel(r.Rating))), StringComparer.Ordinal)))
            .ToList();
        return (train, test, cutoff);
    }

    public InteractionMatrix Matrix(IEnumerable<MovieLensRating> ratings) =>
        InteractionMatrix.Build(ratings.Select(r => r.AsInteraction()), Catalog, sumDuplicates: false);
}
