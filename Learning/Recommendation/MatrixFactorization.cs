using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using NetflixML.Learning.Core;
using NetflixML.Learning.Training;

namespace NetflixML.Learning.Recommendation;

/// <summary>
/// Explicit-rating matrix factorisation. Defaults: rank 100 and 20 iterations as the LIBMF reference run
/// (ML.NET's own defaults are rank 8, learning rate 0.1, lambda 0.1, no biases). Learning rate 0.03 and lambda
/// 0.06 (on ratings scaled by their standard deviation, as LIBMF scales them) were chosen by a grid on
/// MovieLens-100K's ua.base/ua.test split (RMSE 0.9234; lr 0.05 / lambda 0.1 gave 0.9280), which is not one of
/// the u1..u5 folds `bench mf` reports.
/// </summary>
public sealed record MatrixFactorizationOptions : IValidatedOptions
{
    public int ApproximationRank { get; init; } = 100;

    public int NumberOfIterations { get; init; } = 20;

    /// <summary>Base rate of LIBMF's per-row / per-column adaptive (AdaGrad-like) learning rate.</summary>
    public double LearningRate { get; init; } = 0.03;

    /// <summary>L2 weight on the factors, applied per observed rating (frequency-weighted, as LIBMF).</summary>
    public double Lambda { get; init; } = 0.06;

    /// <summary>L2 weight on the user and item biases.</summary>
    public double BiasLambda { get; init; } = 0.01;

    /// <summary>Global mean plus user and item biases (ML.NET's and LIBMF's models have neither).</summary>
    public bool UseBiases { get; init; } = true;

    /// <summary>Standard deviation of the initial factors (times 1/sqrt(rank)).</summary>
    public double InitialScale { get; init; } = 0.1;

    /// <summary>LIBMF's initialisation instead: factors uniform in [0, 1) times 1/sqrt(rank).</summary>
    public bool UniformInitialization { get; init; }

    public int Seed { get; init; } = 1;

    [System.Text.Json.Serialization.JsonIgnore]
    public int? Threads { get; init; }

    void IValidatedOptions.Validate()
    {
        new OptionCheck(nameof(MatrixFactorizationOptions))
            .Require(ApproximationRank >= 1, ApproximationRank, "must be at least 1")
            .Require(NumberOfIterations >= 1, NumberOfIterations, "must be at least 1")
            .Require(LearningRate > 0, LearningRate, "must be above 0")
            .Require(Lambda >= 0, Lambda, "must be at least 0")
            .Require(BiasLambda >= 0, BiasLambda, "must be at least 0")
            .Require(InitialScale > 0, InitialScale, "must be above 0")
            .ThrowIfAny();
    }
}

/// <summary>
/// SGD matrix factorisation with global mean, user and item biases, L2 on factors and biases, and LIBMF's
/// per-row and per-column adaptive learning rates. Parallel like LIBMF's block scheme: users and items are each
/// split into B groups, and the B blocks of one "diagonal" share no user and no item, so threads update them
/// without locks or races. B is fixed (not the thread count) and each block's order is seeded, so the model is
/// the same whatever the number of threads.
/// </summary>
public sealed class MatrixFactorizationTrainer(MatrixFactorizationOptions? options = null)
{
    private const int Blocks = 8;

    public MatrixFactorizationOptions Options { get; } = OptionCheck.Valid(options ?? new MatrixFactorizationOptions());

    public string Name => "MatrixFactorization";

    public MatrixFactorizationModel Fit(InteractionMatrix ratings, ItemCatalog catalog)
    {
        if (ratings.Count == 0)
        {
            throw new ArgumentException("Cannot factorise an empty rating matrix.", nameof(ratings));
        }

        if (ratings.ItemCount != catalog.Count)
        {
            throw new ArgumentException($"The ratings index {ratings.ItemCount} items; the catalogue has {catalog.Count}.", nameof(ratings));
        }

        var k = Options.ApproximationRank;
        var users = ratings.Users.Count;
        var items = catalog.Count;
        var n = ratings.Count;
        double sum = 0, sumSq = 0;
        float min = float.MaxValue, max = float.MinValue;
        foreach (var r in ratings.Values)
        {
            sum += r;
            sumSq += (double)r * r;
            min = Math.Min(min, r);
            max = Math.Max(max, r);
        }

        var mean = Options.UseBiases ? sum / n : 0;
        var scale = Math.Max(1e-4, Math.Sqrt(Math.Max(0, sumSq / n - sum / n * (sum / n))));
        var rng = new Rng((ulong)Options.Seed);
        var p = new float[users * k];
        var q = new float[items * k];
        var init = Options.InitialScale / Math.Sqrt(k);
        float Draw() => Options.UniformInitialization ? (float)(rng.NextDouble() / Math.Sqrt(k)) : (float)rng.Gaussian(0, init);
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = Draw();
        }

        for (var i = 0; i < q.Length; i++)
        {
            q[i] = Draw();
        }

        // Each row's AdaGrad sums and bias side by side (rate, bias, bias rate, unused): one cache line holds all a
        // rating's update reads of them, where three arrays cost three misses on a large matrix.
        var userState = NewState(users);
        var itemState = NewState(items);

