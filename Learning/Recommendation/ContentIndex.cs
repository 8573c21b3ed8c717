namespace NetflixML.Learning.Recommendation;

/// <summary>
/// Content similarity: each item is a TF-IDF vector over its tokens (genres, decade, type, language ...),
/// L2-normalised, so the cosine between two items is a sparse dot product. A user profile is the sum of the vectors
/// of the items they saw; an item's score is its cosine with that profile. Nothing item-by-item is stored, so it
/// scales to any catalogue.
/// </summary>
public sealed class ContentIndex
{
    [ThreadStatic]
    private static float[]? _scratchProfile;

    private readonly int[] _start;
    private readonly int[] _token;
    private readonly float[] _weight;

    public ContentIndex(ItemCatalog catalog)
    {
        var tokens = new IdMap();
        var documentFrequency = new List<int>();
        for (var i = 0; i < catalog.Count; i++)
        {
            foreach (var t in catalog.Tokens(i))
            {
                var id = tokens.Add(t);
                if (id == documentFrequency.Count)
                {
                    documentFrequency.Add(0);
                }

                documentFrequency[id]++;
            }
        }

        TokenCount = tokens.Count;
        _start = new int[catalog.Count + 1];
        var token = new List<int>();
        var weight = new List<float>();
        for (var i = 0; i < catalog.Count; i++)
        {
            var row = catalog.Tokens(i).Select(t => tokens.IndexOf(t)).Distinct().Order().ToArray();
            var w = row.Select(t => (float)(Math.Log((1.0 + catalog.Count) / (1.0 + documentFrequency[t])) + 1)).ToArray();
            var norm = MathF.Sqrt(w.Sum(x => x * x));
            for (var j = 0; j < row.Length; j++)
            {
                token.Add(row[j]);
                weight.Add(norm > 0 ? w[j] / norm : 0);
            }

            _start[i + 1] = token.Count;
        }

        _token = [.. token];
        _weight = [.. weight];
    }

    public int TokenCount { get; }

    /// <summary>Cosine similarity of two items.</summary>
    public float Cosine(int a, int b)
    {
        float sum = 0;
        int i = _start[a], j = _start[b];
        while (i < _start[a + 1] && j < _start[b + 1])
        {
            if (_token[i] == _token[j])
            {
                sum += _weight[i++] * _weight[j++];
            }
            else if (_token[i] < _token[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return sum;
    }

    /// <summary>Scores every item by its cosine with the (optionally weighted) sum of <paramref name="items"/>' vectors.</summary>
    public void ScoreProfile(ReadOnlySpan<int> items, ReadOnlySpan<float> weights, Span<float> scores)
    {
        var profile = ThreadScratch.Get(ref _scratchProfile, TokenCount);
        profile.Clear();
        for (var k = 0; k < items.Length; k++)
        {
            var item = items[k];
            var w = weights.IsEmpty ? 1f : weights[k];
            for (var e = _start[item]; e < _start[item + 1]; e++)
            {
                profile[_token[e]] += w * _weight[e];
            }
        }

        float norm = 0;
        foreach (var v in profile)
        {
            norm += v * v;
        }

        norm = norm > 0 ? 1 / MathF.Sqrt(norm) : 0;
        Cosines(profile, norm, scores);
    }

    // Every item's sparse dot product with the profile, in entry order; pointers because the bounds checks on three
    // arrays in the inner loop cost as much as the arithmetic.
    private unsafe void Cosines(Span<float> profile, float norm, Span<float> scores)
    {
        if (scores.Length > _start.Length - 1)
        {
            throw new ArgumentException($"Scores for {scores.Length} items; the index holds {_start.Length - 1}.", nameof(scores));
        }

        fixed (int* start = _start)
        fixed (int* token = _token)
        fixed (float* weight = _weight)
        fixed (float* p = profile)
        {
            var e = start[0];
            for (var i = 0; i < scores.Length; i++)
            {
                float sum = 0;
                for (var end = start[i + 1]; e < end; e++)
                {
                    sum += p[token[e]] * weight[e];
                }

                scores[i] = sum * norm;
            }
        }
    }

    public void ScoreSimilar(int item, Span<float> scores) => ScoreProfile([item], default, scores);
}
