using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetflixML.Learning.Recommendation;

/// <summary>An item index and its score.</summary>
public readonly record struct ScoredItem(int Item, float Score);

/// <summary>
/// Partial selection of the best n scores in two passes of the catalogue, with no sort of the catalogue and nothing
/// allocated. Ties go to the lower item index, so results are deterministic. A first pass of maxima finds a floor that
/// at least n scores reach and few more (<see cref="Floor"/>); the scores at or above it are gathered, eight compared
/// at a time and passed over together when none reaches it, and only those few are sorted. Where no floor is found
/// cheaply, or too many scores tie at it, a min-heap of n over the whole pass gives the same answer (O(items log n)).
/// </summary>
public static class TopN
{
    private const int Block = 8;

    /// <summary>
    /// The most items <see cref="Floor"/> finds a floor for (1,024 columns, 4 KiB of maxima on the stack, and 8.7 KiB
    /// of gathered keys).
    /// </summary>
    internal const int MaxFloorCount = 256;

    // The floor's columns for n up to 16: items i, i + 64, i + 128, ... share one, kept in eight registers of eight.
    private const int Columns = 64;

    private static Vector256<float> Lowest => Vector256.Create(float.NegativeInfinity);

    /// <summary>
    /// Writes the best scores into <paramref name="destination"/> (best first) and returns how many were written.
    /// NaN and negative-infinity scores are never selected (<see cref="Restrict"/> filters by setting them).
    /// </summary>
    public static int Select(ReadOnlySpan<float> scores, Span<ScoredItem> destination)
    {
        var n = destination.Length;
        if (n == 0)
        {
            return 0;
        }

        // A floor is only found for n up to MaxFloorCount, so the keys stay a few KiB of stack. Usually a few more
        // than n scores reach the floor; only ties at it make many more, and the heap then does without the keys.
        var floor = Floor(scores, n);
        if (floor > float.NegativeInfinity)
        {
            Span<ulong> keys = stackalloc ulong[GatherLimit(n)];
            var gathered = Gather(scores, floor, keys);
            if (gathered >= 0)
            {
                return Best(scores, keys[..gathered], destination);
            }
        }

        return SelectByHeap(scores, floor, destination);
    }

    // How many scores at or above the floor are gathered before the heap takes over.
    private static int GatherLimit(int n) => (4 * n) + 64;

    // The keys of the scores at or above the floor, in item order; -1 when there are more than keys holds.
    private static int Gather(ReadOnlySpan<float> scores, float floor, Span<ulong> keys)
    {
        var count = 0;
        var bar = Vector256.Create(floor);
        ref var first = ref MemoryMarshal.GetReference(scores);
        var i = 0;
        while (i < scores.Length)
        {
            // NaN compares false, so it is never gathered, and a block of it and lower scores is passed over.
            while (i + Block <= scores.Length && !Vector256.GreaterThanOrEqualAny(Vector256.LoadUnsafe(ref first, (nuint)i), bar))
            {
                i += Block;
            }

            var end = Math.Min(i + Block, scores.Length);
            for (; i < end; i++)
            {
                var score = scores[i];
                if (score >= floor)
                {
                    if (count == keys.Length)
                    {
                        return -1;
                    }

                    keys[count++] = Key(score, i);
                }
            }
        }

        return count;
    }

    // The best n of the gathered keys, best first: a key's order is the selection's, higher score then lower index.
    private static int Best(ReadOnlySpan<float> scores, Span<ulong> keys, Span<ScoredItem> destination)
    {
        keys.Sort();
        var written = Math.Min(destination.Length, keys.Length);
        for (var j = 0; j < written; j++)
        {
            var item = (int)~(uint)keys[keys.Length - 1 - j];
            destination[j] = new ScoredItem(item, scores[item]);
        }

        return written;
    }

    // The score's order in the high half (-0 as +0, which compare equal), the item's reverse order in the low half.
    private static ulong Key(float score, int item) => ((ulong)Ordered(score + 0f) << 32) | ~(uint)item;

