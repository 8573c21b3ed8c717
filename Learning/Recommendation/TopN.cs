using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetflixML.Learning.Recommendation;

/// <summary>An item index and its score.</summary>
public readonly record struct ScoredItem(int Item, float Score);

/// <summary>
/// Partial selection of the best n scores: a min-heap of n entries over one pass of the catalogue (O(items log n),
/// no sort of the catalogue, nothing allocated). Ties go to the lower item index, so results are deterministic. Once
/// n are held, eight scores at a time are compared with the worst held and skipped together when none beats it:
/// most of a catalogue, so the pass costs little more than reading it.
/// </summary>
public static class TopN
{
    private const int Block = 8;

    /// <summary>
    /// Writes the best scores into <paramref name="destination"/> (best first) and returns how many were written.
    /// NaN and negative-infinity scores are never selected, nor, when <paramref name="allowed"/> is given, items it marks false.
    /// </summary>
    public static int Select(ReadOnlySpan<float> scores, Span<ScoredItem> destination, ReadOnlySpan<bool> allowed = default)
    {
        var capacity = destination.Length;
        if (capacity == 0)
        {
            return 0;
        }

        var count = 0;
        ref var first = ref MemoryMarshal.GetReference(scores);
        var i = 0;
        while (i < scores.Length)
        {
            // Once the heap is full, a block of scores none above its worst is passed over whole: an equal score
            // comes later, so it has the higher index and loses the tie. NaN compares false and goes the long way.
            var end = Math.Min(i + Block, scores.Length);
            if (count == capacity && end - i == Block
                && Vector256.LessThanOrEqualAll(Vector256.LoadUnsafe(ref first, (nuint)i), Vector256.Create(destination[0].Score)))
            {
                i = end;
                continue;
            }

            for (; i < end; i++)
            {
                var score = scores[i];
                if (!(score > float.NegativeInfinity) || (!allowed.IsEmpty && !allowed[i]))
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
