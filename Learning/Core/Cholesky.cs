namespace NetflixML.Learning.Core;

/// <summary>Solves a symmetric positive-definite system A x = b in place, by the Cholesky factorisation A = L L^T.</summary>
internal static class Cholesky
{
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
            for (var i = j + 1; i < k; i++)
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
}
