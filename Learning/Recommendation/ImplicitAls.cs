using System.Text.Json;
using NetflixML.Learning.Core;
using NetflixML.Learning.Training;

namespace NetflixML.Learning.Recommendation;

/// <summary>
/// Implicit-feedback ALS options. Confidence c = 1 + Alpha x value for observed pairs, 1 for the rest (Hu, Koren and
/// Volinsky 2008); each user's and item's vector is solved by a few conjugate-gradient steps warm-started from the
/// last (Takacs, Pilaszy and Tikk 2011). Defaults were chosen on a MovieLens-100K per-user 75/25 split with seed 7
/// (not the seed-1 split `bench recs` reports), with ratings as values; re-measured there on 2026-11-21: NDCG@10
/// 0.4905, P@10 0.4327 with lambda 0.5 scaled by (n + 1) for users and (n + 1)^0.75 for items. Each change alone
/// was worse or no better: alpha 1 0.4818, alpha 0.25 0.4766, lambda 0.35 0.4828, lambda 0.7 0.4724, item exponent
/// 0.6 0.4773 or 0.9 0.4675, 25 iterations 0.4905, 5 CG steps 0.4896, rank 96 0.4916, popularity-weighted negatives
/// (exponent 0.1) 0.4892. EASE (closed-form item-item, lambda 500) reached 0.4736 on the same split. A frequency
/// offset of 100 with lambda 0.24 (as Rendle et al.'s revisited iALS, which scales by n + alpha0 |I|) did better on
/// splits 7, 13 and 19 (mean 0.4967 vs 0.4927) but is not the default: on the Netflix recommend task it cut the
/// hybrid's genre-match rate from 0.853 to 0.764, under the 80 % the recommendation study asks for. Also tried on
/// splits 7, 13, 19 (and 23), none enough to make a default: a coordinate search around that offset (steps of 12 %
/// in lambda, alpha and offset, 0.03 in the exponents) found no better point (0.4981 mean on four splits);
/// averaging the scores of five seeds (0.4918, 0.4968, 0.4904 against one model's 0.4905, 0.4977, 0.4898); EASE
/// blended into the offset model (+0.001 at best, lower on two splits); a FastTree re-ranker over the top 50 with
/// popularity, time and item-kNN features, trained on an inner split of the training ratings (on split 7: level
/// with ALS on a fresh inner split, 0.1781 vs 0.1773, and below it on the test, 0.4654 vs 0.4905); dropping titles
/// first rated after the user's last rating (+0.0005 to +0.0016); adding the log lift of a title's popularity in
/// the user's age, gender or occupation segment (u.user) to the ALS score (+0.0014 at best, on splits 7 and 13).
/// Later, on splits 7, 13, 19 and 23: denoising linear autoencoders (DLAE and EDLAE, dropout 0 to 0.67, lambda 50
/// to 1500; best 0.4784 on split 7); sessions (a user's ratings with the same timestamp) as extra ALS rows (0.4947
/// at best vs 0.4941); averaging offset models of ranks 32, 64 and 128 (0.4990 vs 0.4984 for rank 128 alone); and
/// the one real gain, adding 0.03 x the log of a same-session co-occurrence score (how often other users rated a
/// title in the same second as the user's titles) to the ALS score: +0.0025 (0.4966 vs 0.4941); counting ratings
/// within 1, 5, 30, 120 or 600 seconds of each other instead gave 0.4969, 0.4970, 0.4963, 0.4954 and 0.4943, so the
/// signal is the same-second batch itself, not time proximity. Stacked (offset, rank 128, session term) it reached
/// 0.5007 on those splits, and on seeds 1 to 10 without 7 it is 1.963x to 2.037x
/// popularity (seed 1: 0.4977 vs 0.2500, 1.991x): still short of 2x, and the session term rests on MovieLens's
/// rating pages (same-second batches), which watch events do not have, so none of it is a default. A multinomial
/// denoising autoencoder (Mult-DAE, Liang et al. 2018: 200 tanh units, input dropout 0.5, Adam, 110 epochs) reached
/// 0.4782 alone on splits 7 and 13; added to ALS with equal weight on per-user standardised scores it gave +0.0026
/// (0.4967 vs 0.4941), and on seed 1 0.4957 (1.983x); with the stack above as well, 0.4980 (1.992x).
/// GF-CF (Shen et al. 2021: the normalised item-item filter plus an ideal low-pass filter of the top k singular
/// vectors) reached 0.4650 alone at best (k 64, weight 0.3) and +0.0019 added to ALS (k 32, 0.1 on standardised
/// scores); the popularity of titles in the weeks a user was active, added the same way, +0.0011; ranks 256 and 512
/// with the frequency offset (lambda 0.1 to 0.7), as Rendle et al. found iALS gaining with rank, 0.4975 at best
/// on splits 7 and 13 (rank 256, lambda 0.24), level with rank 128 (0.4971). Neighbourhood models added to ALS on
/// standardised scores, on splits 7, 13, 19 and 23 (ALS 0.4941): RP3beta (alpha 0.6 or 1, beta 0.3 or 0.5) 0.4117
/// to 0.4364 alone and 0.4938 at best added; user-kNN (cosine, 50 or 100 neighbours) 0.4278 to 0.4365 alone and
/// 0.4934 at best added; the log of popularity added with weight -0.1 to 0.2, 0.4934 to 0.4944. Other confidence
/// functions of the rating, on splits 7 and 13 (linear 0.4941): Hu et al.'s 1 + alpha log(1 + r / eps) (eps 0.5, 1
/// or 2, alpha 0.5, 1 or 2) 0.4528 to 0.4921, binary values (alpha 1 to 3) 0.4774 to 0.4878, squared ratings (alpha
/// 0.1 or 0.2) 0.4898 at best. BPR fine-tuning of the ALS factors (uniform negatives, 1 to 6 epochs, learning rate
/// 0.002 to 0.01, L2 0.01) only lost ground, the more the longer: 0.4926 at best, 0.4589 at worst. Weighting each
/// user's unobserved pairs by (interactions + 1)^g (mean 1; with the item weights the unobserved weight is their
/// product), measured on 2026-11-21 on splits 7, 13, 19 and 23 (mean 0.4941 at g = 0): g 0.3 0.4954, 0.5 0.4954,
/// 0.7 0.4948, 1 0.4927, -0.3 0.4897; at g 0.4, lambda 0.4 or 0.6 and alpha 0.4 or 0.6 were lower. +0.0013 is not
/// the 0.007 seed 1 lacks, so it is not a default either. Measured on 2026-11-22 with a scratch exact-solve ALS of
/// the same defaults (0.4892 on split 7 against this trainer's 0.4905): CoFactor (Liang et al. 2016: item vectors
/// shared with a factorisation of the item co-occurrence SPPMI matrix; weight 0.03 to 1, shift log 1 to log 5) was
/// level at best on split 7 (0.4896 vs 0.4892) and 0.4727 at worst; treating a title as unavailable to a user whose
/// last training rating predates its first (no weak zero for the pair in training, and not recommended), on splits
/// 7, 13, 19 and 23, gave 0.4955 against 0.4934 (the recommendation filter alone 0.4943): +0.0021.
/// On 2026-11-22, the same scratch ALS on splits 7 and 13 (0.4926): confidence from each user's ratings rescaled to
/// the global mean (r x mean / user mean, or r - user mean + mean) 0.4933 both; observed confidence scaled by item
/// popularity ^ -0.1, -0.2 or 0.1 (mean 1 over the ratings) 0.4914, 0.4890 and 0.4924; ratings ^ 1.5, 0.4854.
/// </summary>
public sealed record ImplicitAlsOptions : IValidatedOptions
{
    public int Rank { get; init; } = 64;

