using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetflixML.Learning.Recommendation;

/// <summary>
/// Standardised scores (z-scores over the finite entries) and the content-and-popularity blend built from them, shared
/// by every recommender's answer to a viewer it does not know and by the hybrid's blend for a known user.
/// </summary>
internal static class StandardScores
{
    /// <summary>z-scores over the finite entries; infinite and NaN entries stay as they are.</summary>
    internal static void Standardise(Span<float> values)
    {
        var (shift, scale) = Moments(values);
        var (shifts, scales) = (Vector256.Create(shift), Vector256.Create(scale));
        ref var first = ref MemoryMarshal.GetReference(values);
        var i = 0;
        for (; i + 8 <= values.Length; i += 8)
        {
            ZScores(Vector256.LoadUnsafe(ref first, (nuint)i), shifts, scales).StoreUnsafe(ref first, (nuint)i);
        }

        for (; i < values.Length; i++)
        {
            values[i] = ZScore(values[i], shift, scale);
        }
    }

    /// <summary>
    /// A blend of content and popularity, in place of <paramref name="content"/>: wc x content
    /// (standardised as <see cref="Standardise"/> does) + wp x popularity, in double precision, eight items at a time,
    /// each exactly as one at a time would be. Returns the largest bracket in magnitude, NaN brackets aside (infinite
    /// where a content score is). The hybrid adds its factor part to these brackets for a known user; for a viewer a
    /// model does not know, they are the answer.
    /// </summary>
    internal static float Brackets(Span<float> content, ReadOnlySpan<float> popularity, double wc, double wp)
    {
        var (cShift, cScale) = Moments(content);
        ref var c = ref MemoryMarshal.GetReference(content);
        ref var p = ref MemoryMarshal.GetReference(popularity);
        var (cShifts, cScales) = (Vector256.Create(cShift), Vector256.Create(cScale));
        var contentWeight = Vector256.Create(wc);
        var popularityWeight = Vector256.Create(wp);
        var largest = Vector256<float>.Zero;
        var i = 0;
        for (; i + 8 <= content.Length; i += 8)
        {
            var content8 = ZScores(Vector256.LoadUnsafe(ref c, (nuint)i), cShifts, cScales);
            var popularity8 = Vector256.LoadUnsafe(ref p, (nuint)i);
            Vector256<float> bracket;
            if (Avx512F.IsSupported)
            {
                // The same products and sums, eight doubles to a register: one conversion each way, not two.
                var sum = (Vector512.Create(wc) * Avx512F.ConvertToVector512Double(content8)) + (Vector512.Create(wp) * Avx512F.ConvertToVector512Double(popularity8));
                bracket = Avx512F.ConvertToVector256Single(sum);
            }
            else
            {
                var (contentLow, contentHigh) = Vector256.Widen(content8);
                var (popularityLow, popularityHigh) = Vector256.Widen(popularity8);
                bracket = Vector256.Narrow((contentWeight * contentLow) + (popularityWeight * popularityLow), (contentWeight * contentHigh) + (popularityWeight * popularityHigh));
            }

            bracket.StoreUnsafe(ref c, (nuint)i);

            // An item with a NaN bracket blends to NaN, which no selection takes.
            largest = Larger(largest, bracket);
        }

        var result = Largest(largest);
        for (; i < content.Length; i++)
        {
            content[i] = (float)((wc * ZScore(content[i], cShift, cScale)) + (wp * popularity[i]));
            result = Larger(result, content[i]);
        }

        return result;
    }

    /// <summary>
    /// The shift and scale that standardise the finite entries (mean and 1 / standard deviation, summed in double
    /// precision eight floats at a time); 0 and 1, which change nothing, when there are none.
    /// </summary>
    internal static (float Shift, float Scale) Moments(ReadOnlySpan<float> values)
    {
        ref var first = ref MemoryMarshal.GetReference(values);
        var sum = Vector256<double>.Zero;
        var sumSq = Vector256<double>.Zero;
        var n = 0;
        var i = 0;
        for (; i + 8 <= values.Length; i += 8)
        {
            var v = Vector256.LoadUnsafe(ref first, (nuint)i);
            var finite = Vector256.Equals(v - v, Vector256<float>.Zero);
            var clean = Vector256.ConditionalSelect(finite, v, Vector256<float>.Zero);
            n += BitOperations.PopCount(finite.ExtractMostSignificantBits());
            var (lower, upper) = Vector256.Widen(clean);
            sum += lower + upper;
            sumSq += (lower * lower) + (upper * upper);
        }

        double total = Vector256.Sum(sum), totalSq = Vector256.Sum(sumSq);
        for (; i < values.Length; i++)
        {
            if (float.IsFinite(values[i]))
            {
                total += values[i];
                totalSq += (double)values[i] * values[i];
                n++;
            }
        }

        if (n == 0)
        {
            return (0, 1);
        }

        var mean = total / n;
        var sd = Math.Sqrt(Math.Max((totalSq / n) - (mean * mean), 1e-12));
        return ((float)mean, (float)(1 / sd));
    }

    /// <summary>
    /// Multiplies <paramref name="values"/> by <paramref name="factor"/> in place, eight at a time (each product as
    /// one at a time), and returns the largest product in magnitude (NaN products aside).
    /// </summary>
    internal static float Scale(Span<float> values, float factor)
    {
        ref var first = ref MemoryMarshal.GetReference(values);
        var (factors, largest) = (Vector256.Create(factor), Vector256<float>.Zero);
        var i = 0;
        for (; i + 8 <= values.Length; i += 8)
        {
            var product = Vector256.LoadUnsafe(ref first, (nuint)i) * factors;
            product.StoreUnsafe(ref first, (nuint)i);
            largest = Larger(largest, product);
        }

        var result = Largest(largest);
        for (; i < values.Length; i++)
        {
            values[i] *= factor;
            result = Larger(result, values[i]);
        }

        return result;
    }

    // The running largest magnitude, lane by lane, with each value's magnitude taken in; a NaN counts as 0.
    private static Vector256<float> Larger(Vector256<float> largest, Vector256<float> values)
    {
        var magnitude = Vector256.Abs(values);
        return Vector256.MaxNative(largest, magnitude & Vector256.Equals(magnitude, magnitude));
    }

    private static float Larger(float largest, float value) => float.IsNaN(value) ? largest : Math.Max(largest, Math.Abs(value));

    // The largest of the lanes (all magnitudes, none NaN).
    private static float Largest(Vector256<float> lanes)
    {
        var result = 0f;
        for (var lane = 0; lane < Vector256<float>.Count; lane++)
        {
            result = Math.Max(result, lanes[lane]);
        }

        return result;
    }

    internal static Vector256<float> ZScores(Vector256<float> v, Vector256<float> shift, Vector256<float> scale) =>
        Vector256.ConditionalSelect(Vector256.Equals(v - v, Vector256<float>.Zero), (v - shift) * scale, v);

    internal static float ZScore(float v, float shift, float scale) => float.IsFinite(v) ? (v - shift) * scale : v;
}
