using NetflixML.Learning.Core;

namespace NetflixML.Features.Synthetic;

/// <summary>
/// Plants exact duplicate rows as the public dataset has them: a chosen set of rows is written a second time a
/// little later in the file. Only the pending copies are held in memory, so large tables still stream.
/// </summary>
internal sealed class DuplicatePlanter
{
    private readonly Rng _rng;
    private readonly bool[] _chosen;
    private readonly PriorityQueue<string[], long> _pending = new();
    private long _index;

    public DuplicatePlanter(Rng rng, int uniqueRows, int duplicates)
    {
        _rng = rng;
        _chosen = new bool[uniqueRows];
        duplicates = Math.Min(duplicates, uniqueRows);
        // Floyd's sampling: exactly `duplicates` distinct rows.
        for (var j = uniqueRows - duplicates; j < uniqueRows; j++)
        {
            var t = rng.NextInt(j + 1);
            if (_chosen[t])
            {
                t = j;
            }

            _chosen[t] = true;
        }
    }

    /// <summary>Call after writing each unique row; writes any copies that are due, and schedules this row's copy.</summary>
    public void AfterRow(CsvOut output, string[] row)
    {
        if (_chosen[_index])
        {
            _pending.Enqueue((string[])row.Clone(), _index + 1 + _rng.NextInt(40));
        }

        _index++;
        while (_pending.TryPeek(out _, out var due) && due <= _index)
        {
            output.WriteRow(_pending.Dequeue());
        }
    }

    public void Flush(CsvOut output)
    {
        while (_pending.Count > 0)
        {
            output.WriteRow(_pending.Dequeue());
        }
    }
}