    // Float bits as an unsigned integer in the floats' order (NaN aside): negatives flipped, positives above them.
    private static uint Ordered(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    private static float FromOrdered(uint ordered) =>
        BitConverter.UInt32BitsToSingle((ordered & 0x8000_0000u) != 0 ? ordered & 0x7FFF_FFFFu : ~ordered);

    // A min-heap of n over the whole pass, for when no floor was found or too many scores tie at it.
    private static int SelectByHeap(ReadOnlySpan<float> scores, float floor, Span<ScoredItem> destination)
    {
        var capacity = destination.Length;
        var count = 0;
        ref var first = ref MemoryMarshal.GetReference(scores);
        var i = 0;
        while (i < scores.Length)
        {
            // Once the heap is full, blocks of scores none above its worst are passed over whole: an equal score
            // comes later, so it has the higher index and loses the tie. Until then, blocks all below the floor.
            // NaN compares false and goes the long way.
            if (count == capacity)
            {
                var worst = Vector256.Create(destination[0].Score);
                while (i + Block <= scores.Length && Vector256.LessThanOrEqualAll(Vector256.LoadUnsafe(ref first, (nuint)i), worst))
                {
                    i += Block;
                }
            }
            else
            {
                var below = Vector256.Create(floor);
                while (i + Block <= scores.Length && Vector256.LessThanAll(Vector256.LoadUnsafe(ref first, (nuint)i), below))
                {
                    i += Block;
                }
            }

            var end = Math.Min(i + Block, scores.Length);
            for (; i < end; i++)
            {
                var score = scores[i];
                if (!(score > float.NegativeInfinity) || score < floor)
                {
                    continue;
                }

                if (count < capacity)
                {
                    destination[count] = new ScoredItem(i, score);
                    SiftUp(destination, count++);
                }
                else if (Better(score, i, destination[0]))
                {
                    destination[0] = new ScoredItem(i, score);
                    SiftDown(destination, 0, count);
                }
            }
        }

        // Heap-sort the selection in place: repeatedly move the worst to the end.
        for (var end = count - 1; end > 0; end--)
        {
            (destination[0], destination[end]) = (destination[end], destination[0]);
            SiftDown(destination, 0, end);
        }

        return count;
    }

    /// <summary>
    /// Sets the score of every item <paramref name="allowed"/> marks false to negative infinity, so that
    /// <see cref="Select"/> passes over it. A filter applied this way keeps the selection's floor and its skipping of
    /// whole blocks, which checking each item as it was selected could not: the floor would have come from items the
    /// filter leaves out, and under a genre filter most blocks hold a better score of another genre, so they went the
    /// long way.
    /// </summary>
    public static void Restrict(Span<float> scores, ReadOnlySpan<bool> allowed)
    {
        if (allowed.Length != scores.Length)
        {
            throw new ArgumentException($"The filter has {allowed.Length} items and the scores {scores.Length}.", nameof(allowed));
        }

        ref var score = ref MemoryMarshal.GetReference(scores);
        ref var flag = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(allowed));
        var i = 0;
        for (; i + 16 <= scores.Length; i += 16)
        {
            // Sixteen flags, widened to four vectors of four lanes, one per four scores.
            var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref flag, (nuint)i));
            var (f0, f1) = Vector128.Widen(low);
            var (f2, f3) = Vector128.Widen(high);
            LeaveOut(ref score, i, f0);
            LeaveOut(ref score, i + 4, f1);
            LeaveOut(ref score, i + 8, f2);
            LeaveOut(ref score, i + 12, f3);
        }

        for (; i < scores.Length; i++)
        {
            if (!allowed[i])
            {
                scores[i] = float.NegativeInfinity;
            }
        }
    }

    // Negative infinity in the four scores at `at` whose flags are zero (false).
    private static void LeaveOut(ref float score, int at, Vector128<uint> flags)
    {
        var scores = Vector128.LoadUnsafe(ref score, (nuint)at);
        var leftOut = Vector128.Equals(flags, Vector128<uint>.Zero).AsSingle();
        Vector128.ConditionalSelect(leftOut, Vector128.Create(float.NegativeInfinity), scores).StoreUnsafe(ref score, (nuint)at);
    }

    /// <summary>
    /// A score at least <paramref name="n"/> of <paramref name="scores"/> reach, so that every score below it can be
    /// passed over; negative infinity when fewer than n scores are finite or above (NaN and negative infinity never
    /// count), or n is above <see cref="MaxFloorCount"/>. The largest score of each of 64 columns (items equal modulo
    /// 64; for n above 16, 64 more columns for every 16 more) is some item's; the n-th largest of those is reached by
    /// n different items, and with at least four columns for each of the n lies near the n-th best score of all. A
    /// list shorter than eight rows of columns has no columns worth the name: its floor is its own n-th best score.
    /// </summary>
    internal static float Floor(ReadOnlySpan<float> scores, int n)
    {
        if (n > MaxFloorCount)
        {
            return float.NegativeInfinity;
        }

        var columns = Columns * ((n + (Columns / 4) - 1) / (Columns / 4));
        if (scores.Length < columns * 8)
        {
            return NthBest(scores, n);
        }

        if (n > Columns / 4)
        {
            return WideFloor(scores, columns, n);
        }

        ref var first = ref MemoryMarshal.GetReference(scores);
        var (m0, m1, m2, m3, m4, m5, m6, m7) = (Lowest, Lowest, Lowest, Lowest, Lowest, Lowest, Lowest, Lowest);
        for (nuint at = 0; at + Columns <= (nuint)scores.Length; at += Columns)
        {
            // Each lane keeps one of its operands (x86 keeps the second where either is NaN), so whatever a column
            // ends with, NaN aside, is the score of an item in it.
            m0 = Vector256.MaxNative(m0, Vector256.LoadUnsafe(ref first, at));
            m1 = Vector256.MaxNative(m1, Vector256.LoadUnsafe(ref first, at + 8));
            m2 = Vector256.MaxNative(m2, Vector256.LoadUnsafe(ref first, at + 16));
            m3 = Vector256.MaxNative(m3, Vector256.LoadUnsafe(ref first, at + 24));
            m4 = Vector256.MaxNative(m4, Vector256.LoadUnsafe(ref first, at + 32));
            m5 = Vector256.MaxNative(m5, Vector256.LoadUnsafe(ref first, at + 40));
            m6 = Vector256.MaxNative(m6, Vector256.LoadUnsafe(ref first, at + 48));
            m7 = Vector256.MaxNative(m7, Vector256.LoadUnsafe(ref first, at + 56));
        }

        Span<Vector256<float>> maxima = [m0, m1, m2, m3, m4, m5, m6, m7];
        return NthBest(MemoryMarshal.Cast<Vector256<float>, float>(maxima), n);
    }

    // Floor for n above 16: more columns than eight registers hold, so their maxima are kept on the stack.
    private static float WideFloor(ReadOnlySpan<float> scores, int columns, int n)
    {
        Span<float> maxima = stackalloc float[columns];
        maxima.Fill(float.NegativeInfinity);
        ref var top = ref MemoryMarshal.GetReference(maxima);
        ref var first = ref MemoryMarshal.GetReference(scores);
        for (nuint at = 0; at + (nuint)columns <= (nuint)scores.Length; at += (nuint)columns)
        {
            for (nuint c = 0; c < (nuint)columns; c += Block)
            {
                Vector256.MaxNative(Vector256.LoadUnsafe(ref top, c), Vector256.LoadUnsafe(ref first, at + c)).StoreUnsafe(ref top, c);
            }
        }

        return NthBest(maxima, n);
    }

    /// <summary>
    /// The n-th best of <paramref name="values"/> (ties counted each; NaN and negative infinity never count), or
    /// negative infinity when fewer than n values count. Found by halving the range of float bit patterns for the
    /// largest value that n values reach, each count one branch-free pass, about 32 of them: a sort or heap of the
    /// values would mispredict a branch at most comparisons.
    /// </summary>
    internal static float NthBest(ReadOnlySpan<float> values, int n)
    {
        var low = Ordered(float.MinValue);
        if (Reaching(values, low) < n)
        {
            return float.NegativeInfinity;
        }

        var high = Ordered(float.PositiveInfinity);
        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            if (Reaching(values, middle) >= n)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return FromOrdered(low);
    }

    // How many values are at or above the float whose order is `ordered` (NaN never is).
    private static int Reaching(ReadOnlySpan<float> values, uint ordered)
    {
        var bar = FromOrdered(ordered);
        var bars = Vector256.Create(bar);
        var counts = Vector256<int>.Zero;
        ref var first = ref MemoryMarshal.GetReference(values);
        var i = 0;
        for (; i + Block <= values.Length; i += Block)
        {
            // A lane that reaches the bar compares as all ones, -1 as an integer.
            counts -= Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref first, (nuint)i), bars).AsInt32();
        }

        var count = Vector256.Sum(counts);
        for (; i < values.Length; i++)
        {
            count += values[i] >= bar ? 1 : 0;
        }

        return count;
    }

    // "a is better than b": higher score, then lower index.
    private static bool Better(float score, int item, ScoredItem other) => score > other.Score || (score == other.Score && item < other.Item);

    private static bool Worse(ScoredItem a, ScoredItem b) => a.Score < b.Score || (a.Score == b.Score && a.Item > b.Item);

    private static void SiftUp(Span<ScoredItem> heap, int at)
    {
        while (at > 0)
        {
            var parent = (at - 1) / 2;
            if (!Worse(heap[at], heap[parent]))
            {
                return;
            }

            (heap[at], heap[parent]) = (heap[parent], heap[at]);
            at = parent;
        }
    }

    private static void SiftDown(Span<ScoredItem> heap, int at, int count)
    {
        while (true)
        {
            var left = 2 * at + 1;
            if (left >= count)
            {
                return;
            }

            var worst = left;
            if (left + 1 < count && Worse(heap[left + 1], heap[left]))
            {
                worst = left + 1;
            }

            if (!Worse(heap[worst], heap[at]))
            {
                return;
            }

            (heap[at], heap[worst]) = (heap[worst], heap[at]);
            at = worst;
        }
    }
}