    public int Iterations { get; init; } = 15;

    public double Alpha { get; init; } = 0.5;

    /// <summary>L2 weight, scaled by (interactions of the row + <see cref="FrequencyOffset"/>) ^ <see cref="FrequencyExponent"/>.</summary>
    public double Lambda { get; init; } = 0.5;

    public double FrequencyOffset { get; init; } = 1.0;

    /// <summary>Exponent for item rows when it should differ from users' (null: the same).</summary>
    public double? ItemFrequencyExponent { get; init; } = 0.75;

    public double FrequencyExponent { get; init; } = 1.0;

    public int ConjugateGradientSteps { get; init; } = 3;

    /// <summary>
    /// Weight of an unobserved pair by item popularity, as He et al.'s eALS: proportional to popularity ^ this
    /// (scaled to average 1); 0 weighs every unobserved pair the same.
    /// </summary>
    public double NegativeWeightExponent { get; init; }

    public int Seed { get; init; } = 1;

    [System.Text.Json.Serialization.JsonIgnore]
    public int? Threads { get; init; }

    void IValidatedOptions.Validate()
    {
        new OptionCheck(nameof(ImplicitAlsOptions))
            .Require(Rank >= 1, Rank, "must be at least 1")
            .Require(Iterations >= 1, Iterations, "must be at least 1")
            .Require(Alpha >= 0, Alpha, "must be at least 0")
            .Require(Lambda >= 0, Lambda, "must be at least 0")
            .Require(FrequencyOffset >= 0, FrequencyOffset, "must be at least 0")
            .Require(FrequencyExponent >= 0 && double.IsFinite(FrequencyExponent), FrequencyExponent, "must be a finite number at least 0")
            .Require(ItemFrequencyExponent is null || (ItemFrequencyExponent >= 0 && double.IsFinite(ItemFrequencyExponent.Value)), ItemFrequencyExponent, "must be null or a finite number at least 0")
            .Require(double.IsFinite(NegativeWeightExponent), NegativeWeightExponent, "must be a finite number")
            .Require(ConjugateGradientSteps >= 1, ConjugateGradientSteps, "must be at least 1")
            .ThrowIfAny();
    }
}

