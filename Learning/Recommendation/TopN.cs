using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetflixML.Learning.Recommendation;

/// <summary>An item index and its score.</summary>
public readonly record struct ScoredItem(int Item, float Score);

/// <summary>
/// Partial selection of the best n scores: a min-heap of n entries over one pass of the catalogue (O(items log n),
/// no sort of the catalogue, nothing allocated). Ties go to the lower item index, so results are deterministic. Once
/// n are held, eight scores at a time are compared with the worst held and skipped together when none beats it:
/// most of a catalogue, so the pass costs little more than reading it. Before it, a pass of maxima finds a floor that
/// at least n scores reach (<see cref="Floor"/>), so that the heap is not first filled with whatever comes first and
/// then replaced item after item, in branches no predictor learns.
/// </summary>
public static class TopN
{
    private const int Block = 8;

    /// <summary>The most items <see cref="Floor"/> finds a floor for (1,024 columns, 4 KiB of maxima on the stack).</summary>
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
        var capacity = destination.Length;
        if (capacity == 0)
        {
            return 0;
        }

        var count = 0;
        var floor = Floor(scores, capacity);
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
    /// passed over; negative infinity when none is found cheaply (n above <see cref="MaxFloorCount"/>, or a list
    /// shorter than eight rows of columns). The largest score of each of 64 columns (items equal modulo 64; for n
    /// above 16, 64 more columns for every 16 more) is some item's; the n-th largest of those is reached by n
    /// different items, and with at least four columns for each of the n lies near the n-th best score of all.
    /// </summary>
    internal static float Floor(ReadOnlySpan<float> scores, int n)
    {
        if (n > Columns / 4)
        {
            return WideFloor(scores, n);
        }

        if (scores.Length < Columns * 8)
        {
            return float.NegativeInfinity;
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
    private static float WideFloor(ReadOnlySpan<float> scores, int n)
    {
        var columns = Columns * ((n + (Columns / 4) - 1) / (Columns / 4));
        if (n > MaxFloorCount || scores.Length < columns * 8)
        {
            return float.NegativeInfinity;
        }

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

    // The n-th best column value, by the selection itself (too few maxima for a floor of their own); it takes no NaN
    // or negative infinity, so with fewer than n other values nothing is ruled out.
    private static float NthBest(ReadOnlySpan<float> maxima, int n)
    {
        Span<ScoredItem> best = stackalloc ScoredItem[n];
        return Select(maxima, best) == n ? best[n - 1].Score : float.NegativeInfinity;
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
