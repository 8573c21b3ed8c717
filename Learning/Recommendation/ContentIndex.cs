using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetflixML.Learning.Recommendation;

/// <summary>
/// Content similarity: each item is a TF-IDF vector over its tokens (genres, decade, type, language ...),
/// L2-normalised, so the cosine between two items is a sparse dot product. A user profile is the sum of the vectors
/// of the items they saw; an item's score is its cosine with that profile. Nothing item-by-item is stored, so it
/// scales to any catalogue.
/// </summary>
public sealed class ContentIndex
{
    private const int Lanes = 8;

    [ThreadStatic]
    private static float[]? _scratchProfile;

    private readonly int[] _start;
    private readonly int[] _token;
    private readonly float[] _weight;

    // The first entries of each item again, eight items side by side: slot s of items 8b..8b+7 at (b x slots + s) x 8.
    // Items with fewer entries are padded with a token past the last, whose profile value is always 0.
    private readonly int _slots;
    private readonly int[] _slotToken;
    private readonly float[] _slotWeight;

    // Per block of eight items: whether any has entries beyond the slots.
    private readonly bool[] _overflows;

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
        (_slots, _slotToken, _slotWeight, _overflows) = Slots(_start, _token, _weight, TokenCount);
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
        // One entry more than there are tokens: the padding token's, left 0.
        var profile = ThreadScratch.Get(ref _scratchProfile, TokenCount + 1);
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
        foreach (var v in profile[..TokenCount])
        {
            norm += v * v;
        }

        norm = norm > 0 ? 1 / MathF.Sqrt(norm) : 0;
        if (Avx2.IsSupported)
        {
            GatheredCosines(profile, norm, scores);
        }
        else
        {
            Cosines(profile, norm, scores);
        }
    }

    // Every item's sparse dot product with the profile, in entry order; pointers because the bounds checks on three
    // arrays in the inner loop cost as much as the arithmetic.
    internal unsafe void Cosines(Span<float> profile, float norm, Span<float> scores)
    {
        CheckLength(scores);

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

    /// <summary>
    /// The same sums as <see cref="Cosines"/>, bit for bit, eight items at a time: each slot's eight profile values
    /// are gathered in one instruction (AVX2) and added to eight running sums in entry order, where the one-at-a-time
    /// loop spent most of its time mispredicting where each short row ends. Entries beyond the slots are added after.
    /// </summary>
    internal unsafe void GatheredCosines(Span<float> profile, float norm, Span<float> scores)
    {
        CheckLength(scores);
        Span<float> sums = stackalloc float[Lanes];
        fixed (int* start = _start)
        fixed (int* token = _token)
        fixed (float* weight = _weight)
        fixed (int* slotToken = _slotToken)
        fixed (float* slotWeight = _slotWeight)
        fixed (float* p = profile)
        {
            for (var at = 0; at < scores.Length; at += Lanes)
            {
                var sum = Vector256<float>.Zero;
                var slot = (long)at * _slots;
                for (var s = 0; s < _slots; s++, slot += Lanes)
                {
                    sum += Avx2.GatherVector256(p, Vector256.Load(slotToken + slot), sizeof(float)) * Vector256.Load(slotWeight + slot);
                }

                var lanes = Math.Min(Lanes, scores.Length - at);
                if (lanes == Lanes && !_overflows[at / Lanes])
                {
                    (sum * Vector256.Create(norm)).StoreUnsafe(ref MemoryMarshal.GetReference(scores), (nuint)at);
                    continue;
                }

                sum.StoreUnsafe(ref MemoryMarshal.GetReference(sums));
                for (var j = 0; j < lanes; j++)
                {
                    var i = at + j;
                    var total = sums[j];
                    for (var e = start[i] + _slots; e < start[i + 1]; e++)
                    {
                        total += p[token[e]] * weight[e];
                    }

                    scores[i] = total * norm;
                }
            }
        }
    }

    private void CheckLength(Span<float> scores)
    {
        if (scores.Length > _start.Length - 1)
        {
            throw new ArgumentException($"Scores for {scores.Length} items; the index holds {_start.Length - 1}.", nameof(scores));
        }
    }

    /// <summary>Up to eight entries of each item in the side-by-side layout; as many slots as the longest row needs, at most eight.</summary>
    private static (int Slots, int[] Token, float[] Weight, bool[] Overflows) Slots(int[] start, int[] token, float[] weight, int padding)
    {
        var items = start.Length - 1;
        var slots = 1;
        for (var i = 0; i < items; i++)
        {
            slots = Math.Clamp(start[i + 1] - start[i], slots, Lanes);
        }

        var blocks = (items + Lanes - 1) / Lanes;
        var slotToken = new int[blocks * slots * Lanes];
        var slotWeight = new float[slotToken.Length];
        slotToken.AsSpan().Fill(padding);
        var overflows = new bool[blocks];
        for (var i = 0; i < items; i++)
        {
            overflows[i / Lanes] |= start[i + 1] - start[i] > slots;
            for (var s = 0; s < slots && start[i] + s < start[i + 1]; s++)
            {
                var at = ((i / Lanes * slots) + s) * Lanes + (i % Lanes);
                slotToken[at] = token[start[i] + s];
                slotWeight[at] = weight[start[i] + s];
            }
        }

        return (slots, slotToken, slotWeight, overflows);
    }
}