/// <summary>
/// Weighted matrix factorisation for implicit feedback, trained by alternating least squares with conjugate
/// gradient. Built for top-N ranking: every unobserved pair counts as a weak zero, which rating-trained models
/// ignore. Each row's solve is independent, so rows are solved in parallel and the model does not depend on the
/// thread count.
/// </summary>
public sealed class ImplicitAlsTrainer(ImplicitAlsOptions? options = null)
{
    public ImplicitAlsOptions Options { get; } = OptionCheck.Valid(options ?? new ImplicitAlsOptions());

    public string Name => "implicit-als";

    /// <param name="interactions">What the factors are fitted to.</param>
    /// <param name="catalog">The items.</param>
    /// <param name="history">
    /// What the model keeps as each user's history (who is known, and the items excluded from their recommendations):
    /// <paramref name="interactions"/> when null. A separate history lets a signal that is not a view (a clicked
    /// recommendation) shape the factors without hiding its item as seen; it must hold the same users in the same
    /// order, because the model's user vectors are indexed by it.
    /// </param>
    public ImplicitFactorModel Fit(InteractionMatrix interactions, ItemCatalog catalog, InteractionMatrix? history = null)
    {
        if (interactions.Count == 0)
        {
            throw new ArgumentException("Cannot factorise an empty interaction matrix.", nameof(interactions));
        }

        if (history is not null && !SameUsers(history.Users, interactions.Users))
        {
            throw new ArgumentException(
                $"The history holds {history.Users.Count} users and the interactions {interactions.Users.Count}; they must be the same users in the same order.", nameof(history));
        }

        var k = Options.Rank;
        var users = interactions.Users.Count;
        var items = catalog.Count;
        var rng = new Rng((ulong)Options.Seed);
        var x = new float[users * k];
        var y = new float[items * k];
        rng.FillGaussian(x, 0.01);
        rng.FillGaussian(y, 0.01);

        // Solved in double precision, stored as float once trained.
        var xd = Array.ConvertAll(x, v => (double)v);
        var yd = Array.ConvertAll(y, v => (double)v);

        // Weight of each item's unobserved pairs (1 everywhere unless popularity-weighted).
        var negative = new double[items];
        for (var i = 0; i < items; i++)
        {
            negative[i] = Math.Pow(interactions.UserCount(i) + 1, Options.NegativeWeightExponent);
        }

        var meanNegative = negative.Average();
        for (var i = 0; i < items; i++)
        {
            negative[i] /= meanNegative;
        }

        var parallel = TrainingData.Parallelism(Options.Threads);
        for (var iteration = 0; iteration < Options.Iterations; iteration++)
        {
            // Users: unobserved weight varies by item (inside the Gram matrix and per observed column).
            SolveAll(xd, yd, users, interactions.UserStart, interactions.UserItems, interactions.UserValues, k, parallel, columnWeight: negative, rowWeight: null, Options.FrequencyExponent);
            // Items: each item's unobserved weight is one number, scaling its Gram matrix.
            SolveAll(yd, xd, items, interactions.ItemStart, interactions.ItemUsers, interactions.ItemValues, k, parallel, columnWeight: null, rowWeight: negative, Options.ItemFrequencyExponent ?? Options.FrequencyExponent);
        }

        x = Array.ConvertAll(xd, v => (float)v);
        y = Array.ConvertAll(yd, v => (float)v);

        return new ImplicitFactorModel(JsonSerializer.Serialize(Options), catalog, history ?? interactions, k, x, y, interactions.ItemsWithInteractions());
    }

