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
    // Items side by side in the slot layout.
    private const int BlockItems = 16;

    // Entries of an item the slot layout holds; the rest are added one at a time.
    private const int MaxSlots = 8;

    // Profile entries the AVX-512 lookup holds in registers.
    private const int LookupTokens = 64;

    [ThreadStatic]
    private static float[]? _scratchProfile;

    private readonly int[] _start;
    private readonly int[] _token;
    private readonly float[] _weight;

    // The first entries of each item again, sixteen items side by side: slot s of items 16b..16b+15 at (b x slots + s) x 16.
    // Items with fewer entries are padded with a token past the last, whose profile value is always 0.
    private readonly int _slots;
    private readonly int[] _slotToken;
    private readonly float[] _slotWeight;

    // Per block of sixteen items: whether any has entries beyond the slots.
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
        // Entries past the last token (the padding token's, and up to the lookup tables' length) are left 0.
        var profile = ThreadScratch.Get(ref _scratchProfile, Math.Max(TokenCount + 1, LookupTokens));
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
        switch (Kernel)
        {
            case ContentKernel.Lookup:
                LookedUpCosines(profile, norm, scores);
                break;
            case ContentKernel.Gather:
                GatheredCosines(profile, norm, scores);
                break;
            default:
                Cosines(profile, norm, scores);
                break;
        }
    }

    /// <summary>
    /// How this index scores a profile against every item on this machine (all give the same sums): the register
    /// lookup with AVX-512 where the tokens, with the padding token, fit in its four registers; else the AVX2 gather.
    /// </summary>
    public ContentKernel Kernel =>
        Avx512F.IsSupported && TokenCount + 1 <= LookupTokens ? ContentKernel.Lookup : Avx2.IsSupported ? ContentKernel.Gather : ContentKernel.Loop;

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
    /// The same sums as <see cref="Cosines"/>, bit for bit, sixteen items at a time: each slot's profile values are
    /// gathered eight to an instruction (AVX2) and added to running sums in entry order, where the one-at-a-time
    /// loop spent most of its time mispredicting where each short row ends. Entries beyond the slots are added after.
    /// </summary>
    internal unsafe void GatheredCosines(Span<float> profile, float norm, Span<float> scores)
    {
        CheckLength(scores);
        fixed (int* slotToken = _slotToken)
        fixed (float* slotWeight = _slotWeight)
        fixed (float* p = profile)
        {
            for (var at = 0; at < scores.Length; at += BlockItems)
            {
                Vector256<float> first = default, second = default;
                var slot = (long)at * _slots;
                for (var s = 0; s < _slots; s++, slot += BlockItems)
                {
                    first += Avx2.GatherVector256(p, Vector256.Load(slotToken + slot), sizeof(float)) * Vector256.Load(slotWeight + slot);
                    second += Avx2.GatherVector256(p, Vector256.Load(slotToken + slot + 8), sizeof(float)) * Vector256.Load(slotWeight + slot + 8);
                }

                Finish(first, second, at, profile, norm, scores);
            }
        }
    }

    /// <summary>
    /// The same sums again, bit for bit, with the profile held in four 512-bit registers: each slot's sixteen profile
    /// values are looked up by two two-table permutes (AVX-512F) and a blend, about twice as fast as gathering them
    /// from memory (1.9-2.5x on the Xeon this was measured on). For vocabularies of up to <see cref="LookupTokens"/> tokens with the padding token (the
    /// Netflix catalogue has 52, MovieLens's genres and decades 28).
    /// </summary>
    internal unsafe void LookedUpCosines(Span<float> profile, float norm, Span<float> scores)
    {
        CheckLength(scores);
        if (Kernel != ContentKernel.Lookup || profile.Length < LookupTokens)
        {
            throw new InvalidOperationException($"The lookup needs AVX-512 and a profile of {LookupTokens} entries; this index has {TokenCount} tokens.");
        }

        fixed (int* slotToken = _slotToken)
        fixed (float* slotWeight = _slotWeight)
        fixed (float* p = profile)
        {
            var (t0, t1, t2, t3) = (Vector512.Load(p), Vector512.Load(p + 16), Vector512.Load(p + 32), Vector512.Load(p + 48));

            // Two blocks at a time: each sum must add its slots in order, and two chains of additions keep the
            // permutes busy where one would wait on each addition.
            var at = 0;
            for (; at + (2 * BlockItems) <= scores.Length; at += 2 * BlockItems)
            {
                Vector512<float> first = default, second = default;
                var slot = (long)at * _slots;
                for (var s = 0; s < _slots; s++, slot += BlockItems)
                {
                    first += LookUp(Vector512.Load(slotToken + slot), t0, t1, t2, t3) * Vector512.Load(slotWeight + slot);
                    second += LookUp(Vector512.Load(slotToken + slot + (BlockItems * _slots)), t0, t1, t2, t3) * Vector512.Load(slotWeight + slot + (BlockItems * _slots));
                }

                Finish(first.GetLower(), first.GetUpper(), at, profile, norm, scores);
                Finish(second.GetLower(), second.GetUpper(), at + BlockItems, profile, norm, scores);
            }

            for (; at < scores.Length; at += BlockItems)
            {
                var sum = Vector512<float>.Zero;
                var slot = (long)at * _slots;
                for (var s = 0; s < _slots; s++, slot += BlockItems)
                {
                    sum += LookUp(Vector512.Load(slotToken + slot), t0, t1, t2, t3) * Vector512.Load(slotWeight + slot);
                }

                Finish(sum.GetLower(), sum.GetUpper(), at, profile, norm, scores);
            }
        }
    }

    // The profile values of sixteen items' tokens in one slot: tokens above 31 from the second pair of tables.
    private static Vector512<float> LookUp(Vector512<int> token, Vector512<float> t0, Vector512<float> t1, Vector512<float> t2, Vector512<float> t3) =>
        Vector512.ConditionalSelect(
            Vector512.GreaterThan(token, Vector512.Create((LookupTokens / 2) - 1)).AsSingle(),
            Avx512F.PermuteVar16x32x2(t2, token, t3),
            Avx512F.PermuteVar16x32x2(t0, token, t1));

    /// <summary>
    /// Stores sixteen items' sums from the slots (in two halves of eight), scaled by <paramref name="norm"/>; items
    /// with entries beyond the slots (and a last, short block) finish one at a time, the remaining entries added in
    /// order. Halves rather than one 512-bit vector, so machines without AVX-512 keep to hardware vectors.
    /// </summary>
    private void Finish(Vector256<float> first, Vector256<float> second, int at, Span<float> profile, float norm, Span<float> scores)
    {
        if (at + BlockItems <= scores.Length && !_overflows[at / BlockItems])
        {
            var scale = Vector256.Create(norm);
            ref var target = ref MemoryMarshal.GetReference(scores);
            (first * scale).StoreUnsafe(ref target, (nuint)at);
            (second * scale).StoreUnsafe(ref target, (nuint)at + 8);
            return;
        }

        for (var j = 0; j < Math.Min(BlockItems, scores.Length - at); j++)
        {
            var i = at + j;
            var total = j < 8 ? first.GetElement(j) : second.GetElement(j - 8);
            for (var e = _start[i] + _slots; e < _start[i + 1]; e++)
            {
                total += profile[_token[e]] * _weight[e];
            }

            scores[i] = total * norm;
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
            slots = Math.Clamp(start[i + 1] - start[i], slots, MaxSlots);
        }

        var blocks = (items + BlockItems - 1) / BlockItems;
        var slotToken = new int[blocks * slots * BlockItems];
        var slotWeight = new float[slotToken.Length];
        slotToken.AsSpan().Fill(padding);
        var overflows = new bool[blocks];
        for (var i = 0; i < items; i++)
        {
            overflows[i / BlockItems] |= start[i + 1] - start[i] > slots;
            for (var s = 0; s < slots && start[i] + s < start[i + 1]; s++)
            {
                var at = ((i / BlockItems * slots) + s) * BlockItems + (i % BlockItems);
                slotToken[at] = token[start[i] + s];
                slotWeight[at] = weight[start[i] + s];
            }
        }

        return (slots, slotToken, slotWeight, overflows);
    }
}

/// <summary>How a content index scores every item against a profile; each gives the same sums, bit for bit.</summary>
public enum ContentKernel
{
    /// <summary>One item at a time.</summary>
    Loop,

    /// <summary>Sixteen items at a time, the profile values gathered from memory (AVX2).</summary>
    Gather,

    /// <summary>Sixteen items at a time, the profile held in registers and looked up by permutes (AVX-512, up to 63 tokens).</summary>
    Lookup,
}
