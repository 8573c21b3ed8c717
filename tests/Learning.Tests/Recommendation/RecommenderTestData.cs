using NetflixML.Learning.Core;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Learning.Tests.Recommendation;

/// <summary>A small planted world: users and items with rank-3 tastes; items have one of four genres.</summary>
internal static class RecommenderTestData
{
    public static readonly string[] GenreNames = ["Drama", "Comedy", "Action", "Horror"];

    public static ItemCatalog Catalog(int items)
    {
        var ids = new IdMap(Enumerable.Range(0, items).Select(i => $"item{i}"));
        var genres = Enumerable.Range(0, items).Select(i => new[] { GenreNames[i % 4] }).ToArray();
        var tokens = Enumerable.Range(0, items).Select(i => new[] { "genre:" + GenreNames[i % 4], "decade:" + (1980 + 10 * (i % 3)) }).ToArray();
        return new ItemCatalog(ids, genres, tokens);
    }

    /// <summary>
    /// The cosine of items <paramref name="a"/> and <paramref name="b"/>'s vectors (rows of <paramref name="vectors"/>),
    /// worked out in doubles apart from the models' float kernels; 0 where either is all zeros.
    /// </summary>
    public static double Cosine(float[] vectors, int rank, int a, int b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (var k = 0; k < rank; k++)
        {
            dot += (double)vectors[(a * rank) + k] * vectors[(b * rank) + k];
            normA += (double)vectors[(a * rank) + k] * vectors[(a * rank) + k];
            normB += (double)vectors[(b * rank) + k] * vectors[(b * rank) + k];
        }

        return normA > 0 && normB > 0 ? dot / Math.Sqrt(normA * normB) : 0;
    }

    /// <summary>Ratings r = 3 + p.q + noise for a random subset of pairs (held-out share returned separately).</summary>
    public static (List<Interaction> Train, List<Interaction> Test, double Noise) LowRank(int users, int items, int perUser, double noise, ulong seed)
    {
        var rng = new Rng(seed);
        const int rank = 3;
        var p = new double[users, rank];
        var q = new double[items, rank];
        for (var u = 0; u < users; u++)
        {
            for (var d = 0; d < rank; d++)
            {
                p[u, d] = rng.Gaussian(0, 0.8);
            }
        }

        for (var i = 0; i < items; i++)
        {
            for (var d = 0; d < rank; d++)
            {
                q[i, d] = rng.Gaussian(0, 0.8);
            }
        }

        var train = new List<Interaction>();
        var test = new List<Interaction>();
        for (var u = 0; u < users; u++)
        {
            var chosen = new HashSet<int>();
            while (chosen.Count < perUser)
            {
                chosen.Add(rng.NextInt(items));
            }

            foreach (var i in chosen.Order())
            {
                double dot = 0;
                for (var d = 0; d < rank; d++)
                {
                    dot += p[u, d] * q[i, d];
                }

                var interaction = new Interaction($"user{u}", $"item{i}", (float)(3 + dot + rng.Gaussian(0, noise)));
                (rng.Bernoulli(0.1) ? test : train).Add(interaction);
            }
        }

        return (train, test, noise);
    }

    /// <summary>
    /// A factor lower bound f and a rise w for a selection floor's trials: |f| from 10^-3 to 10^4 (at most magnitude),
    /// and w at most rise, which runs from far below f's last place, where f + w rounds up by more than w, to the
    /// whole magnitude.
    /// </summary>
    public static (double Magnitude, float F, double Rise, float W) FloorTrial(Rng rng)
    {
        var magnitude = Math.Pow(10, rng.Uniform(-3, 4));
        var f = (float)(rng.Uniform(-1, 1) * magnitude);
        var rise = Math.Pow(10, rng.Uniform(-10, 0)) * magnitude;
        return (magnitude, f, rise, (float)(rng.NextDouble() * rise));
    }

