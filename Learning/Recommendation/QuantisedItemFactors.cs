using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetflixML.Learning.Recommendation;

/// <summary>
/// An 8-bit copy of a factor model's item vectors, for finding a user's top n without streaming every float vector.
/// At rank 64 the float vectors of 10,000 items are 2.5 MB, more than many cores' L2 cache, and a scan of them is
/// bound by memory; the codes are a quarter of that. Each item i keeps codes q_i (|q| &lt;= 127) and a scale s_i with
/// y_i ~ s_i q_i; the user's vector is coded the same way in 16 bits per call, and the two are multiplied exactly in
/// integers. Each estimate comes with a bound on how far the float score x . y_i can lie from it, so
/// <see cref="Select"/> scores exactly only the items whose upper bound reaches the n-th best lower bound, and
/// returns what selecting from every item's float score would have: the same items, order and scores.
/// </summary>
/// <remarks>
/// The bound: with x the user's vector, x~ its coded value and y~_i = s_i q_i, the real x . y_i differs from
/// x~ . y~_i by x . (y_i - y~_i) + (x - x~) . y~_i, at most |x| |y_i - y~_i| + |x - x~| |y~_i| (Cauchy-Schwarz). The
/// float dot product the model scores with, and the estimate's own float steps, are each within a relative
/// <see cref="Slack"/> of |x| (|y~_i| + |y_i - y~_i|), which the bound adds; norms are rounded up when stored.
/// Codes are laid out sixteen items at a time, each pair of dimensions of the sixteen together, so one 16-bit
/// multiply-and-add instruction gives eight items (AVX2) or sixteen (AVX-512) two dimensions each. Where AVX2 is
/// missing, models score every item in floats instead.
/// </remarks>
internal sealed class QuantisedItemFactors
{
    private const int BlockItems = 16;
    private const int Lanes = 8;

    [ThreadStatic]
    private static int[]? _userPairs;

    [ThreadStatic]
    private static float[]? _candidateScores;

    [ThreadStatic]
    private static int[]? _candidateItems;

    // Per block of sixteen items and per pair of dimensions, the sixteen items' two codes.
    private readonly sbyte[] _codes;

    // Per item (padded to whole blocks): the code scale; 0 for a trained item and negative infinity otherwise (and
    // for padding), added to the estimate; |y_i - s_i q_i| and |s_i q_i|, each rounded up.
    private readonly float[] _scale;
    private readonly float[] _offset;
    private readonly float[] _residualNorm;
    private readonly float[] _codedNorm;
    private readonly float[] _factors;
    private readonly int _rank;
    private readonly int _pairs;
    private readonly int _userCodeLimit;
    private readonly bool _wide;

    /// <param name="factors">The float item vectors, row by row; kept (not copied) to score candidates exactly.</param>
    /// <param name="rank">Their length.</param>
    /// <param name="trained">Which items have vectors; the rest are never selected.</param>
    /// <param name="wide">Use 512-bit instructions (where the machine has them; tests compare the two widths).</param>
    public QuantisedItemFactors(float[] factors, int rank, ReadOnlySpan<bool> trained, bool? wide = null)
    {
        _factors = factors;
        _rank = rank;
        _wide = wide ?? Avx512BW.IsSupported;
        if ((_wide && !Avx512BW.IsSupported) || !Avx2.IsSupported)
        {
            throw new PlatformNotSupportedException("The 8-bit scan needs AVX2 (and AVX-512BW for the wide form).");
        }

        Items = trained.Length;

        // An even number of pairs, so that one 64-byte load holds two of them.
        _pairs = (rank + 3) / 4 * 2;
        var blocks = (Items + BlockItems - 1) / BlockItems;
        _codes = new sbyte[blocks * _pairs * BlockItems * 2];
        var padded = blocks * BlockItems;
        _scale = new float[padded];
        _offset = new float[padded];
        _residualNorm = new float[padded];
        _codedNorm = new float[padded];
        _offset.AsSpan().Fill(float.NegativeInfinity);

        // The integer dot product sums 2 x pairs products of a user code and an item code in 32 bits.
        _userCodeLimit = (int)Math.Min(short.MaxValue, int.MaxValue / (2L * _pairs * sbyte.MaxValue));
        for (var i = 0; i < Items; i++)
        {
            var vector = factors.AsSpan(i * rank, rank);
            var scale = Scale(vector, sbyte.MaxValue);
            for (var k = 0; k < rank; k++)
            {
                _codes[CodeIndex(i, k)] = (sbyte)Code(vector[k], scale, sbyte.MaxValue);
            }

            var (_, residual, coded) = Norms(vector, scale, sbyte.MaxValue);
            _scale[i] = scale;
            _offset[i] = trained[i] ? 0 : float.NegativeInfinity;
            _residualNorm[i] = RoundUp(residual);
            _codedNorm[i] = RoundUp(coded);
        }
    }

