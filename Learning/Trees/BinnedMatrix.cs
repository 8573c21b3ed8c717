namespace NetflixML.Learning.Trees;

/// <summary>
/// Features quantised to at most 255 value bins each (bin 0 is reserved for missing values), stored
/// feature-major as bytes so a histogram pass reads one compact column at a time.
/// Bin boundaries follow ML.NET's BinFinder: one bin per distinct value when there are few enough, otherwise
/// bins of roughly equal frequency; the threshold between two bins is the midpoint of the neighbouring values.
/// </summary>
public sealed class BinnedMatrix
{
    public const int MaxValueBins = 255;

    private BinnedMatrix(byte[] bins, int rows, int features, float[][] upperBounds)
    {
        Bins = bins;
        Rows = rows;
        Features = features;
        UpperBounds = upperBounds;
        BinCount = upperBounds.Select(u => u.Length + 1).ToArray();
        Offsets = new int[features + 1];
        for (var f = 0; f < features; f++)
        {
            Offsets[f + 1] = Offsets[f] + BinCount[f];
        }
    }

    /// <summary>bins[f * Rows + r]: 0 for missing, 1..K for the value bins.</summary>
    public byte[] Bins { get; }

    public int Rows { get; }

    public int Features { get; }

    /// <summary>Per feature, the upper bound of each value bin (the last is +infinity).</summary>
    public float[][] UpperBounds { get; }

    /// <summary>Per feature, bins including the missing bin.</summary>
    public int[] BinCount { get; }

    /// <summary>Start of each feature's bins in a flat histogram.</summary>
    public int[] Offsets { get; }

    public int TotalBins => Offsets[Features];

    public ReadOnlySpan<byte> Column(int feature) => Bins.AsSpan(feature * Rows, Rows);

    /// <summary>Finds bins on <paramref name="matrix"/> (row-major, rows x features) and quantises it.</summary>
    public static BinnedMatrix Build(float[] matrix, int rows, int features, ParallelOptions parallel, int maxBins = MaxValueBins)
    {
        var bounds = new float[features][];
        var bins = new byte[(long)rows * features];
        Parallel.For(0, features, parallel, f =>
        {
            var values = new float[rows];
            for (var r = 0; r < rows; r++)
            {
                values[r] = matrix[(long)r * features + f];
            }

            bounds[f] = FindBounds(values, maxBins);
            var column = bins.AsSpan(f * rows, rows);
            for (var r = 0; r < rows; r++)
            {
                column[r] = BinOf(values[r], bounds[f]);
            }
        });
        return new BinnedMatrix(bins, rows, features, bounds);
    }

    public static byte BinOf(float value, float[] upperBounds)
    {
        if (float.IsNaN(value))
        {
            return 0;
        }

        int lo = 0, hi = upperBounds.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (value <= upperBounds[mid])
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return (byte)(lo + 1);
    }

    /// <summary>Upper bounds of the value bins for one feature (NaNs ignored; empty gives a single bin).</summary>
    public static float[] FindBounds(float[] values, int maxBins)
    {
        var present = SortPresent(values);
        if (present.Length == 0)
        {
            return [float.PositiveInfinity];
        }

        var distinct = new List<float>();
        var counts = new List<int>();
        foreach (var v in present)
        {
            if (distinct.Count > 0 && distinct[^1] == v)
            {
                counts[^1]++;
            }
            else
            {
                distinct.Add(v);
                counts.Add(1);
            }
        }

        var bounds = new List<float>();
        if (distinct.Count <= maxBins)
        {
            for (var i = 0; i + 1 < distinct.Count; i++)
            {
                bounds.Add(Midpoint(distinct[i], distinct[i + 1]));
            }
        }
        else
        {
            // Greedy equal-frequency cuts; the target adapts to what remains so the bins come out even.
            var remaining = present.Length;
            var binsLeft = maxBins;
            var accumulated = 0;
            for (var i = 0; i + 1 < distinct.Count && binsLeft > 1; i++)
            {
                accumulated += counts[i];
                var target = remaining / (double)binsLeft;
                var next = counts[i + 1];
                // Cut here when this bin is full, or when adding the next value would overshoot more than stopping.
                if (accumulated >= target || accumulated + next - target > target - accumulated)
                {
                    bounds.Add(Midpoint(distinct[i], distinct[i + 1]));
                    remaining -= accumulated;
                    binsLeft--;
                    accumulated = 0;
                }
            }
        }

        bounds.Add(float.PositiveInfinity);
        return [.. bounds];
    }

    /// <summary>
    /// The non-missing values in ascending order, by a three-pass LSD radix sort on order-preserving bit patterns
    /// (several times faster than a comparison sort on a column of 80,000 floats, which dominated bin finding).
    /// </summary>
    internal static float[] SortPresent(float[] values)
    {
        var keys = new uint[values.Length];
        var n = 0;
        foreach (var v in values)
        {
            if (!float.IsNaN(v))
            {
                // -0 and +0 compare equal; give them one key so they form one distinct value.
                var bits = BitConverter.SingleToUInt32Bits(v == 0 ? 0f : v);
                keys[n++] = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
            }
        }

        var source = keys.AsSpan(0, n);
        var buffer = new uint[n];
        var target = buffer.AsSpan();
        Span<int> counts = stackalloc int[2048];
        for (var shift = 0; shift < 32; shift += 11)
        {
            counts.Clear();
            foreach (var k in source)
            {
                counts[(int)((k >> shift) & 2047)]++;
            }

            var sum = 0;
            for (var d = 0; d < 2048; d++)
            {
                var c = counts[d];
                counts[d] = sum;
                sum += c;
            }

            foreach (var k in source)
            {
                target[counts[(int)((k >> shift) & 2047)]++] = k;
            }

            var swap = source;
            source = target;
            target = swap;
        }

        var sorted = new float[n];
        for (var i = 0; i < n; i++)
        {
            var k = source[i];
            sorted[i] = BitConverter.UInt32BitsToSingle((k & 0x8000_0000u) != 0 ? k & 0x7FFF_FFFFu : ~k);
        }

        return sorted;
    }

    private static float Midpoint(float a, float b)
    {
        var mid = a / 2 + b / 2;
        // Adjacent floats can round the midpoint onto b; the bound must stay below b so b lands in the next bin.
        return mid >= b ? a : mid;
    }
}
