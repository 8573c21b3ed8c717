using System.Globalization;
using System.Text;
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

    public InteractionMatrix Matrix(IEnumerable<MovieLensRating> ratings) =>
        InteractionMatrix.Build(ratings.Select(r => r.AsInteraction()), Catalog, sumDuplicates: false);
}