    /// <summary>Whether this machine runs the 8-bit scan (AVX2); without it models score every item in floats.</summary>
    public static bool IsSupported => Avx2.IsSupported;

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
    public unsafe void LowerBounds(ReadOnlySpan<float> user, Span<float> lower)
    {
        var userScale = CodeUser(user, out var pairs);
        var (a, b) = ErrorCoefficients(user, userScale);
        var (va, vb, vUserScale) = (Vector256.Create(a), Vector256.Create(b), Vector256.Create(userScale));
        Span<float> tail = stackalloc float[BlockItems];
        fixed (sbyte* codes = _codes)
        fixed (int* userPairs = pairs)
        {
            for (var at = 0; at < Items; at += BlockItems)
            {
                var block = codes + ((long)at * _pairs * 2);
                var (first, second) = _wide ? DotsWide(block, userPairs, _pairs) : Dots(block, userPairs, _pairs);
                var target = at + BlockItems <= Items ? lower.Slice(at, BlockItems) : tail;
                Bound(first, at).StoreUnsafe(ref MemoryMarshal.GetReference(target));
                Bound(second, at + Lanes).StoreUnsafe(ref MemoryMarshal.GetReference(target), Lanes);
                if (at + BlockItems > Items)
                {
                    tail[..(Items - at)].CopyTo(lower[at..]);
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
    /// negative infinity: the two may be one span. Every allowed item whose blend at its upper bound reaches the n-th
    /// best of <paramref name="lower"/> is blended at its float score, and the best of those are selected. Returns
    /// how many were written; <paramref name="rescored"/> is how many items were scored exactly.
    /// </summary>
    public int Select<TBlend>(ReadOnlySpan<float> user, ReadOnlySpan<float> factorLower, ReadOnlySpan<float> lower, Span<ScoredItem> destination, ReadOnlySpan<bool> allowed, TBlend blend, out int rescored)
        where TBlend : IFactorBlend, allows ref struct
    {
        rescored = 0;
        if (destination.IsEmpty)
        {
            return 0;
        }

        // With fewer than n allowed items, each of them is in the answer.
        var found = TopN.Select(lower, destination, allowed);
        var threshold = found == destination.Length ? destination[found - 1].Score : float.NegativeInfinity;
        var (a, b) = ErrorCoefficients(user, UserScale(user));
        var (width, codedWidth) = (Vector256.Create(2 * a), Vector256.Create(2 * b));
        var (vThreshold, unscored) = (Vector256.Create(threshold), Vector256.Create(float.NegativeInfinity));
        var scores = ThreadScratch.Get(ref _candidateScores, Items);
        var items = ThreadScratch.Get(ref _candidateItems, Items);
        ref var factor = ref MemoryMarshal.GetReference(factorLower);
        ref var bound = ref MemoryMarshal.GetReference(lower);
        for (var at = 0; at < Items; at += Lanes)
        {
            var lanes = Math.Min(Lanes, Items - at);
            var reach = (1u << lanes) - 1;
            if (lanes == Lanes)
            {
                var upper = blend.Blend(Vector256.LoadUnsafe(ref factor, (nuint)at) + ((width * Load(_residualNorm, at)) + (codedWidth * Load(_codedNorm, at))), at);
                reach = (Vector256.GreaterThanOrEqual(upper, vThreshold) & Vector256.GreaterThan(Vector256.LoadUnsafe(ref bound, (nuint)at), unscored)).ExtractMostSignificantBits();
            }

            for (; reach != 0; reach &= reach - 1)
            {
                var item = at + BitOperations.TrailingZeroCount(reach);
                var upper = blend.Blend(factorLower[item] + ((2 * a * _residualNorm[item]) + (2 * b * _codedNorm[item])), item);
                if (lower[item] > float.NegativeInfinity && upper >= threshold && (allowed.IsEmpty || allowed[item]))
                {
                    scores[rescored] = blend.Blend(Score(user, item), item);
                    items[rescored++] = item;
                }
            }
        }

        // Candidates are in item order, so ties still go to the lower item index.
        var written = TopN.Select(scores[..rescored], destination);
        for (var j = 0; j < written; j++)
        {
            destination[j] = destination[j] with { Item = items[destination[j].Item] };
        }

        return written;
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

    /// <summary>Sixteen items' integer dot products with the user's codes, eight at a time (AVX2).</summary>
    private static unsafe (Vector256<int> First, Vector256<int> Second) Dots(sbyte* block, int* userPairs, int pairs)
    {
        Vector256<int> first = default, second = default;
        for (var p = 0; p < pairs; p++)
        {
            var (low, high) = Vector256.Widen(Vector256.Load(block + (p * BlockItems * 2)));
            var pair = Vector256.Create(userPairs[p]).AsInt16();
            first = Avx2.Add(first, Avx2.MultiplyAddAdjacent(low, pair));
            second = Avx2.Add(second, Avx2.MultiplyAddAdjacent(high, pair));
        }

        return (first, second);
    }

    /// <summary>The same sums sixteen items at a time, two pairs of dimensions to each load (AVX-512BW).</summary>
    private static unsafe (Vector256<int> First, Vector256<int> Second) DotsWide(sbyte* block, int* userPairs, int pairs)
    {
        Vector512<int> even = default, odd = default;
        for (var p = 0; p < pairs; p += 2)
        {
            var (low, high) = Vector512.Widen(Vector512.Load(block + (p * BlockItems * 2)));
            even = Avx512F.Add(even, Avx512BW.MultiplyAddAdjacent(low, Vector512.Create(userPairs[p]).AsInt16()));
            odd = Avx512F.Add(odd, Avx512BW.MultiplyAddAdjacent(high, Vector512.Create(userPairs[p + 1]).AsInt16()));
        }

        var sum = even + odd;
        return (sum.GetLower(), sum.GetUpper());
    }

    private static Vector256<float> Load(float[] values, int at) => Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(values), (nuint)at);

    private int CodeIndex(int item, int k) =>
        ((((item / BlockItems * _pairs) + (k / 2)) * BlockItems) + (item % BlockItems)) * 2 + (k % 2);

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

    /// <summary>Codes the user's vector in 16 bits, two dimensions to each int (as the multiply-and-add reads them); returns the scale.</summary>
    private float CodeUser(ReadOnlySpan<float> user, out int[] pairs)
    {
        var scale = UserScale(user);
        pairs = _userPairs is { } held && held.Length >= _pairs ? held : _userPairs = new int[_pairs];
        Array.Clear(pairs, 0, _pairs);
        for (var k = 0; k < _rank; k++)
        {
            pairs[k / 2] |= (ushort)(short)Code(user[k], scale, _userCodeLimit) << (16 * (k % 2));
        }

        return scale;
    }

    /// <summary>
    /// The bound's coefficients for this user: the bound is a |y_i - y~_i| + b |y~_i|, with
    /// a = |x| (1 + slack) and b = |x - x~| + slack (|x| + |x~|).
    /// </summary>
    private (float A, float B) ErrorCoefficients(ReadOnlySpan<float> user, float scale)
    {
        var (norm, residual, coded) = Norms(user, scale, _userCodeLimit);
        var slack = Slack(_rank);
        return (RoundUp(norm * (1 + slack)), RoundUp(residual + (slack * (norm + coded))));
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
}

/// <summary>What a selection ranks by, as a function of the factor score that never falls as the score rises.</summary>
internal interface IFactorBlend
{
    /// <summary>The ranking score of item <paramref name="item"/> at factor score <paramref name="factor"/>.</summary>
    float Blend(float factor, int item);

    /// <summary>The same for items <paramref name="at"/> to <paramref name="at"/> + 7, each exactly as one at a time.</summary>
    Vector256<float> Blend(Vector256<float> factor, int at);
}

/// <summary>Ranking by the factor score itself.</summary>
internal readonly struct FactorScore : IFactorBlend
{
    public float Blend(float factor, int item) => factor;

    public Vector256<float> Blend(Vector256<float> factor, int at) => factor;
}