        // Random groups of users and items; ratings bucketed by (user group, item group), each bucket shuffled.
        var userGroup = Groups(users, rng);
        var itemGroup = Groups(items, rng);
        // Counting sort of the ratings into their blocks, then a seeded shuffle inside each block.
        var blockOf = new int[n];
        var blockStart = new int[Blocks * Blocks + 1];
        for (var e = 0; e < n; e++)
        {
            blockOf[e] = userGroup[ratings.UserIndex[e]] * Blocks + itemGroup[ratings.ItemIndex[e]];
            blockStart[blockOf[e] + 1]++;
        }

        for (var b = 0; b < Blocks * Blocks; b++)
        {
            blockStart[b + 1] += blockStart[b];
        }

        var order = new int[n];
        var fill = (int[])blockStart.Clone();
        for (var e = 0; e < n; e++)
        {
            order[fill[blockOf[e]]++] = e;
        }

        var blockUsers = new int[Blocks * Blocks][];
        var blockItems = new int[Blocks * Blocks][];
        var blockValues = new float[Blocks * Blocks][];
        for (var b = 0; b < Blocks * Blocks; b++)
        {
            var members = order.AsSpan(blockStart[b], blockStart[b + 1] - blockStart[b]);
            Rng.ForStream((ulong)Options.Seed, (ulong)(1000 + b)).Shuffle(members);
            blockUsers[b] = new int[members.Length];
            blockItems[b] = new int[members.Length];
            blockValues[b] = new float[members.Length];
            for (var j = 0; j < members.Length; j++)
            {
                var e = members[j];
                blockUsers[b][j] = ratings.UserIndex[e];
                blockItems[b][j] = ratings.ItemIndex[e];
                blockValues[b][j] = (float)((ratings.Values[e] - mean) / scale);
            }
        }

        var lambda = (float)Options.Lambda;
        var biasLambda = (float)Options.BiasLambda;
        var eta = (float)Options.LearningRate;
        var useBiases = Options.UseBiases;
        var parallel = TrainingData.Parallelism(Options.Threads);
        for (var epoch = 0; epoch < Options.NumberOfIterations; epoch++)
        {
            for (var diagonal = 0; diagonal < Blocks; diagonal++)
            {
                var d = diagonal;
                Parallel.For(0, Blocks, parallel, g =>
                {
                    var block = g * Blocks + (g + d) % Blocks;
                    UpdateBlock(blockUsers[block], blockItems[block], blockValues[block], p, q, userState, itemState, k, eta, lambda, biasLambda, useBiases);
                });
            }
        }

