using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetflixML.Learning.Core;

/// <summary>
/// Dot products and scaled additions of double spans, four lanes at a time. The lanes are summed in a fixed order
/// whether or not the hardware accelerates them, so results do not depend on the machine's vector width.
/// </summary>
internal static class DenseVector
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        RequireSameLength(a.Length, b.Length);
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var n = a.Length;
        var i = 0;
        var acc0 = Vector256<double>.Zero;
        var acc1 = Vector256<double>.Zero;
        for (; i + 8 <= n; i += 8)
        {
            acc0 += Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i);
            acc1 += Vector256.LoadUnsafe(ref ra, (nuint)(i + 4)) * Vector256.LoadUnsafe(ref rb, (nuint)(i + 4));
        }

        if (i + 4 <= n)
        {
            acc0 += Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i);
            i += 4;
        }

        var sum = Vector256.Sum(acc0 + acc1);
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }

    /// <summary>target += scale x source.</summary>
    public static void AddScaled(double scale, ReadOnlySpan<double> source, Span<double> target)
    {
        RequireSameLength(source.Length, target.Length);
        ref var rs = ref MemoryMarshal.GetReference(source);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var n = source.Length;
        var s = Vector256.Create(scale);
        var i = 0;
        for (; i + 4 <= n; i += 4)
        {
            (Vector256.LoadUnsafe(ref rt, (nuint)i) + (s * Vector256.LoadUnsafe(ref rs, (nuint)i))).StoreUnsafe(ref rt, (nuint)i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rt, i) += scale * Unsafe.Add(ref rs, i);
        }
    }

    private static void RequireSameLength(int first, int second)
    {
        if (first != second)
        {
            throw new ArgumentException($"The spans differ in length ({first} and {second}).");
        }
    }
}
