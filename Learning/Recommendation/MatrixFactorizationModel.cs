namespace NetflixML.Learning.Recommendation;

/// <summary>
/// A trained explicit-rating model: rating = mean + user bias + item bias + p_u . q_i (in units of the rating
/// scale, clipped to the range seen in training). Never NaN: an unknown user gets mean + item bias, an unknown
/// item mean + user bias, both unknown the mean.
/// </summary>
public sealed class MatrixFactorizationModel : Recommender
{
    private readonly float[] _p;
    private readonly float[] _q;
    private readonly float[] _userBias;
    private readonly float[] _itemBias;
    private readonly bool[] _trainedItem;

    internal MatrixFactorizationModel(string optionsJson, ItemCatalog catalog, InteractionMatrix history, int rank, float mean, float scale, float min, float max,
        float[] p, float[] q, float[] userBias, float[] itemBias, bool[] trainedItem)
        : base(catalog, history)
    {
        OptionsJson = optionsJson;
        Rank = rank;
        Mean = mean;
        Scale = scale;
        Min = min;
        Max = max;
        _p = p;
        _q = q;
        _userBias = userBias;
        _itemBias = itemBias;
        _trainedItem = trainedItem;
    }

    public override string Name => "explicit-mf";

    public override string Kind => "explicit-mf";

    public override string OptionsJson { get; }

    public int Rank { get; }

    /// <summary>Global mean rating (0 when trained without biases).</summary>
    public float Mean { get; }

    /// <summary>Ratings were divided by this (their standard deviation) while training.</summary>
    public float Scale { get; }

    public float Min { get; }

    public float Max { get; }

    /// <summary>Predicted rating of <paramref name="itemId"/> by <paramref name="userId"/>; never NaN.</summary>
    public double Predict(string userId, string itemId)
    {
        var user = History.Users.IndexOf(userId);
        var item = Catalog.Items.IndexOf(itemId);
        return Predict(user, item);
    }

    public unsafe double Predict(int user, int item)
    {
        var knownItem = item >= 0 && _trainedItem[item];
        double scaled = (user >= 0 ? _userBias[user] : 0) + (knownItem ? _itemBias[item] : 0);
        if (user >= 0 && knownItem)
        {
            fixed (float* p = &_p[user * Rank])
            fixed (float* q = &_q[item * Rank])
            {
                scaled += MatrixFactorizationTrainer.Dot(p, q, Rank);
            }
        }

        return Math.Clamp(Mean + Scale * scaled, Min, Max);
    }

    /// <summary>The ranking score item bias + p_u . q_i for one pair (negative infinity for an item never trained): the definition.</summary>
    internal unsafe float Score(int user, int item)
    {
        fixed (float* p = &_p[user * Rank])
        fixed (float* q = &_q[item * Rank])
        {
            return _trainedItem[item] ? _itemBias[item] + MatrixFactorizationTrainer.Dot(p, q, Rank) : float.NegativeInfinity;
        }
    }

    protected override RecommendationSource ScoreKnownUser(int user, Span<float> scores)
    {
        MatrixFactorizationTrainer.DotEveryItem(_p.AsSpan(user * Rank, Rank), _q, Rank, _trainedItem, scores);
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] += _itemBias[i];
        }

        return RecommendationSource.FactorModel;
    }

    protected override SimilaritySource ScoreSimilar(int item, Span<float> scores) => FactorSimilarity.Score(_q, Rank, _trainedItem, item, scores, Content);

    internal override void WriteParameters(BinaryWriter writer)
    {
        writer.Write(Rank);
        writer.Write(Mean);
        writer.Write(Scale);
        writer.Write(Min);
        writer.Write(Max);
        FactorSimilarity.WriteFloats(writer, _p);
        FactorSimilarity.WriteFloats(writer, _q);
        FactorSimilarity.WriteFloats(writer, _userBias);
        FactorSimilarity.WriteFloats(writer, _itemBias);
        FactorSimilarity.WriteFlags(writer, _trainedItem);
    }

    internal static MatrixFactorizationModel ReadParameters(BinaryReader reader, string optionsJson, ItemCatalog catalog, InteractionMatrix history)
    {
        var rank = reader.ReadInt32();
        var mean = reader.ReadSingle();
        var scale = reader.ReadSingle();
        var min = reader.ReadSingle();
        var max = reader.ReadSingle();
        var p = FactorSimilarity.ReadFloats(reader, history.Users.Count * rank);
        var q = FactorSimilarity.ReadFloats(reader, catalog.Count * rank);
        var userBias = FactorSimilarity.ReadFloats(reader, history.Users.Count);
        var itemBias = FactorSimilarity.ReadFloats(reader, catalog.Count);
        var trained = FactorSimilarity.ReadFlags(reader, catalog.Count);

        return new MatrixFactorizationModel(optionsJson, catalog, history, rank, mean, scale, min, max, p, q, userBias, itemBias, trained);
    }
}

/// <summary>Item-item similarity from factors (cosine), falling back to content for items the factors never saw.</summary>
internal static class FactorSimilarity
{
    public static unsafe SimilaritySource Score(float[] factors, int rank, bool[] trained, int item, Span<float> scores, ContentIndex content)
    {
        if (!trained[item])
        {
            content.ScoreSimilar(item, scores);
            return SimilaritySource.Content;
        }

        fixed (float* q = factors)
        {
            var target = q + (long)item * rank;
            var targetNorm = MathF.Sqrt(MatrixFactorizationTrainer.Dot(target, target, rank));
            for (var i = 0; i < scores.Length; i++)
            {
                if (!trained[i])
                {
                    scores[i] = float.NegativeInfinity;
                    continue;
                }

                var other = q + (long)i * rank;
                var norm = MathF.Sqrt(MatrixFactorizationTrainer.Dot(other, other, rank)) * targetNorm;
                scores[i] = norm > 0 ? MatrixFactorizationTrainer.Dot(target, other, rank) / norm : 0;
            }
        }

        return SimilaritySource.Interactions;
    }

    public static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public static float[] ReadFloats(BinaryReader reader, int expected)
    {
        var length = reader.ReadInt32();
        if (length != expected)
        {
            throw new InvalidDataException($"Expected {expected} values, the file holds {length}.");
        }

        var values = new float[length];
        var bytes = reader.ReadBytes(length * sizeof(float));
        if (bytes.Length != length * sizeof(float))
        {
            throw new EndOfStreamException("Factor array is truncated.");
        }

        bytes.AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Per-item flags: the count, then one byte per flag.</summary>
    public static void WriteFlags(BinaryWriter writer, bool[] flags)
    {
        writer.Write(flags.Length);
        foreach (var flag in flags)
        {
            writer.Write(flag);
        }
    }

    public static bool[] ReadFlags(BinaryReader reader, int items)
    {
        var count = reader.ReadInt32();
        if (count != items)
        {
            throw new InvalidDataException($"{count} item flags for {items} items.");
        }

        var flags = new bool[count];
        for (var i = 0; i < count; i++)
        {
            flags[i] = reader.ReadBoolean();
        }

        return flags;
    }
}