    /// <summary>
    /// Watches drawn from a planted choice model: each of 400 users watches 20 distinct titles of the first 200, each
    /// pick item i with probability proportional to exp(bias_i + taste(u, i)), bias_i ~ N(0, biasSd). Users 0-299 are
    /// the training watches (user{u}, item{i}, 1); users 300-399 are viewers a model does not know, who give their
    /// first 15 titles and are judged on the next 5. The planted best ranks a viewer's unseen titles by the same logit.
    /// </summary>
    public static (List<Interaction> Train, List<(int User, int[] Given, HashSet<int> Next)> Viewers, Func<int, int, double> Logit) PlantedViewers(ulong seed, double biasSd, Func<int, int, double> taste)
    {
        var rng = new Rng(seed);
        var bias = Enumerable.Range(0, 200).Select(_ => rng.Gaussian(0, biasSd)).ToArray();
        var train = new List<Interaction>();
        var viewers = new List<(int User, int[] Given, HashSet<int> Next)>();
        for (var u = 0; u < 400; u++)
        {
            var weights = Enumerable.Range(0, 200).Select(i => Math.Exp(bias[i] + taste(u, i))).ToArray();
            var watched = new List<int>();
            while (watched.Count < 20)
            {
                var item = rng.Choose(weights);
                if (!watched.Contains(item))
                {
                    watched.Add(item);
                }
            }

            if (u < 300)
            {
                train.AddRange(watched.Select(i => new Interaction($"user{u}", $"item{i}", 1)));
            }
            else
            {
                viewers.Add((u, [.. watched.Take(15)], [.. watched.Skip(15)]));
            }
        }

        return (train, viewers, (u, i) => bias[i] + taste(u, i));
    }

    /// <summary>NDCG@10 of the planted best ranking (<see cref="PlantedViewers"/>) for its viewers.</summary>
    public static double PlantedBestNdcg(List<(int User, int[] Given, HashSet<int> Next)> viewers, Func<int, int, double> logit) =>
        viewers.Average(v => RankingMetrics.NdcgAtK(
            [.. Enumerable.Range(0, 200).Where(i => !v.Given.Contains(i)).OrderByDescending(i => logit(v.User, i)).ThenBy(i => i).Take(10)], v.Next, 10));

    /// <summary>Implicit MF fitted to <see cref="Clustered"/> watches (and <paramref name="extra"/>) over <see cref="Catalog"/>.</summary>
    public static ImplicitFactorModel ClusteredImplicit(int users, int items, ulong seed, int rank, int iterations, params Interaction[] extra)
    {
        var catalog = Catalog(items);
        var (train, _) = Clustered(users, items, seed);
        train.AddRange(extra);
        return new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = rank, Iterations = iterations }).Fit(InteractionMatrix.Build(train, catalog, sumDuplicates: true), catalog);
    }

    /// <summary>Implicit data: each user likes one of four genres and watches mostly items of it.</summary>
    public static (List<Interaction> Train, List<HeldOut> Test) Clustered(int users, int items, ulong seed)
    {
        var rng = new Rng(seed);
        var train = new List<Interaction>();
        var test = new List<HeldOut>();
        for (var u = 0; u < users; u++)
        {
            var favourite = u % 4;
            var watched = new HashSet<int>();
            while (watched.Count < 20)
            {
                var item = rng.Bernoulli(0.85) ? 4 * rng.NextInt(items / 4) + favourite : rng.NextInt(items);
                watched.Add(item);
            }

            var ordered = watched.Order().ToArray();
            rng.Shuffle(ordered.AsSpan());
            foreach (var item in ordered[..15])
            {
                train.Add(new Interaction($"user{u}", $"item{item}", 1));
            }

            test.Add(new HeldOut($"user{u}", ordered[15..].ToDictionary(i => $"item{i}", _ => 1)));
        }

        return (train, test);
    }

    public static IEnumerable<Recommender> All(ItemCatalog catalog, InteractionMatrix history, int? threads = null)
    {
        yield return new PopularityRecommender(catalog, history);
        yield return new ContentRecommender(catalog, history);
        yield return new MatrixFactorizationTrainer(new MatrixFactorizationOptions { ApproximationRank = 8, Threads = threads }).Fit(history, catalog);
        var implicitModel = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 8, Iterations = 5, Threads = threads }).Fit(history, catalog);
        yield return implicitModel;
        yield return new HybridRecommender(implicitModel);
    }
}