        return new MatrixFactorizationModel(JsonSerializer.Serialize(Options), catalog, ratings, k, (float)mean, (float)scale, min, max, p, q, Biases(userState), Biases(itemState), ratings.ItemsWithInteractions());
    }

    private const int StateStride = 4;
    private const int Rate = 0;
    private const int Bias = 1;
    private const int BiasRate = 2;

    private const int PrefetchAhead = 8;

    private static unsafe void Prefetch(float* row, int k)
    {
        for (var offset = 0; offset < k; offset += 16)
        {
            Sse.Prefetch0(row + offset); // one 64-byte line per 16 floats
        }
    }

    private static float[] NewState(int rows)
    {
        var state = new float[rows * StateStride];
        for (var r = 0; r < rows; r++)
        {
            state[(r * StateStride) + Rate] = 1f;
            state[(r * StateStride) + BiasRate] = 1f;
        }

        return state;
    }

    private static float[] Biases(float[] state)
    {
        var biases = new float[state.Length / StateStride];
        for (var r = 0; r < biases.Length; r++)
        {
            biases[r] = state[(r * StateStride) + Bias];
        }

        return biases;
    }

    private static unsafe void UpdateBlock(int[] users, int[] items, float[] values, float[] p, float[] q, float[] userState, float[] itemState,
        int k, float eta, float lambda, float biasLambda, bool useBiases)
    {
        fixed (float* pp = p)
        fixed (float* qq = q)
        fixed (float* us = userState)
        fixed (float* its = itemState)
        {
            for (var e = 0; e < users.Length; e++)
            {
                if (Sse.IsSupported && e + PrefetchAhead < users.Length)
                {
                    // The ratings come in shuffled order, so each update's rows are random reads of a large matrix;
                    // asking for a later rating's rows now overlaps their fetch with this update's arithmetic.
                    Prefetch(pp + ((long)users[e + PrefetchAhead] * k), k);
                    Prefetch(qq + ((long)items[e + PrefetchAhead] * k), k);
                    Sse.Prefetch0(us + ((long)users[e + PrefetchAhead] * StateStride));
                    Sse.Prefetch0(its + ((long)items[e + PrefetchAhead] * StateStride));
                }

                var u = users[e];
                var i = items[e];
                var pu = pp + (long)u * k;
                var qi = qq + (long)i * k;
                var su = us + (long)u * StateStride;
                var si = its + (long)i * StateStride;
                var error = values[e] - Dot(pu, qi, k) - (useBiases ? su[Bias] + si[Bias] : 0);
                var rateU = eta / MathF.Sqrt(su[Rate]);
                var rateI = eta / MathF.Sqrt(si[Rate]);
                // Gradients gp = -e q + l p and gq = -e p + l q, applied together; their mean squares feed AdaGrad.
                var (squareP, squareQ) = Step(pu, qi, k, error, lambda, rateU, rateI);
                su[Rate] += squareP / k;
                si[Rate] += squareQ / k;
                if (useBiases)
                {
                    var gu = -error + biasLambda * su[Bias];
                    var gi = -error + biasLambda * si[Bias];
                    su[Bias] -= eta / MathF.Sqrt(su[BiasRate]) * gu;
                    si[Bias] -= eta / MathF.Sqrt(si[BiasRate]) * gi;
                    su[BiasRate] += gu * gu;
                    si[BiasRate] += gi * gi;
                }
            }
        }
    }

    internal static unsafe float Dot(float* a, float* b, int k)
    {
        var i = 0;
        var acc = Vector256<float>.Zero;
        for (; i + 8 <= k; i += 8)
        {
            acc += Vector256.Load(a + i) * Vector256.Load(b + i);
        }

        var sum = Vector256.Sum(acc);
        for (; i < k; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>
    /// <paramref name="user"/> . item_i for every item of <paramref name="items"/> (<paramref name="scores"/>.Length
    /// rows of <paramref name="rank"/>), negative infinity where <paramref name="trained"/> is false. Four items at a
    /// time share each load of the user's vector and run four independent accumulators (one dot product's chain of
    /// dependent adds left the core mostly idle); each item's sum is taken in the same order as <see cref="Dot"/>, so
    /// the scores are bit-for-bit the same.
    /// </summary>
    internal static unsafe void DotEveryItem(ReadOnlySpan<float> user, ReadOnlySpan<float> items, int rank, bool[] trained, Span<float> scores)
    {
        fixed (float* x = user)
        fixed (float* y = items)
        {
            DotEveryItem(x, y, rank, trained, scores);
        }
    }

    private static unsafe void DotEveryItem(float* user, float* items, int rank, bool[] trained, Span<float> scores)
    {
        var blocks = rank - (rank % 8);
        var i = 0;
        for (; i + 4 <= scores.Length; i += 4)
        {
            float* y0 = items + ((long)i * rank), y1 = y0 + rank, y2 = y1 + rank, y3 = y2 + rank;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var k = 0; k < blocks; k += 8)
            {
                var u = Vector256.Load(user + k);
                a0 += u * Vector256.Load(y0 + k);
                a1 += u * Vector256.Load(y1 + k);
                a2 += u * Vector256.Load(y2 + k);
                a3 += u * Vector256.Load(y3 + k);
            }

            float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
            for (var k = blocks; k < rank; k++)
            {
                s0 += user[k] * y0[k];
                s1 += user[k] * y1[k];
                s2 += user[k] * y2[k];
                s3 += user[k] * y3[k];
            }

            scores[i] = trained[i] ? s0 : float.NegativeInfinity;
            scores[i + 1] = trained[i + 1] ? s1 : float.NegativeInfinity;
            scores[i + 2] = trained[i + 2] ? s2 : float.NegativeInfinity;
            scores[i + 3] = trained[i + 3] ? s3 : float.NegativeInfinity;
        }

        for (; i < scores.Length; i++)
        {
            scores[i] = trained[i] ? Dot(user, items + ((long)i * rank), rank) : float.NegativeInfinity;
        }
    }

    private static unsafe (float SquareP, float SquareQ) Step(float* p, float* q, int k, float error, float lambda, float rateP, float rateQ)
    {
        var i = 0;
        var vError = Vector256.Create(error);
        var vLambda = Vector256.Create(lambda);
        var vRateP = Vector256.Create(rateP);
        var vRateQ = Vector256.Create(rateQ);
        var squareP = Vector256<float>.Zero;
        var squareQ = Vector256<float>.Zero;
        for (; i + 8 <= k; i += 8)
        {
            var vp = Vector256.Load(p + i);
            var vq = Vector256.Load(q + i);
            var gp = vLambda * vp - vError * vq;
            var gq = vLambda * vq - vError * vp;
            Vector256.Store(vp - vRateP * gp, p + i);
            Vector256.Store(vq - vRateQ * gq, q + i);
            squareP += gp * gp;
            squareQ += gq * gq;
        }

        var sp = Vector256.Sum(squareP);
        var sq = Vector256.Sum(squareQ);
        for (; i < k; i++)
        {
            var gp = lambda * p[i] - error * q[i];
            var gq = lambda * q[i] - error * p[i];
            p[i] -= rateP * gp;
            q[i] -= rateQ * gq;
            sp += gp * gp;
            sq += gq * gq;
        }

        return (sp, sq);
    }

    private static int[] Groups(int count, Rng rng)
    {
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order.AsSpan());
        var group = new int[count];
        for (var i = 0; i < count; i++)
        {
            group[order[i]] = i % Blocks;
        }

        return group;
    }
}