    private static bool SameUsers(IdMap a, IdMap b) =>
        ReferenceEquals(a, b) || (a.Count == b.Count && a.Ids.SequenceEqual(b.Ids, StringComparer.Ordinal));

    /// <summary>Solves every row of <paramref name="target"/> with <paramref name="fixedSide"/> held fixed.</summary>
    private void SolveAll(double[] target, double[] fixedSide, int rows, int[] start, int[] columns, float[] values, int k, ParallelOptions parallel, double[]? columnWeight, double[]? rowWeight, double frequencyExponent)
    {
        // Gram matrix of the fixed side, sum w_j y_j y_j^T, shared by every row's system. Whole rows are
        // accumulated (not the upper triangle) so each is one vectorised pass; the two halves agree to rounding.
        var fixedRows = fixedSide.Length / k;
        var gram = new double[k * k];
        for (var r = 0; r < fixedRows; r++)
        {
            var v = fixedSide.AsSpan(r * k, k);
            var weight = columnWeight?[r] ?? 1.0;
            for (var a = 0; a < k; a++)
            {
                var va = weight * v[a];
                if (va != 0)
                {
                    DenseVector.AddScaled(va, v, gram.AsSpan(a * k, k));
                }
            }
        }

        var alpha = Options.Alpha;
        Parallel.For(0, rows, parallel, () => new double[4 * k], (row, _, buffer) =>
        {
            var begin = start[row];
            var count = start[row + 1] - begin;
            var xs = target.AsSpan(row * k, k);
            if (count == 0)
            {
                xs.Clear();
                return buffer;
            }

            var lambda = Options.Lambda * Math.Pow(count + Options.FrequencyOffset, frequencyExponent);
            var gramScale = rowWeight?[row] ?? 1.0;
            var r = buffer.AsSpan(0, k);
            var p = buffer.AsSpan(k, k);
            var ap = buffer.AsSpan(2 * k, k);
            var b = buffer.AsSpan(3 * k, k);

            // b = sum over observed of c * y_j (preference 1).
            b.Clear();
            for (var e = begin; e < begin + count; e++)
            {
                DenseVector.AddScaled(1 + alpha * values[e], fixedSide.AsSpan(columns[e] * k, k), b);
            }

            // r = b - A x, with A = s W + sum (c - w) y y^T + lambda I (W the weighted Gram, s the row's own weight).
            Multiply(gram, gramScale, columnWeight, xs, ap, k, fixedSide, columns, values, begin, count, alpha, lambda);
            for (var a = 0; a < k; a++)
            {
                r[a] = b[a] - ap[a];
                p[a] = r[a];
            }

            var rsOld = DenseVector.Dot(r, r);
            for (var step = 0; step < Options.ConjugateGradientSteps && rsOld > 1e-20; step++)
            {
                Multiply(gram, gramScale, columnWeight, p, ap, k, fixedSide, columns, values, begin, count, alpha, lambda);
                var stepSize = rsOld / DenseVector.Dot(p, ap);
                DenseVector.AddScaled(stepSize, p, xs);
                DenseVector.AddScaled(-stepSize, ap, r);
                var rsNew = DenseVector.Dot(r, r);
                var ratio = rsNew / rsOld;
                for (var a = 0; a < k; a++)
                {
                    p[a] = r[a] + ratio * p[a];
                }

                rsOld = rsNew;
            }

            return buffer;
        }, _ => { });
    }

    private static void Multiply(double[] gram, double gramScale, double[]? columnWeight, Span<double> v, Span<double> result, int k, double[] fixedSide, int[] columns, float[] values, int begin, int count, double alpha, double lambda)
    {
        for (var a = 0; a < k; a++)
        {
            result[a] = gramScale * DenseVector.Dot(gram.AsSpan(a * k, k), v) + lambda * v[a];
        }

        for (var e = begin; e < begin + count; e++)
        {
            // Observed pair: confidence 1 + alpha x value, minus the unobserved weight already in the Gram term.
            var weight = 1 + alpha * values[e] - (columnWeight?[columns[e]] ?? gramScale);
            if (weight == 0)
            {
                continue;
            }

            var yj = fixedSide.AsSpan(columns[e] * k, k);
            DenseVector.AddScaled(weight * DenseVector.Dot(yj, v), yj, result);
        }
    }
}

