using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetflixML.Learning.Recommendation;

/// <summary>
/// An 8-bit copy of a factor model's item vectors, for finding a user's top n without streaming every float vector.
/// At rank 64 the float vectors of 10,000 items are 2.5 MB, more than many cores' L2 cache, and a scan of them is
/// bound by memory; the codes are a quarter of that. Each item i keeps codes q_i (|q| &lt;= 127) and a scale s_i with
/// y_i ~ s_i q_i; the user's vector is coded the same way per call (in 16 bits, or 8 with VNNI), and the two are
/// multiplied exactly in integers. Each estimate comes with a bound on how far the float score x . y_i can lie from
/// it, so <see cref="Select"/> scores exactly only the items whose upper bound reaches the n-th best lower bound, and
/// returns what selecting from every item's float score would have: the same items, order and scores.
/// </summary>
/// <remarks>
/// The bound: with x the user's vector, x~ its coded value and y~_i = s_i q_i, the real x . y_i differs from
/// x~ . y~_i by x . (y_i - y~_i) + (x - x~) . y~_i, at most |x| |y_i - y~_i| + |x - x~| |y~_i| (Cauchy-Schwarz). The
/// float dot product the model scores with, and the estimate's own float steps, are each within a relative
/// <see cref="Slack"/> of |x| (|y~_i| + |y_i - y~_i|), which the bound adds; norms are rounded up when stored.
/// Codes are stored offset by 128 as bytes (1 to 255), sixteen items at a time, each item's four dimensions of a
/// quad together, so that one AVX-VNNI instruction multiplies eight items' four codes by the user's and adds them
/// (the user's codes are then 8-bit), or, without VNNI, 16-bit multiply-and-add instructions take four items (AVX2)
/// or eight (AVX-512) a quad each. The offset adds 128 times the sum of the user's codes to every dot product, which
/// is taken off again; integer sums wrap, so the result is exact whenever the true sum fits in 32 bits. Where AVX2
/// is missing, models score every item in floats instead.
/// </remarks>
internal sealed class QuantisedItemFactors
{
    private const int BlockItems = 16;
    private const int Lanes = 8;

    // Added to every item code (-127 to 127) so that it is an unsigned byte, as VNNI's multiply takes it.
    private const byte CodeOffset = 128;

    [ThreadStatic]
    private static long[]? _userQuads;

    [ThreadStatic]
    private static float[]? _candidateScores;

    [ThreadStatic]
    private static int[]? _candidateItems;

    // The bound's coefficients this thread last computed, and for which model and user vector (its bits): the
    // selection after a scan needs the same ones again.
    [ThreadStatic]
    private static QuantisedItemFactors? _coefficientsModel;

    [ThreadStatic]
    private static float[]? _coefficientsUser;

    [ThreadStatic]
    private static (float A, float B) _coefficients;

    // Per block of sixteen items and per quad of dimensions, the sixteen items' four codes, each plus 128.
    private readonly byte[] _codes;

    // Per item (padded to whole blocks): the code scale; 0 for a trained item and negative infinity otherwise (and
    // for padding), added to the estimate; |y_i - s_i q_i| and |s_i q_i|, each rounded up.
    private readonly float[] _scale;
    private readonly float[] _offset;
    private readonly float[] _residualNorm;
    private readonly float[] _codedNorm;
    private readonly float[] _factors;

    // The largest |y_i - s_i q_i| and |s_i q_i| over the trained items: with the user's coefficients they bound every
    // such item's bound width, which lets the selection pass over most items by their lower bound alone. An untrained
    // item's factor bound is negative infinity whatever its width, so its blend does not rise with it.
    private readonly float _widestResidual;
    private readonly float _widestCoded;
    private readonly int _rank;
    private readonly int _quads;
    private readonly int _userCodeLimit;

