using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetflixML.Learning.Core;

/// <summary>
/// Builds (from outer products) and solves a symmetric positive-definite system A x = b in place, by the Cholesky
/// factorisation A = L L^T; only the lower triangle of A is used.
/// </summary>
internal static class Cholesky
{
    /// <summary>
    /// Adds <paramref name="scale"/> x the sum of y y^T over the first <paramref name="count"/> rows y of
    /// <paramref name="rows"/> to the lower triangle of <paramref name="a"/> (k x k, row by row). Each row holds
    /// <paramref name="stride"/> values: its k, then zeros up to a multiple of 4 (the stride). Four rows of A by four
    /// columns at a time, so each loaded value serves four products; blocks wholly below the diagonal are added four
    /// columns at a time.
    /// </summary>
    public static void AddOuterProducts(Span<double> a, int k, ReadOnlySpan<double> rows, int count, int stride, double scale) =>
        AddOuterProducts(a, k, rows, rows, count, stride, scale);

    /// <summary>
    /// As <see cref="AddOuterProducts(Span{double}, int, ReadOnlySpan{double}, int, int, double)"/>, with each row's
    /// own weight w: <paramref name="weighted"/> holds w y for each row y of <paramref name="rows"/> (same layout), and
    /// the sum added is of w y y^T, which may be negative.
    /// </summary>
    public static void AddOuterProducts(Span<double> a, int k, ReadOnlySpan<double> weighted, ReadOnlySpan<double> rows, int count, int stride, double scale)
    {
        if (stride % 4 != 0 || stride < k || rows.Length < count * stride || weighted.Length < count * stride || a.Length != k * k)
        {
            throw new ArgumentException($"Rows of stride {stride} (a multiple of 4, at least {k}) and a {k} x {k} matrix are needed.");
        }

        ref var w = ref MemoryMarshal.GetReference(weighted);
        ref var y = ref MemoryMarshal.GetReference(rows);
        ref var target = ref MemoryMarshal.GetReference(a);
        Span<double> block = stackalloc double[16];
        ref var sums = ref MemoryMarshal.GetReference(block);
        var factor = Vector256.Create(scale);
        for (var r0 = 0; r0 < k; r0 += 4)
        {
            for (var c0 = 0; c0 <= r0; c0 += 4)
            {
                var (s0, s1, s2, s3) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
                for (var t = 0; t < count; t++)
                {
                    var at = t * stride;
                    var columns = Vector256.LoadUnsafe(ref y, (nuint)(at + c0));
                    s0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref w, at + r0)), columns, s0);
                    s1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref w, at + r0 + 1)), columns, s1);
                    s2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref w, at + r0 + 2)), columns, s2);
                    s3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref w, at + r0 + 3)), columns, s3);
                }

                if (c0 + 4 <= r0 && r0 + 4 <= k)
                {
                    // Below the diagonal, and all four rows and columns inside A.
                    AddRow(ref target, (r0 * k) + c0, factor, s0);
                    AddRow(ref target, ((r0 + 1) * k) + c0, factor, s1);
                    AddRow(ref target, ((r0 + 2) * k) + c0, factor, s2);
                    AddRow(ref target, ((r0 + 3) * k) + c0, factor, s3);
                    continue;
                }

                s0.StoreUnsafe(ref sums, 0);
                s1.StoreUnsafe(ref sums, 4);
                s2.StoreUnsafe(ref sums, 8);
                s3.StoreUnsafe(ref sums, 12);
                for (var i = 0; i < 4 && r0 + i < k; i++)
                {
                    var r = r0 + i;
                    for (var j = 0; j < 4 && c0 + j <= r; j++)
                    {
                        a[(r * k) + c0 + j] += scale * block[(4 * i) + j];
                    }
                }
            }
        }

        static void AddRow(ref double target, int at, Vector256<double> factor, Vector256<double> sums) =>
            Vector256.FusedMultiplyAdd(factor, sums, Vector256.LoadUnsafe(ref target, (nuint)at)).StoreUnsafe(ref target, (nuint)at);
    }

    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> (k x k, row by row) with L and <paramref name="b"/> with
    /// x. Reads only the lower triangle. Returns false, leaving both partly overwritten, when A is not positive
    /// definite to working precision.
    /// </summary>
    public static bool Solve(Span<double> a, Span<double> b)
    {
        var k = b.Length;
        if (a.Length != k * k)
        {
            throw new ArgumentException($"A holds {a.Length} entries, not {k} x {k}.", nameof(a));
        }

        for (var j = 0; j < k; j++)
        {
            var row = a.Slice(j * k, j);
            var pivot = a[(j * k) + j] - DenseVector.Dot(row, row);
            if (!(pivot > 0))
            {
                return false;
            }

            var diagonal = Math.Sqrt(pivot);
            a[(j * k) + j] = diagonal;
            var i = j + 1;
            for (; i + 4 <= k; i += 4)
            {
                // Four rows against row j at once: each load of row j serves four products.
                var (d0, d1, d2, d3) = Dot4(a, i * k, k, row);
                a[(i * k) + j] = (a[(i * k) + j] - d0) / diagonal;
                a[((i + 1) * k) + j] = (a[((i + 1) * k) + j] - d1) / diagonal;
                a[((i + 2) * k) + j] = (a[((i + 2) * k) + j] - d2) / diagonal;
                a[((i + 3) * k) + j] = (a[((i + 3) * k) + j] - d3) / diagonal;
            }

            for (; i < k; i++)
            {
                a[(i * k) + j] = (a[(i * k) + j] - DenseVector.Dot(a.Slice(i * k, j), row)) / diagonal;
            }
        }

        // L y = b, then L^T x = y.
        for (var i = 0; i < k; i++)
        {
            b[i] = (b[i] - DenseVector.Dot(a.Slice(i * k, i), b[..i])) / a[(i * k) + i];
        }

        for (var i = k - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var j = i + 1; j < k; j++)
            {
                sum -= a[(j * k) + i] * b[j];
            }

            b[i] = sum / a[(i * k) + i];
        }

        return true;
    }

    // The dot products of rows at, at + k, at + 2k and at + 3k of a (their first row.Length entries) with row.
    private static (double, double, double, double) Dot4(ReadOnlySpan<double> a, int at, int k, ReadOnlySpan<double> row)
    {
        var n = row.Length;
        if (at + (3 * k) + n > a.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(at));
        }

        ref var origin = ref MemoryMarshal.GetReference(a);
        ref var r = ref MemoryMarshal.GetReference(row);
        var (s0, s1, s2, s3) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
        var c = 0;
        for (; c + 4 <= n; c += 4)
        {
            var v = Vector256.LoadUnsafe(ref r, (nuint)c);
            s0 += Vector256.LoadUnsafe(ref origin, (nuint)(at + c)) * v;
            s1 += Vector256.LoadUnsafe(ref origin, (nuint)(at + k + c)) * v;
            s2 += Vector256.LoadUnsafe(ref origin, (nuint)(at + (2 * k) + c)) * v;
            s3 += Vector256.LoadUnsafe(ref origin, (nuint)(at + (3 * k) + c)) * v;
        }

        var (d0, d1, d2, d3) = (Vector256.Sum(s0), Vector256.Sum(s1), Vector256.Sum(s2), Vector256.Sum(s3));
        for (; c < n; c++)
        {
            var v = Unsafe.Add(ref r, c);
            d0 += Unsafe.Add(ref origin, at + c) * v;
            d1 += Unsafe.Add(ref origin, at + k + c) * v;
            d2 += Unsafe.Add(ref origin, at + (2 * k) + c) * v;
            d3 += Unsafe.Add(ref origin, at + (3 * k) + c) * v;
        }

        return (d0, d1, d2, d3);
    }
}