/// <summary>A trained implicit model: a user's score for an item is x_u . y_i.</summary>
public sealed class ImplicitFactorModel : Recommender
{
    private readonly float[] _x;
    private readonly float[] _y;
    private readonly bool[] _trainedItem;

    // Built on the first similar-items call: models trained, tuned or served for recommendations alone never need it.
    private readonly Lazy<FactorCosines> _cosines;

    // The item vectors' Gram matrix and moments, and a given title's confidence: built on first use.
    private readonly Lazy<ItemMoments> _moments;
    private readonly Lazy<double> _foldInConfidence;

    [ThreadStatic]
    private static double[]? _scratchSystem;

    [ThreadStatic]
    private static float[]? _scratchViewer;

    internal ImplicitFactorModel(string optionsJson, ItemCatalog catalog, InteractionMatrix history, int rank, float[] x, float[] y, bool[] trainedItem, bool quantise = true)
        : base(catalog, history)
    {
        OptionsJson = optionsJson;
        Rank = rank;
        _x = x;
        _y = y;
        _trainedItem = trainedItem;
        Quantised = quantise && QuantisedItemFactors.IsSupported ? new QuantisedItemFactors(y, rank, trainedItem) : null;
        _cosines = new Lazy<FactorCosines>(() => new FactorCosines(y, rank, trainedItem, quantise));
        Trainer = JsonSerializer.Deserialize<ImplicitAlsOptions>(optionsJson) ?? new ImplicitAlsOptions();
        _moments = new Lazy<ItemMoments>(() => new ItemMoments(y, rank, trainedItem));
        _foldInConfidence = new Lazy<double>(() => 1 + (Trainer.Alpha * (History.Values.Length == 0 ? 1.0 : History.Values.Average(v => (double)v))));
        FoldsInNewViewers = CanFoldInNewViewers;
    }

    /// <summary>The options the model was trained with (from <see cref="OptionsJson"/>): fold-in solves as training did.</summary>
    internal ImplicitAlsOptions Trainer { get; }

    public override string Name => "implicit-mf";

    public override string Kind => "implicit-als";

    public override string OptionsJson { get; }

    public int Rank { get; }

    /// <summary>The same model, scoring every item in floats to find a user's top n and an item's most similar (to compare the two scans).</summary>
    internal ImplicitFactorModel WithFloatScan() => new(OptionsJson, Catalog, History, Rank, _x, _y, _trainedItem, quantise: false);

    /// <summary>The item vectors in 8 bits, for finding a user's top n (null where the machine lacks the instructions).</summary>
    internal QuantisedItemFactors? Quantised { get; }

    /// <summary>
    /// The instructions the 8-bit top-n scan multiplies with on this machine, or null where every item is scored in
    /// floats (no AVX2): what a latency figure was measured with.
    /// </summary>
    public DotKernel? ScanKernel => Quantised?.Kernel;

    internal ReadOnlySpan<float> UserVector(int user) => _x.AsSpan(user * Rank, Rank);

    /// <summary>The user and item vectors (row by row) and which items have one.</summary>
    internal (float[] Users, float[] Items, bool[] Trained) Vectors => (_x, _y, _trainedItem);

    /// <summary>x_u . y_i for one pair (negative infinity for an item the model never saw): the definition.</summary>
    internal unsafe float Score(int user, int item)
    {
        fixed (float* xu = &_x[user * Rank])
        fixed (float* yi = &_y[item * Rank])
        {
            return _trainedItem[item] ? MatrixFactorizationTrainer.Dot(xu, yi, Rank) : float.NegativeInfinity;
        }
    }

    /// <summary>x_u . y_i for every item (negative infinity for items the model never saw), as <see cref="Score"/>.</summary>
    internal void ScoreUser(int user, Span<float> scores) => MatrixFactorizationTrainer.DotEveryItem(UserVector(user), _y, Rank, _trainedItem, scores);

    /// <summary>
    /// Lower bounds on x_u . y_i from the 8-bit item vectors, which <see cref="SelectKnownUser"/> turns into the exact
    /// top n (the scores themselves where the machine cannot run the 8-bit scan).
    /// </summary>
    protected override RecommendationSource ScoreKnownUser(int user, Span<float> scores)
    {
        ScoreVector(UserVector(user), scores);
        return RecommendationSource.FactorModel;
    }