    /// <param name="factors">The float item vectors, row by row; kept (not copied) to score candidates exactly.</param>
    /// <param name="rank">Their length.</param>
    /// <param name="trained">Which items have vectors; the rest are never selected.</param>
    /// <param name="kernel">The instructions to multiply with (the fastest this machine has; tests compare them all).</param>
    public QuantisedItemFactors(float[] factors, int rank, ReadOnlySpan<bool> trained, DotKernel? kernel = null)
    {
        _factors = factors;
        _rank = rank;
        Kernel = kernel ?? Kernels[^1];
        if (!Kernels.Contains(Kernel))
        {
            throw new PlatformNotSupportedException($"This machine cannot run the {Kernel} form of the 8-bit scan.");
        }

        Items = trained.Length;
        _quads = (rank + 3) / 4;
        var blocks = (Items + BlockItems - 1) / BlockItems;
        _codes = new byte[blocks * _quads * BlockItems * 4];
        var padded = blocks * BlockItems;
        _scale = new float[padded];
        _offset = new float[padded];
        _residualNorm = new float[padded];
        _codedNorm = new float[padded];
        _offset.AsSpan().Fill(float.NegativeInfinity);

        // Codes of 0 (128 stored) pad the last quad and the last block.
        _codes.AsSpan().Fill(CodeOffset);

        // VNNI multiplies bytes, so the user's codes must fit in 8 bits; 16-bit codes are shortened further where the
        // largest dot product (every item code 127 against the user's largest) would not fit in 32 bits.
        var userLimit = Kernel == DotKernel.Vnni ? sbyte.MaxValue : short.MaxValue;
        _userCodeLimit = (int)Math.Min(userLimit, int.MaxValue / (4L * _quads * sbyte.MaxValue));
        for (var i = 0; i < Items; i++)
        {
            var vector = factors.AsSpan(i * rank, rank);
            var scale = Scale(vector, sbyte.MaxValue);
            for (var k = 0; k < rank; k++)
            {
                _codes[CodeIndex(i, k)] = (byte)(Code(vector[k], scale, sbyte.MaxValue) + CodeOffset);
            }

            var (_, residual, coded) = Norms(vector, scale, sbyte.MaxValue);
            _scale[i] = scale;
            _offset[i] = trained[i] ? 0 : float.NegativeInfinity;
            _residualNorm[i] = RoundUp(residual);
            _codedNorm[i] = RoundUp(coded);
            if (trained[i])
            {
                _widestResidual = Math.Max(_widestResidual, _residualNorm[i]);
                _widestCoded = Math.Max(_widestCoded, _codedNorm[i]);
            }
        }
    }

    /// <summary>The kernels this machine can run, slowest first.</summary>
    public static IReadOnlyList<DotKernel> Kernels { get; } =
    [
        .. Avx2.IsSupported ? [DotKernel.Avx2] : Array.Empty<DotKernel>(),
        .. Avx512BW.IsSupported ? [DotKernel.Avx512] : Array.Empty<DotKernel>(),
        .. AvxVnni.IsSupported ? [DotKernel.Vnni] : Array.Empty<DotKernel>(),
    ];

    public DotKernel Kernel { get; }

    /// <summary>Whether this machine runs the 8-bit scan (AVX2); without it models score every item in floats.</summary>
    public static bool IsSupported => Kernels.Count > 0;

    public int Items { get; }

    /// <summary>
    /// Relative allowance for float rounding: in the float dot product of <paramref name="rank"/> terms the exact
    /// scores come from (at most about rank x 2^-24 of |x| |y_i|) and in the estimate's few steps, with room to spare.
    /// </summary>
    internal static double Slack(int rank) => Math.Max(1e-4, 4.0 * rank / (1 << 24));

    /// <summary>
    /// Writes a lower bound on the float score x . y_i of every item into <paramref name="lower"/> (negative infinity
    /// for untrained items): the estimate less the bound on its error.
    /// </summary>
    public void LowerBounds(ReadOnlySpan<float> user, Span<float> lower) => LowerBounds(user, lower, lower, default(FactorScore));

