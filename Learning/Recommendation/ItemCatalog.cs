namespace NetflixML.Learning.Recommendation;

/// <summary>
/// Every item a recommender may return, with its genres (for genre filters and genre-match rates) and its content
/// tokens (genres and metadata such as "decade:1990s" or "type:Movie", from which content similarity is built).
/// Items need no interactions to be in the catalogue: content similarity covers those the factor models never saw.
/// </summary>
public sealed class ItemCatalog
{
    private readonly string[][] _genres;
    private readonly string[][] _tokens;
    private readonly Dictionary<string, bool[]> _genreMask;

    public ItemCatalog(IdMap items, IReadOnlyList<string[]> genres, IReadOnlyList<string[]>? tokens = null)
    {
        if (genres.Count != items.Count || (tokens is not null && tokens.Count != items.Count))
        {
            throw new ArgumentException($"The catalogue has {items.Count} items but {genres.Count} genre lists{(tokens is null ? string.Empty : $" and {tokens.Count} token lists")}.");
        }

        Items = items;
        _genres = genres.Select(g => g.Distinct(StringComparer.Ordinal).ToArray()).ToArray();
        _tokens = (tokens ?? genres.Select(g => g.Select(x => "genre:" + x).ToArray()).ToList()).Select(t => t.Distinct(StringComparer.Ordinal).ToArray()).ToArray();
        _genreMask = new Dictionary<string, bool[]>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _genres.Length; i++)
        {
            foreach (var genre in _genres[i])
            {
                if (!_genreMask.TryGetValue(genre, out var mask))
                {
                    _genreMask[genre] = mask = new bool[items.Count];
                }

                mask[i] = true;
            }
        }
    }

    public IdMap Items { get; }

    public int Count => Items.Count;

    public IReadOnlyList<string> Genres(int item) => _genres[item];

    public IReadOnlyList<string> Tokens(int item) => _tokens[item];

    /// <summary>Every genre in the catalogue.</summary>
    public IEnumerable<string> AllGenres => _genreMask.Keys.Order(StringComparer.OrdinalIgnoreCase);

    /// <summary>Which items carry <paramref name="genre"/> (case-insensitive); null when no item does.</summary>
    public bool[]? GenreMask(string genre) => _genreMask.GetValueOrDefault(genre);

    public void Write(BinaryWriter writer)
    {
        Items.Write(writer);
        foreach (var lists in new[] { _genres, _tokens })
        {
            foreach (var list in lists)
            {
                writer.Write(list.Length);
                foreach (var value in list)
                {
                    writer.Write(value);
                }
            }
        }
    }

    public static ItemCatalog Read(BinaryReader reader)
    {
        var items = IdMap.Read(reader);
        string[][] ReadLists()
        {
            var lists = new string[items.Count][];
            for (var i = 0; i < lists.Length; i++)
            {
                var count = reader.ReadInt32();
                if (count is < 0 or > 100_000)
                {
                    throw new InvalidDataException($"Implausible list length {count}.");
                }

                lists[i] = new string[count];
                for (var j = 0; j < count; j++)
                {
                    lists[i][j] = reader.ReadString();
                }
            }

            return lists;
        }

        var genres = ReadLists();
        var tokens = ReadLists();
        return new ItemCatalog(items, genres, tokens);
    }
}