    /// <summary>The same items, in the same order with the same scores, as selecting from <see cref="ScoreUser"/>'s scores.</summary>
    protected override int SelectKnownUser(int user, Span<float> scores, Span<ScoredItem> destination) =>
        SelectFor(UserVector(user), scores, destination);

    /// <summary>Lower bounds on (or, without the 8-bit scan, the values of) x . y_i for every item.</summary>
    internal void ScoreVector(ReadOnlySpan<float> x, Span<float> scores)
    {
        if (Quantised is null)
        {
            MatrixFactorizationTrainer.DotEveryItem(x, _y, Rank, _trainedItem, scores);
        }
        else
        {
            Quantised.LowerBounds(x, scores);
        }
    }

    private int SelectFor(ReadOnlySpan<float> x, Span<float> scores, Span<ScoredItem> destination) =>
        Quantised is null
            ? TopN.Select(scores, destination)
            : Quantised.Select(x, scores, scores, destination, default(FactorScore), out _);

    public override bool CanFoldInNewViewers => Trainer.NegativeWeightExponent == 0;

    /// <summary>
    /// A folded-in viewer's scores (<see cref="FoldIn"/>) as a known user's; the blend of content and popularity
    /// when the model does not fold in, or none of the titles has a vector.
    /// </summary>
    protected override RecommendationSource ScoreNewUser(ReadOnlySpan<int> seen, Span<float> scores)
    {
        if (!FoldsInNewViewers || !FoldIn(seen, out var viewer))
        {
            return base.ScoreNewUser(seen, scores);
        }

        ScoreVector(viewer, scores);
        return RecommendationSource.FactorModelFoldIn;
    }

    /// <summary>A folded-in viewer's, or an updated user's, best items by the vector fitted at the call (<see cref="Viewer"/>).</summary>
    protected override int SelectNewUser(RecommendationSource source, Span<float> scores, Span<ScoredItem> destination) =>
        source == RecommendationSource.FactorModelFoldIn ? SelectFor(Viewer, scores, destination) : base.SelectNewUser(source, scores, destination);

    /// <summary>The user's vector moved by the titles new since training (<see cref="Update"/>), scored as a known user's.</summary>
    protected override RecommendationSource? ScoreUpdatedUser(int user, ReadOnlySpan<int> recent, Span<float> scores)
    {
        if (!Update(user, recent, out var updated))
        {
            return null;
        }

        ScoreVector(updated, scores);
        return RecommendationSource.FactorModelFoldIn;
    }

    /// <summary>
    /// The vector a user with <paramref name="seen"/> as their interactions would be given by training's user step
    /// with these item vectors: the solution of (Y^T Y + sum over seen (c - 1) y y^T + lambda_n I) x = sum c y, where
    /// c = 1 + alpha v for the mean value v of the history the model keeps (a viewer says which titles, not how much),
    /// lambda_n the trained lambda scaled by (n + offset)^exponent for n titles with vectors (a title given twice
    /// counts twice). Solved exactly (Cholesky, in doubles), where training takes a few warm-started conjugate-gradient
    /// steps.
    /// Written to this thread's <see cref="Viewer"/>; false, with nothing written, when none of the titles has a vector.
    /// </summary>
    internal bool FoldIn(ReadOnlySpan<int> seen, out ReadOnlySpan<float> viewer)
    {
        var system = StartSystem();
        var solved = Solve(ref system, AddGiven(ref system, seen, skip: default));
        viewer = solved ? Viewer : default;
        return solved;
    }