    /// <summary>
    /// The same lower bounds, and <paramref name="blend"/> of each in <paramref name="blended"/>, written while the
    /// bounds are still in registers rather than in a second pass over the catalogue. Each blend is exactly what
    /// blending the stored bound one at a time gives. The two spans may be one.
    /// </summary>
    public unsafe void LowerBounds<TBlend>(ReadOnlySpan<float> user, Span<float> lower, Span<float> blended, TBlend blend)
        where TBlend : IFactorBlend, allows ref struct
    {
        if (lower.Length < Items || blended.Length < Items)
        {
            throw new ArgumentException($"Bounds for {Items} items need spans of that length, not {lower.Length} and {blended.Length}.");
        }

        var userScale = CodeUser(user, out var quads, out var offsetSum);
        var (a, b) = ErrorCoefficients(user);
        var (va, vb, vUserScale, vOffsetSum) = (Vector256.Create(a), Vector256.Create(b), Vector256.Create(userScale), Vector256.Create(offsetSum));
        Span<float> tail = stackalloc float[BlockItems];
        fixed (byte* codes = _codes)
        fixed (long* userQuads = quads)
        {
            for (var at = 0; at < Items; at += BlockItems)
            {
                var block = codes + ((long)at * _quads * 4);
                var (first, second) = Kernel switch
                {
                    DotKernel.Vnni => DotsVnni(block, userQuads, _quads),
                    DotKernel.Avx512 => DotsWide(block, userQuads, _quads),
                    _ => Dots(block, userQuads, _quads),
                };
                var (low, high) = (Bound(first - vOffsetSum, at), Bound(second - vOffsetSum, at + Lanes));
                if (at + BlockItems <= Items)
                {
                    low.StoreUnsafe(ref MemoryMarshal.GetReference(lower), (nuint)at);
                    high.StoreUnsafe(ref MemoryMarshal.GetReference(lower), (nuint)(at + Lanes));
                    blend.Blend(low, at).StoreUnsafe(ref MemoryMarshal.GetReference(blended), (nuint)at);
                    blend.Blend(high, at + Lanes).StoreUnsafe(ref MemoryMarshal.GetReference(blended), (nuint)(at + Lanes));
                    continue;
                }

                // A last, short block: what the blend reads ends with the catalogue, so one item at a time.
                low.StoreUnsafe(ref MemoryMarshal.GetReference(tail));
                high.StoreUnsafe(ref MemoryMarshal.GetReference(tail), Lanes);
                for (var i = at; i < Items; i++)
                {
                    lower[i] = tail[i - at];
                    blended[i] = blend.Blend(tail[i - at], i);
                }
            }
        }

        Vector256<float> Bound(Vector256<int> dots, int at)
        {
            var estimate = (Vector256.ConvertToSingle(dots) * (vUserScale * Load(_scale, at))) + Load(_offset, at);
            return estimate - ((va * Load(_residualNorm, at)) + (vb * Load(_codedNorm, at)));
        }
    }

    /// <summary>
    /// The exact top n of <paramref name="blend"/>(x . y_i), for a blend that never falls as the factor score rises
    /// (the factor score itself, or the hybrid's blend). <paramref name="factorLower"/> holds what
    /// <see cref="LowerBounds"/> wrote and <paramref name="lower"/> the blend of it, with excluded items since set to
    /// negative infinity (and items a filter leaves out, see <see cref="TopN.Restrict"/>): the two may be one span.
    /// Every item whose blend at its upper bound reaches the n-th best of <paramref name="lower"/> is blended at its
    /// float score, and the best of those are selected. Returns how many were written; <paramref name="rescored"/> is
    /// how many items were scored exactly.
    /// </summary>
    public int Select<TBlend>(ReadOnlySpan<float> user, ReadOnlySpan<float> factorLower, ReadOnlySpan<float> lower, Span<ScoredItem> destination, TBlend blend, out int rescored)
        where TBlend : IFactorBlend, allows ref struct
    {
        rescored = 0;
        if (destination.IsEmpty)
        {
            return 0;
        }

        // With fewer than n items left, each of them is in the answer.
        var found = TopN.Select(lower, destination);
        var threshold = found == destination.Length ? destination[found - 1].Score : float.NegativeInfinity;
        var (a, b) = ErrorCoefficients(user);

        // No item's bound is wider than rise (each width is computed in floats, within a few roundings of its real
        // value), nor is a lower bound, or one raised by its width, further than magnitude from zero: |x~ . y~_i| is
        // at most |x~| |y~_i|, and |x~| at most a + b. So an item whose blend at its lower bound is below the floor
        // these give cannot reach the threshold at its upper bound, and most items are passed over after one
        // comparison, without reading their widths, factor bounds or anything the blend reads.
        var rise = ((2.0 * a * _widestResidual) + (2.0 * b * _widestCoded)) * (1 + 1e-4);
        var magnitude = (((a + b) * _widestCoded) + rise) * (1 + 1e-4);
        var floor = blend.Floor(threshold, rise, magnitude);

        // What a candidate's lower blend must reach: the floor, and in any case a finite value, since items at
        // negative infinity (excluded, or with no vector and no blend) never are. A NaN floor, only from infinite
        // inputs (a vector too long for floats), rules nothing else out.
        var bar = floor >= float.MinValue ? floor : float.MinValue;
        var bars = Vector256.Create(bar);
        var scores = ThreadScratch.Get(ref _candidateScores, Items);
        var items = ThreadScratch.Get(ref _candidateItems, Items);
        ref var bound = ref MemoryMarshal.GetReference(lower);
        for (var at = 0; at < Items; at += Lanes)
        {
            while (at + Lanes <= Items && !Vector256.GreaterThanOrEqualAny(Vector256.LoadUnsafe(ref bound, (nuint)at), bars))
            {
                at += Lanes;
            }

            for (var item = at; item < Math.Min(at + Lanes, Items); item++)
            {
                if (!(lower[item] >= bar))
                {
                    continue;
                }

                var upper = blend.Blend(factorLower[item] + ((2 * a * _residualNorm[item]) + (2 * b * _codedNorm[item])), item);
                if (upper >= threshold)
                {
                    items[rescored++] = item;
                }
            }
        }

        // The candidates' float vectors are mostly out of cache (the codes are what the scan keeps near): ask for
        // them all first, so that the memory fetches overlap instead of each waiting on the last.
        Prefetch(items[..rescored]);
        for (var j = 0; j < rescored; j++)
        {
            scores[j] = blend.Blend(Score(user, items[j]), items[j]);
        }

        // Candidates are in item order, so ties still go to the lower item index.
        var written = TopN.Select(scores[..rescored], destination);
        for (var j = 0; j < written; j++)
        {
            destination[j] = destination[j] with { Item = items[destination[j].Item] };
        }

        return written;
    }

