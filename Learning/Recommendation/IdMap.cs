namespace NetflixML.Learning.Recommendation;

/// <summary>A dense index for each string id, in the order ids were first added.</summary>
public sealed class IdMap
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _ids = [];

    public IdMap()
    {
    }

    public IdMap(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            Add(id);
        }
    }

    public int Count => _ids.Count;

    public IReadOnlyList<string> Ids => _ids;

    public string this[int index] => _ids[index];

    public int Add(string id)
    {
        if (_index.TryGetValue(id, out var existing))
        {
            return existing;
        }

        _index[id] = _ids.Count;
        _ids.Add(id);
        return _ids.Count - 1;
    }

    public bool TryGet(string id, out int index) => _index.TryGetValue(id, out index);

    public int IndexOf(string id) => _index.TryGetValue(id, out var i) ? i : -1;

    public void Write(BinaryWriter writer)
    {
        writer.Write(_ids.Count);
        foreach (var id in _ids)
        {
            writer.Write(id);
        }
    }

    public static IdMap Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new InvalidDataException($"Negative id count {count}.");
        }

        var map = new IdMap();
        for (var i = 0; i < count; i++)
        {
            if (map.Add(reader.ReadString()) != i)
            {
                throw new InvalidDataException("Duplicate id in an id map.");
            }
        }

        return map;
    }
}
