using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetflixML.Learning.Core;

namespace NetflixML.Learning.Recommendation;

/// <summary>
/// Content weight in the hybrid: the factor model leads, content similarity fills in for users with little history
/// and for items the factor model never saw.
/// </summary>
public sealed record HybridOptions
{
    /// <summary>
    /// Content's share for a user with a long history (standardised scores are blended). 0.05 on the MovieLens
    /// tuning split: NDCG@10 0.4918 vs 0.4900 with none, 0.4806 with 0.2.
    /// </summary>
    public double ContentWeight { get; init; } = 0.05;

    /// <summary>
    /// History length at which the factor model gets half the trust: a user with n interactions trusts the factors
    /// n / (n + this); the rest goes to content similarity and popularity in equal parts, so new users lean on them.
    /// </summary>
    public double HistoryHalfWeight { get; init; } = 3;
}

/// <summary>
/// Implicit factors blended with content similarity and popularity. With trust t = n / (n + HistoryHalfWeight) for
/// a user with n interactions: factor weight t (1 - c), content t c + (1 - t) / 2, popularity (1 - t) / 2, where c is
/// <see cref="HybridOptions.ContentWeight"/>. Scores are standardised per user so the scales mix fairly; items the
/// factor model never saw get no factor part. A viewer the factor model does not know gets content and popularity
/// as every factor model gives them (<see cref="Recommender.NewViewerContentWeight"/>, taken from the factor model
/// it is built on).
/// </summary>
public sealed class HybridRecommender : Recommender
{
    [ThreadStatic]
    private static float[]? _scratchContent;

    [ThreadStatic]
    private static float[]? _scratchFactor;

    [ThreadStatic]
    private static double[]? _scratchUser;

    // A known user's history and the titles new since training, as the updated user's history.
    [ThreadStatic]
    private static int[]? _scratchItems;

    // The factor weight and moments ScoreKnownUser blended this thread's last user with (or ScoreSimilar its last
    // item), and its largest bracket (in magnitude), for SelectKnownUser (or SelectSimilar).
    [ThreadStatic]
    private static (float Weight, float Shift, float Scale, float Bracket) _scratchBlend;

    // Whether ScoreNewUser folded this thread's last viewer in, or ScoreUpdatedUser updated its last user (and
    // SelectNewUser finishes with that vector as for a known user).
    [ThreadStatic]
    private static bool _scratchFolded;

    public HybridRecommender(ImplicitFactorModel factors, HybridOptions? options = null)
        : base(factors)
    {
        Factors = factors;
        Options = options ?? new HybridOptions();
        if (Options.ContentWeight is < 0 or > 1 || Options.HistoryHalfWeight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Content weights lie in [0, 1]; the half-weight history is non-negative.");
        }
    }

    public ImplicitFactorModel Factors { get; }

    public HybridOptions Options { get; }

    public override string Name => "hybrid";

    public override string Kind => "hybrid";