    /// <summary>Asks for the float vectors of <paramref name="items"/> to be brought into cache (every line of each row).</summary>
    private unsafe void Prefetch(ReadOnlySpan<int> items)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var bytes = _rank * sizeof(float);
        fixed (float* factors = _factors)
        {
            foreach (var item in items)
            {
                var row = (byte*)(factors + ((long)item * _rank));
                for (var offset = 0; offset < bytes; offset += 64)
                {
                    Sse.Prefetch0(row + offset);
                }

                // A row that does not start on a line ends in one more.
                Sse.Prefetch0(row + bytes - 1);
            }
        }
    }

    /// <summary>The float score x . y_i itself (negative infinity for an item with no vector).</summary>
    public unsafe float Score(ReadOnlySpan<float> user, int item)
    {
        fixed (float* x = user)
        fixed (float* y = &_factors[item * _rank])
        {
            return _offset[item] + MatrixFactorizationTrainer.Dot(x, y, _rank);
        }
    }

    /// <summary>
    /// Sixteen items' integer dot products with the user's 16-bit codes (plus the offset's share), four items at a
    /// time (AVX2): each multiply-and-add gives an item's two halves of a quad side by side, added at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<int> First, Vector256<int> Second) Dots(byte* block, long* userQuads, int quads)
    {
        Vector256<int> a = default, b = default, c = default, d = default;
        for (var end = userQuads + quads; userQuads < end; userQuads++, block += 4 * BlockItems)
        {
            var quad = Vector256.Create(userQuads[0]).AsInt16();
            var (low, high) = Vector256.Widen(Vector256.Load(block));
            a = Avx2.Add(a, Avx2.MultiplyAddAdjacent(low.AsInt16(), quad));
            b = Avx2.Add(b, Avx2.MultiplyAddAdjacent(high.AsInt16(), quad));
            (low, high) = Vector256.Widen(Vector256.Load(block + 32));
            c = Avx2.Add(c, Avx2.MultiplyAddAdjacent(low.AsInt16(), quad));
            d = Avx2.Add(d, Avx2.MultiplyAddAdjacent(high.AsInt16(), quad));
        }

        // The pairwise sums come out as items 0, 1, 4, 5 | 2, 3, 6, 7; the 64-bit permute puts them in order.
        return (Avx2.Permute4x64(Avx2.HorizontalAdd(a, b).AsInt64(), 0b11_01_10_00).AsInt32(), Avx2.Permute4x64(Avx2.HorizontalAdd(c, d).AsInt64(), 0b11_01_10_00).AsInt32());
    }

    /// <summary>The same sums eight items at a time (AVX-512BW), the halves added by picking even and odd lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<int> First, Vector256<int> Second) DotsWide(byte* block, long* userQuads, int quads)
    {
        Vector512<int> low = default, high = default;
        for (var end = userQuads + quads; userQuads < end; userQuads++, block += 4 * BlockItems)
        {
            var quad = Vector512.Create(userQuads[0]).AsInt16();
            var (first, second) = Vector512.Widen(Vector512.Load(block));
            low = Avx512F.Add(low, Avx512BW.MultiplyAddAdjacent(first.AsInt16(), quad));
            high = Avx512F.Add(high, Avx512BW.MultiplyAddAdjacent(second.AsInt16(), quad));
        }

        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var sum = Avx512F.PermuteVar16x32x2(low, even, high) + Avx512F.PermuteVar16x32x2(low, even + Vector512<int>.One, high);
        return (sum.GetLower(), sum.GetUpper());
    }

    /// <summary>
    /// The same sums with the user's 8-bit codes, eight items' quads to one multiply-and-add of bytes (AVX-VNNI);
    /// even and odd quads in separate sums, so that each instruction need not wait for the last.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<int> First, Vector256<int> Second) DotsVnni(byte* block, long* userQuads, int quads)
    {
        Vector256<int> a = default, b = default, c = default, d = default;
        var end = userQuads + quads;
        for (; userQuads + 1 < end; userQuads += 2, block += 4 * BlockItems * 2)
        {
            var quad = Vector256.Create((int)userQuads[0]).AsSByte();
            var next = Vector256.Create((int)userQuads[1]).AsSByte();
            a = AvxVnni.MultiplyWideningAndAdd(a, Vector256.Load(block), quad);
            b = AvxVnni.MultiplyWideningAndAdd(b, Vector256.Load(block + 32), quad);
            c = AvxVnni.MultiplyWideningAndAdd(c, Vector256.Load(block + 64), next);
            d = AvxVnni.MultiplyWideningAndAdd(d, Vector256.Load(block + 96), next);
        }

        if (userQuads < end)
        {
            var quad = Vector256.Create((int)userQuads[0]).AsSByte();
            a = AvxVnni.MultiplyWideningAndAdd(a, Vector256.Load(block), quad);
            b = AvxVnni.MultiplyWideningAndAdd(b, Vector256.Load(block + 32), quad);
        }

        return (a + c, b + d);
    }

    private static Vector256<float> Load(float[] values, int at) => Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(values), (nuint)at);

    private int CodeIndex(int item, int k) =>
        ((((item / BlockItems * _quads) + (k / 4)) * BlockItems) + (item % BlockItems)) * 4 + (k % 4);

    /// <summary>The scale that codes <paramref name="vector"/>'s largest entry as <paramref name="limit"/>.</summary>
    private static float Scale(ReadOnlySpan<float> vector, int limit)
    {
        var largest = 0f;
        foreach (var v in vector)
        {
            largest = Math.Max(largest, Math.Abs(v));
        }

        return largest / limit;
    }

    private static int Code(float value, float scale, int limit) => scale > 0 ? (int)Math.Clamp(MathF.Round(value / scale), -limit, limit) : 0;

    /// <summary>|v|, |v - v~| and |v~| for <paramref name="vector"/> v and its coded value v~ (in double precision).</summary>
    private static (double Norm, double Residual, double Coded) Norms(ReadOnlySpan<float> vector, float scale, int limit)
    {
        double norm = 0, residual = 0, coded = 0;
        foreach (var v in vector)
        {
            var value = (double)scale * Code(v, scale, limit);
            norm += (double)v * v;
            residual += (v - value) * (v - value);
            coded += value * value;
        }

        return (Math.Sqrt(norm), Math.Sqrt(residual), Math.Sqrt(coded));
    }

    private float UserScale(ReadOnlySpan<float> user) => Scale(user, _userCodeLimit);

    /// <summary>
    /// Codes the user's vector (in 16 bits, or 8 for VNNI), four dimensions to each long as the kernels read them;
    /// returns the scale, and in <paramref name="offsetSum"/> what the items' code offset adds to every dot product.
    /// </summary>
    private float CodeUser(ReadOnlySpan<float> user, out Span<long> quads, out int offsetSum)
    {
        var scale = UserScale(user);
        quads = ThreadScratch.Get(ref _userQuads, _quads);
        quads.Clear();
        var (bits, mask) = Kernel == DotKernel.Vnni ? (8, 0xFFL) : (16, 0xFFFFL);
        var sum = 0;
        for (var k = 0; k < _rank; k++)
        {
            var code = Code(user[k], scale, _userCodeLimit);
            sum += code;
            quads[k / 4] |= (code & mask) << (bits * (k % 4));
        }

        offsetSum = unchecked(sum * CodeOffset);
        return scale;
    }

    /// <summary>
    /// The bound's coefficients for this user: the bound is a |y_i - y~_i| + b |y~_i|, with
    /// a = |x| (1 + slack) and b = |x - x~| + slack (|x| + |x~|).
    /// </summary>
    private (float A, float B) ErrorCoefficients(ReadOnlySpan<float> user)
    {
        if (ReferenceEquals(_coefficientsModel, this) && _coefficientsUser is { } last && last.Length >= user.Length
            && MemoryMarshal.AsBytes(user).SequenceEqual(MemoryMarshal.AsBytes(last.AsSpan(0, user.Length))))
        {
            return _coefficients;
        }

        var (norm, residual, coded) = Norms(user, UserScale(user), _userCodeLimit);
        var slack = Slack(_rank);
        _coefficients = (RoundUp(norm * (1 + slack)), RoundUp(residual + (slack * (norm + coded))));
        user.CopyTo(ThreadScratch.Get(ref _coefficientsUser, user.Length));
        _coefficientsModel = this;
        return _coefficients;
    }

    /// <summary>
    /// The nearest float at or above <paramref name="value"/>. Zero stays zero: one step up would be a subnormal, and
    /// arithmetic on subnormals is many times slower on x86.
    /// </summary>
    private static float RoundUp(double value)
    {
        var rounded = (float)value;
        return rounded < value ? MathF.BitIncrement(rounded) : rounded;
    }

    /// <summary>The nearest float at or below <paramref name="value"/>.</summary>
    internal static float RoundDown(double value)
    {
        var rounded = (float)value;
        return rounded > value ? MathF.BitDecrement(rounded) : rounded;
    }
}