    /// <summary>
    /// A known user's vector moved by the titles they have seen since training (<paramref name="recent"/>, less those
    /// in their history): the trained vector x_u is taken as the solution of training's user step with their history
    /// H, A_H x = b_H (A_H = Y^T Y + sum over H of alpha v y y^T + lambda_H I), so b_H = A_H x_u stands for everything
    /// it was fitted to, clicks included; each new title adds to both sides as <see cref="FoldIn"/>'s do, and lambda
    /// grows with the count. Written to this thread's <see cref="Viewer"/>; false, with nothing written, when no new
    /// title has a vector.
    /// </summary>
    internal bool Update(int user, ReadOnlySpan<int> recent, out ReadOnlySpan<float> viewer)
    {
        var start = History.UserStart[user];
        var history = History.UserItems.AsSpan(start, History.UserStart[user + 1] - start);
        var values = History.UserValues.AsSpan(start, history.Length);
        var system = StartSystem();
        var added = AddGiven(ref system, recent, skip: history);
        if (added == 0)
        {
            viewer = default;
            return false;
        }

        var k = Rank;
        var x = system.User;
        var trained = UserVector(user);
        for (var r = 0; r < k; r++)
        {
            x[r] = trained[r];
        }

        // b += A_H x_u: the history's outer products (on both sides), then Y^T Y x_u and lambda_H x_u.
        var n = 0;
        for (var t = 0; t < history.Length; t++)
        {
            if (!_trainedItem[history[t]])
            {
                continue;
            }

            n++;
            var y = system.Gather(_y.AsSpan(history[t] * k, k), Trainer.Alpha * values[t], out var weighted);
            DenseVector.AddScaled(DenseVector.Dot(weighted, x), y, system.B);
            system.FlushIfFull(1);
        }

        system.Flush(1);
        var lambda = Lambda(n);
        var gram = Moments.Gram;
        for (var r = 0; r < k; r++)
        {
            system.B[r] += DenseVector.Dot(gram.AsSpan(r * k, k), x) + (lambda * x[r]);
        }

        var solved = Solve(ref system, n + added);
        viewer = solved ? Viewer : default;
        return solved;
    }

    private double Lambda(int n) => Trainer.Lambda * Math.Pow(n + Trainer.FrequencyOffset, Trainer.FrequencyExponent);

    // A fold-in system in this thread's buffer: A starts as Y^T Y, b as zeros.
    private FoldInSystem StartSystem()
    {
        var k = Rank;
        var stride = (k + 3) & ~3;
        var batch = FoldInBatch * stride;
        var buffer = ThreadScratch.Get(ref _scratchSystem, (k * k) + (2 * k) + (2 * batch));
        var system = new FoldInSystem(buffer[..(k * k)], buffer.Slice(k * k, k), buffer.Slice((k * k) + k, k), buffer.Slice((k * k) + (2 * k), batch), buffer.Slice((k * k) + (2 * k) + batch, batch), k, stride);
        Moments.Gram.CopyTo(system.A);
        system.B.Clear();
        buffer[((k * k) + (2 * k))..].Clear();
        return system;
    }

    // Adds each given title with a vector (those in sorted `skip` left out): (c - 1) y y^T to A and c y to b, for the
    // fold-in confidence c; returns how many.
    private int AddGiven(ref FoldInSystem system, ReadOnlySpan<int> seen, ReadOnlySpan<int> skip)
    {
        var confidence = _foldInConfidence.Value;
        var n = 0;
        foreach (var item in seen)
        {
            if ((uint)item >= (uint)_trainedItem.Length || !_trainedItem[item] || (!skip.IsEmpty && skip.BinarySearch(item) >= 0))
            {
                continue;
            }

            n++;
            var y = system.Gather(_y.AsSpan(item * Rank, Rank), weight: null, out _);
            DenseVector.AddScaled(confidence, y, system.B);
            system.FlushIfFull(confidence - 1);
        }

        system.Flush(confidence - 1);
        return n;
    }

    // Adds lambda_n I and solves into this thread's Viewer; false when no title had a vector, or A is not positive definite.
    private bool Solve(ref FoldInSystem system, int n)
    {
        if (n == 0)
        {
            return false;
        }

        var k = Rank;
        var lambda = Lambda(n);
        for (var r = 0; r < k; r++)
        {
            system.A[(r * k) + r] += lambda;
        }

        if (!Cholesky.Solve(system.A, system.B))
        {
            return false;
        }

        var x = ThreadScratch.Get(ref _scratchViewer, k);
        for (var r = 0; r < k; r++)
        {
            x[r] = (float)system.B[r];
        }

        return true;
    }

    // Titles gathered (in doubles) before their outer products are added to the fold-in system.
    private const int FoldInBatch = 16;