    /// <summary>The blend's options, with the factor model's options nested under "factors".</summary>
    public override string OptionsJson
    {
        get
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Options))!.AsObject();
            node["factors"] = System.Text.Json.Nodes.JsonNode.Parse(Factors.OptionsJson);
            return node.ToJsonString();
        }
    }

    /// <summary>The factor, content and popularity weights for a user with <paramref name="history"/> interactions.</summary>
    public (double Factor, double Content, double Popularity) Weights(int history)
    {
        var trust = history / (history + Options.HistoryHalfWeight);
        return (trust * (1 - Options.ContentWeight), trust * Options.ContentWeight + (1 - trust) / 2, (1 - trust) / 2);
    }

    public double FactorWeight(int history) => Weights(history).Factor;

    /// <summary>
    /// The blend of every item (<see cref="StandardScores.Brackets"/>, then <see cref="AddFactor"/>), or, where the
    /// factor model finds its top n from 8-bit vectors, the blend of each item's lower bound on its factor score: a
    /// lower bound on the blend, since the blend never falls as the factor score rises. The factor bounds, the brackets
    /// and the blend's factor weight and moments stay in per-thread buffers, from which <see cref="SelectKnownUser"/>
    /// finishes the selection exactly.
    /// </summary>
    protected override RecommendationSource ScoreKnownUser(int user, Span<float> scores)
    {
        var start = History.UserStart[user];
        var count = History.UserStart[user + 1] - start;
        var led = ScoreFor(Factors.UserVector(user), History.UserItems.AsSpan(start, count), scores);

        // Content's weight, t c + (1 - t) / 2, is never below popularity's, (1 - t) / 2: where the factors do not
        // lead, content and popularity do together.
        return led ? RecommendationSource.FactorModel : RecommendationSource.ContentAndPopularity;
    }

    /// <summary>
    /// Exactly the best blends: every item whose blend, at its factor score's upper bound, reaches the n-th
    /// best lower bound is blended with its float factor score, and the best of those are selected, as selecting from
    /// every item's exact blend would.
    /// </summary>
    protected override int SelectKnownUser(int user, Span<float> scores, Span<ScoredItem> destination) =>
        SelectFor(Factors.UserVector(user), scores, destination);

    public override bool CanFoldInNewViewers => Factors.CanFoldInNewViewers;

    /// <summary>
    /// A folded-in viewer (<see cref="ImplicitFactorModel.FoldIn"/>) blended as a known user with the titles they gave
    /// as history would be; the factor model's answer to a viewer it does not know otherwise.
    /// </summary>
    protected override RecommendationSource ScoreNewUser(ReadOnlySpan<int> seen, Span<float> scores)
    {
        var viewer = default(ReadOnlySpan<float>);
        _scratchFolded = FoldsInNewViewers && Factors.FoldIn(seen, out viewer);
        if (!_scratchFolded)
        {
            return base.ScoreNewUser(seen, scores);
        }

        return ScoreFor(viewer, seen, scores) ? RecommendationSource.FactorModelFoldIn : RecommendationSource.ContentAndPopularity;
    }

    protected override int SelectNewUser(RecommendationSource source, Span<float> scores, Span<ScoredItem> destination) =>
        _scratchFolded ? SelectFor(Factors.Viewer, scores, destination) : base.SelectNewUser(source, scores, destination);

    /// <summary>
    /// The user's vector moved by the titles new since training (<see cref="ImplicitFactorModel.Update"/>), blended as a
    /// known user with those titles added to their history would be.
    /// </summary>
    protected override RecommendationSource? ScoreUpdatedUser(int user, ReadOnlySpan<int> recent, Span<float> scores)
    {
        if (!Factors.Update(user, recent, out var updated))
        {
            return null;
        }

        var start = History.UserStart[user];
        var history = History.UserItems.AsSpan(start, History.UserStart[user + 1] - start);
        var items = ThreadScratch.Get(ref _scratchItems, history.Length + recent.Length);
        history.CopyTo(items);
        var n = history.Length;
        foreach (var item in recent)
        {
            if ((uint)item < (uint)Catalog.Count && history.BinarySearch(item) < 0)
            {
                items[n++] = item;
            }
        }

        _scratchFolded = true;
        return ScoreFor(updated, items[..n], scores) ? RecommendationSource.FactorModelFoldIn : RecommendationSource.ContentAndPopularity;
    }

    // Writes the blend (or its lower bounds) for the user vector x with these items as history, keeping what
    // SelectFor needs in this thread's buffers; true when the factors lead.
    private bool ScoreFor(ReadOnlySpan<float> x, ReadOnlySpan<int> items, Span<float> scores)
    {
        var bracket = ThreadScratch.Get(ref _scratchContent, scores.Length);
        Content.ScoreProfile(items, default, bracket);
        var (wf, wc, wp) = Weights(items.Length);
        var largest = StandardScores.Brackets(bracket, PopularityScore, wc, wp);
        var factor = ThreadScratch.Get(ref _scratchFactor, scores.Length);
        var moments = FactorMoments(x);
        _scratchBlend = ((float)wf, moments.Shift, moments.Scale, largest);
        if (Factors.Quantised is { } quantised)
        {
            quantised.LowerBounds(x, factor, scores, new FactorBlend(bracket, (float)wf, moments));
        }
        else
        {
            Factors.ScoreVector(x, factor);
            AddFactor(factor, bracket, (float)wf, moments, scores);
        }

        return wf >= 0.5;
    }

    private int SelectFor(ReadOnlySpan<float> x, Span<float> scores, Span<ScoredItem> destination)
    {
        if (Factors.Quantised is not { } quantised || destination.IsEmpty)
        {
            return TopN.Select(scores, destination);
        }

        var factor = ThreadScratch.Get(ref _scratchFactor, scores.Length);
        var bracket = ThreadScratch.Get(ref _scratchContent, scores.Length);
        var (wf, shift, scale, largest) = _scratchBlend;
        return quantised.Select(x, factor, scores, destination, new FactorBlend(bracket, wf, (shift, scale), largest), out _);
    }

    /// <summary>
    /// The shift and scale that standardise this user's factor scores over the items with vectors, from the vectors'
    /// mean m and second moment G: mean x . m, mean square x' G x. The same figures summing every score would give, but
    /// without computing them, so the blend's bounds and its exact values share one standardisation.
    /// </summary>
    internal (float Shift, float Scale) FactorMoments(ReadOnlySpan<float> user)
    {
        var moments = Factors.Moments;
        if (moments.Items == 0)
        {
            return (0, 1);
        }

        var k = user.Length;
        var x = ThreadScratch.Get(ref _scratchUser, k);
        for (var a = 0; a < k; a++)
        {
            x[a] = user[a];
        }

        var mean = DenseVector.Dot(x, moments.Mean);
        double square = 0;
        for (var a = 0; a < k; a++)
        {
            square += x[a] * DenseVector.Dot(moments.SecondMoment.AsSpan(a * k, k), x);
        }

        var sd = Math.Sqrt(Math.Max(square - (mean * mean), 1e-12));
        return ((float)mean, (float)(1 / sd));
    }

    /// <summary>
    /// (1 - c) x the factor cosine + c x the content cosine, where c is <see cref="HybridOptions.ContentWeight"/>:
    /// content similarity alone for an item with no factor vector, and c x it for each other item without one. The
    /// content part is each item's bracket and the cosine its factor score, blended as a known user's (unstandardised:
    /// both are cosines), so that where the factor model has 8-bit vectors this writes the blend of each cosine's lower
    /// bound and <see cref="SelectSimilar"/> finishes the selection exactly.
    /// </summary>
    protected override SimilaritySource ScoreSimilar(int item, Span<float> scores)
    {
        var cosines = Factors.Cosines;
        if (!cosines.Covers(item))
        {
            Content.ScoreSimilar(item, scores);
            return SimilaritySource.Content;
        }

        var bracket = ThreadScratch.Get(ref _scratchContent, scores.Length);
        Content.ScoreSimilar(item, bracket);
        var c = (float)Options.ContentWeight;
        var largest = StandardScores.Scale(bracket, c);

        var factor = ThreadScratch.Get(ref _scratchFactor, scores.Length);
        _scratchBlend = (1 - c, 0, 1, largest);
        if (cosines.Quantised is { } quantised)
        {
            quantised.LowerBounds(cosines.Unit(item), factor, scores, new FactorBlend(bracket, 1 - c, (0, 1)));
        }
        else
        {
            cosines.ScoreEvery(item, factor);
            AddFactor(factor, bracket, 1 - c, (0, 1), scores);
        }

        return c switch
        {
            <= 0 => SimilaritySource.Interactions,
            >= 1 => SimilaritySource.Content,
            _ => SimilaritySource.InteractionsAndContent,
        };
    }

    /// <summary>The same items, in the same order with the same scores, as blending every item's float cosine.</summary>
    protected override int SelectSimilar(int item, Span<float> scores, Span<ScoredItem> destination)
    {
        var cosines = Factors.Cosines;
        if (cosines.Quantised is not { } quantised || !cosines.Covers(item) || destination.IsEmpty)
        {
            return base.SelectSimilar(item, scores, destination);
        }

        var factor = ThreadScratch.Get(ref _scratchFactor, scores.Length);
        var bracket = ThreadScratch.Get(ref _scratchContent, scores.Length);
        var (wf, shift, scale, largest) = _scratchBlend;
        return quantised.Select(cosines.Unit(item), factor, scores, destination, new FactorBlend(bracket, wf, (shift, scale), largest), out _);
    }

    /// <summary>
    /// The blend: wf x the factor score standardised by <paramref name="moments"/>, plus the item's bracket; an item
    /// with no factor score (negative infinity) gets its bracket alone. <paramref name="destination"/> may be
    /// <paramref name="factor"/>. Never falls as a factor score rises, so bounds on the factor scores bound the blend.
    /// </summary>
    internal static void AddFactor(ReadOnlySpan<float> factor, ReadOnlySpan<float> bracket, float wf, (float Shift, float Scale) moments, Span<float> destination)
    {
        var blend = new FactorBlend(bracket, wf, moments);
        ref var f = ref MemoryMarshal.GetReference(factor);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + 8 <= factor.Length; i += 8)
        {
            blend.Blend(Vector256.LoadUnsafe(ref f, (nuint)i), i).StoreUnsafe(ref d, (nuint)i);
        }

        for (; i < factor.Length; i++)
        {
            destination[i] = blend.Blend(factor[i], i);
        }
    }

    /// <summary>
    /// The blend at a factor score: wf x the score standardised by the moments, plus the item's bracket; the bracket
    /// alone for an item with no factor score (negative infinity).
    /// </summary>
    /// <param name="bracket">Each item's bracket.</param>
    /// <param name="wf">The factor weight.</param>
    /// <param name="moments">The factor scores' standardisation.</param>
    /// <param name="largest">The largest bracket in magnitude (NaN brackets aside); infinity where not known, which rules nothing out.</param>
    internal readonly ref struct FactorBlend(ReadOnlySpan<float> bracket, float wf, (float Shift, float Scale) moments, float largest = float.PositiveInfinity) : IFactorBlend
    {
        private readonly ReadOnlySpan<float> _bracket = bracket;

        public float Blend(float factor, int item)
        {
            var z = StandardScores.ZScore(factor, moments.Shift, moments.Scale);
            return float.IsNegativeInfinity(z) ? _bracket[item] : (wf * z) + _bracket[item];
        }

        public Vector256<float> Blend(Vector256<float> factor, int at)
        {
            var z = StandardScores.ZScores(factor, Vector256.Create(moments.Shift), Vector256.Create(moments.Scale));
            var rest = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_bracket), (nuint)at);
            return Vector256.ConditionalSelect(Vector256.Equals(z, Vector256.Create(float.NegativeInfinity)), rest, (Vector256.Create(wf) * z) + rest);
        }

        /// <summary>
        /// The blend rises by wf x scale x the rise in f, give or take its roundings: f + w's (2^-24 |f + w|), and
        /// each of the four steps' on both sides, at most 2^-24 of wf x scale x (|f| + |shift|), of the bracket, and
        /// of their sum. 10^-4 of each leaves room to spare; with an infinite bracket the floor is negative infinity.
        /// </summary>
        public float Floor(float threshold, double rise, double magnitude)
        {
            var slope = (double)wf * moments.Scale;
            var rounding = 1e-4 * ((slope * (magnitude + rise + Math.Abs(moments.Shift))) + largest);
            return QuantisedItemFactors.RoundDown(threshold - (slope * (rise + (1e-4 * (magnitude + rise)))) - rounding);
        }
    }

    internal override void WriteParameters(BinaryWriter writer)
    {
        writer.Write(Options.ContentWeight);
        writer.Write(Options.HistoryHalfWeight);
        Factors.WriteParameters(writer);
    }
}
