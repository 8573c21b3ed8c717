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
    private readonly FactorCosines _cosines;

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
        _cosines = new FactorCosines(q, rank, trainedItem);
    }

    public override string Name => "explicit-mf";

    /// <summary>The item vectors, row by row, and which items have them (for tests that check what is computed from them).</summary>
    internal (float[] Items, bool[] Trained) ItemVectors => (_q, _trainedItem);

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

    protected override SimilaritySource ScoreSimilar(int item, Span<float> scores) => _cosines.Score(item, scores, Content);

    internal override void WriteParameters(BinaryWriter writer)
    {
        writer.Write(Rank);
        writer.Write(Mean);
        writer.Write(Scale);
        writer.Write(Min);
        writer.Write(Max);
        FactorArrays.WriteFloats(writer, _p);
        FactorArrays.WriteFloats(writer, _q);
        FactorArrays.WriteFloats(writer, _userBias);
        FactorArrays.WriteFloats(writer, _itemBias);
        FactorArrays.WriteFlags(writer, _trainedItem);
    }

    internal static MatrixFactorizationModel ReadParameters(BinaryReader reader, string optionsJson, ItemCatalog catalog, InteractionMatrix history)
    {
        var rank = reader.ReadInt32();
        var mean = reader.ReadSingle();
        var scale = reader.ReadSingle();
        var min = reader.ReadSingle();
        var max = reader.ReadSingle();
        var p = FactorArrays.ReadFloats(reader, history.Users.Count * rank);
        var q = FactorArrays.ReadFloats(reader, catalog.Count * rank);
        var userBias = FactorArrays.ReadFloats(reader, history.Users.Count);
        var itemBias = FactorArrays.ReadFloats(reader, catalog.Count);
        var trained = FactorArrays.ReadFlags(reader, catalog.Count);

        return new MatrixFactorizationModel(optionsJson, catalog, history, rank, mean, scale, min, max, p, q, userBias, itemBias, trained);
    }
}

/// <summary>
/// Item-item similarity from factors (cosine), falling back to content for items the factors never saw. Each item
/// vector's length is computed once, when the model is built, instead of again for every item on every call: that
/// was half the arithmetic of a call. The stored lengths are the same floats, so the cosines are too.
/// </summary>
internal sealed class FactorCosines
{
    private readonly float[] _factors;
    private readonly int _rank;
    private readonly bool[] _trained;
    private readonly float[] _norms;

    public unsafe FactorCosines(float[] factors, int rank, bool[] trained)
    {
        _factors = factors;
        _rank = rank;
        _trained = trained;
        _norms = new float[trained.Length];
        fixed (float* q = factors)
        {
            for (var i = 0; i < _norms.Length; i++)
            {
                var row = q + ((long)i * rank);
                _norms[i] = MathF.Sqrt(MatrixFactorizationTrainer.Dot(row, row, rank));
            }
        }
    }

    public unsafe SimilaritySource Score(int item, Span<float> scores, ContentIndex content)
    {
        if (!_trained[item])
        {
            content.ScoreSimilar(item, scores);
            return SimilaritySource.Content;
        }

        fixed (float* q = _factors)
        {
            var target = q + ((long)item * _rank);
            var targetNorm = _norms[item];
            for (var i = 0; i < scores.Length; i++)
            {
                if (!_trained[i])
                {
                    scores[i] = float.NegativeInfinity;
                    continue;
                }

                var norm = _norms[i] * targetNorm;
                scores[i] = norm > 0 ? MatrixFactorizationTrainer.Dot(target, q + ((long)i * _rank), _rank) / norm : 0;
            }
        }

        return SimilaritySource.Interactions;
    }
}

/// <summary>Reading and writing a factor model's arrays.</summary>
internal static class FactorArrays
{
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
