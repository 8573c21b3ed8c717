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
        foreach (var line in File.ReadLines(items, Encoding.Latin1))
        {
            var f = line.Split('|');
            if (f.Length < 5 + genreNames.Length)
            {
                continue;
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
        foreach (var line in File.ReadLines(path))
        {
            var f = line.Split('\t');
            if (f.Length < 4)
            {
                continue;
            }

            ratings.Add(new MovieLensRating(f[0], f[1], float.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture)));
        }

        return ratings;
    }

    public InteractionMatrix Matrix(IEnumerable<MovieLensRating> ratings) =>
        InteractionMatrix.Build(ratings.Select(r => r.AsInteraction()), Catalog, sumDuplicates: false);
}