    /// <summary>
    /// A, b and a user vector (in doubles), with titles' vectors gathered <see cref="FoldInBatch"/> at a time before
    /// their outer products are added to A's lower triangle (the solve reads no more): each row padded with zeros to
    /// the stride, and beside it w times it for the title's own weight w (1 where the batch has one scale).
    /// </summary>
    private ref struct FoldInSystem(Span<double> a, Span<double> b, Span<double> user, Span<double> rows, Span<double> weighted, int rank, int stride)
    {
        private readonly Span<double> _rows = rows;
        private readonly Span<double> _weighted = weighted;
        private int _gathered;

        public readonly Span<double> A = a;

        public readonly Span<double> B = b;

        public readonly Span<double> User = user;

        /// <summary>Copies a title's vector into the batch, and w times it (<paramref name="weighted"/>; w is 1 without a weight).</summary>
        public Span<double> Gather(ReadOnlySpan<float> vector, double? weight, out Span<double> weighted)
        {
            var row = _rows.Slice(_gathered * stride, rank);
            var scaled = _weighted.Slice(_gathered * stride, rank);
            for (var r = 0; r < rank; r++)
            {
                row[r] = vector[r];
            }

            var w = weight ?? 1;
            for (var r = 0; r < rank; r++)
            {
                scaled[r] = w * row[r];
            }

            _gathered++;
            weighted = scaled;
            return row;
        }

        public void FlushIfFull(double scale)
        {
            if (_gathered == FoldInBatch)
            {
                Flush(scale);
            }
        }

        /// <summary>Adds scale times the gathered rows' (weighted) outer products to A.</summary>
        public void Flush(double scale)
        {
            Cholesky.AddOuterProducts(A, rank, _weighted, _rows, _gathered, stride, scale);
            _gathered = 0;
        }
    }

    /// <summary>This thread's last folded-in viewer (<see cref="FoldIn"/>).</summary>
    internal ReadOnlySpan<float> Viewer => _scratchViewer.AsSpan(0, Rank);

    /// <summary>
    /// The item vectors' sums over the items that have one (the others are zeros, as training leaves them), built on
    /// first use and shared by every use: fold-in's system starts from their Gram matrix, and the hybrid standardises
    /// its factor scores by their mean and second moment.
    /// </summary>
    internal ItemMoments Moments => _moments.Value;

    /// <summary>Item-item cosines of the item vectors, which <see cref="Recommender.SimilarItems(string, Span{ScoredItem})"/> answers by.</summary>
    internal FactorCosines Cosines => _cosines.Value;

    /// <summary>Whether <see cref="Cosines"/> has been built (by a similar-items call).</summary>
    internal bool CosinesBuilt => _cosines.IsValueCreated;

    protected override SimilaritySource ScoreSimilar(int item, Span<float> scores) => Cosines.Score(item, scores, Content);

    protected override int SelectSimilar(int item, Span<float> scores, Span<ScoredItem> destination) => Cosines.Select(item, scores, destination);

    internal override void WriteParameters(BinaryWriter writer)
    {
        writer.Write(Rank);
        FactorArrays.WriteFloats(writer, _x);
        FactorArrays.WriteFloats(writer, _y);
        FactorArrays.WriteFlags(writer, _trainedItem);
    }

    internal static ImplicitFactorModel ReadParameters(BinaryReader reader, string optionsJson, ItemCatalog catalog, InteractionMatrix history)
    {
        var rank = reader.ReadInt32();
        var x = FactorArrays.ReadFloats(reader, history.Users.Count * rank);
        var y = FactorArrays.ReadFloats(reader, catalog.Count * rank);
        var trained = FactorArrays.ReadFlags(reader, catalog.Count);

        return new ImplicitFactorModel(optionsJson, catalog, history, rank, x, y, trained);
    }
}

/// <summary>
/// Sums over the item vectors of the items that have one: the Gram matrix sum y y' (rank x rank, row by row), and the
/// mean and mean outer product (the Gram matrix over the count).
/// </summary>
internal sealed class ItemMoments
{
    public ItemMoments(float[] y, int rank, bool[] trained)
    {
        var k = rank;
        var sum = new double[k];
        Gram = new double[k * k];
        var vector = new double[k];
        for (var i = 0; i < trained.Length; i++)
        {
            if (!trained[i])
            {
                continue;
            }

            Items++;
            for (var a = 0; a < k; a++)
            {
                vector[a] = y[(i * k) + a];
            }

            DenseVector.AddScaled(1, vector, sum);
            for (var a = 0; a < k; a++)
            {
                DenseVector.AddScaled(vector[a], vector, Gram.AsSpan(a * k, k));
            }
        }

        var count = Math.Max(Items, 1);
        Mean = Array.ConvertAll(sum, v => v / count);
        SecondMoment = Array.ConvertAll(Gram, v => v / count);
    }

    /// <summary>How many items have vectors.</summary>
    public int Items { get; }

    /// <summary>sum y y' over them.</summary>
    public double[] Gram { get; }

    public double[] Mean { get; }

    public double[] SecondMoment { get; }
}