/// <summary>What a selection ranks by, as a function of the factor score that never falls as the score rises.</summary>
internal interface IFactorBlend
{
    /// <summary>The ranking score of item <paramref name="item"/> at factor score <paramref name="factor"/>.</summary>
    float Blend(float factor, int item);

    /// <summary>The same for items <paramref name="at"/> to <paramref name="at"/> + 7, each exactly as one at a time.</summary>
    Vector256<float> Blend(Vector256<float> factor, int at);

    /// <summary>
    /// A value that rules items out by their blend at a lower bound alone: for any item, any factor score f with |f|
    /// at most <paramref name="magnitude"/> and any w from 0 to <paramref name="rise"/>, if Blend(f) is below it then
    /// Blend(f + w), each step rounded as floats round, is below <paramref name="threshold"/>.
    /// </summary>
    float Floor(float threshold, double rise, double magnitude);
}

/// <summary>Ranking by the factor score itself.</summary>
internal readonly struct FactorScore : IFactorBlend
{
    public float Blend(float factor, int item) => factor;

    public Vector256<float> Blend(Vector256<float> factor, int at) => factor;

    /// <summary>
    /// f + w rounds to within 2^-24 |f + w| of its value, so f + w &gt;= threshold needs f &gt;= threshold - rise -
    /// 2^-24 (magnitude + rise); 10^-4 leaves room to spare.
    /// </summary>
    public float Floor(float threshold, double rise, double magnitude) => QuantisedItemFactors.RoundDown(threshold - rise - (1e-4 * (magnitude + rise)));
}

/// <summary>The instructions the 8-bit scan multiplies codes with.</summary>
public enum DotKernel
{
    /// <summary>16-bit multiply-and-add, 256 bits wide.</summary>
    Avx2,

    /// <summary>16-bit multiply-and-add, 512 bits wide (AVX-512BW).</summary>
    Avx512,

    /// <summary>8-bit multiply-and-add of bytes (AVX-VNNI); the user's codes are 8-bit, so the bounds are wider.</summary>
    Vnni,
}
