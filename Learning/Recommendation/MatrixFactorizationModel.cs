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

    // Built on the first similar-items call: models trained or served for recommendations alone never need it.
    private readonly Lazy<FactorCosines> _cosines;

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
        _cosines = new Lazy<FactorCosines>(() => new FactorCosines(q, rank, trainedItem));
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

    protected override SimilaritySource ScoreSimilar(int item, Span<float> scores) => _cosines.Value.Score(item, scores, Content);

    protected override int SelectSimilar(int item, Span<float> scores, Span<ScoredItem> destination) => _cosines.Value.Select(item, scores, destination);

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
/// Item-item similarity from factors (cosine), falling back to content for items the factors never saw. Each item's
/// vector is divided by its length once, when the model is built, so a cosine is one dot product of two unit
/// vectors: an item's similarities are a user's scores with the item's unit vector as the user. An 8-bit copy of the
/// unit vectors (<see cref="QuantisedItemFactors"/>) then finds an item's most similar items as a user's top n is
/// found, scoring exactly only the items that can make the list; the answer is what scoring every item in floats
/// gives (<see cref="ScoreEvery"/>).
/// </summary>
internal sealed class FactorCosines
{
    private readonly float[] _unit;
    private readonly int _rank;
    private readonly bool[] _trained;

    /// <param name="factors">The item vectors, row by row.</param>
    /// <param name="rank">Their length.</param>
    /// <param name="trained">Which items have vectors.</param>
    /// <param name="quantise">Whether to keep the 8-bit copy (where the machine can scan it); false scores every item in floats.</param>
    /// <param name="kernel">The instructions the 8-bit scan multiplies with (the machine's fastest unless a test names one).</param>
    public FactorCosines(float[] factors, int rank, bool[] trained, bool quantise = true, DotKernel? kernel = null)
    {
        _rank = rank;
        _trained = trained;
        _unit = new float[factors.Length];
        for (var i = 0; i < trained.Length; i++)
        {
            var row = factors.AsSpan(i * rank, rank);
            double square = 0;
            foreach (var v in row)
            {
                square += (double)v * v;
            }

            // A vector of zeros stays zeros: its cosine with every item is 0, as it was when lengths divided the dot.
            var inverse = square > 0 ? 1 / Math.Sqrt(square) : 0;
            for (var a = 0; a < rank; a++)
            {
                _unit[(i * rank) + a] = (float)(row[a] * inverse);
            }
        }

        Quantised = quantise && QuantisedItemFactors.IsSupported ? new QuantisedItemFactors(_unit, rank, trained, kernel) : null;
    }

    /// <summary>The unit vectors in 8 bits (null where the machine lacks the instructions, or when not asked for).</summary>
    public QuantisedItemFactors? Quantised { get; }

    /// <summary>Whether <paramref name="item"/> has a factor vector (else its similarities come from content).</summary>
    public bool Covers(int item) => _trained[item];

    /// <summary>The item's vector divided by its length (zeros for a vector of zeros).</summary>
    public ReadOnlySpan<float> Unit(int item) => _unit.AsSpan(item * _rank, _rank);

    /// <summary>Every item's cosine with <paramref name="item"/> in floats (negative infinity for items with no vector): the definition.</summary>
    public void ScoreEvery(int item, Span<float> scores) => MatrixFactorizationTrainer.DotEveryItem(Unit(item), _unit, _rank, _trained, scores);

    /// <summary>
    /// Every item's similarity to <paramref name="item"/>: content similarity for an item with no vector; else the
    /// cosines, or, with the 8-bit copy, lower bounds on them that <see cref="Select"/> finishes exactly.
    /// </summary>
    public SimilaritySource Score(int item, Span<float> scores, ContentIndex content)
    {
        if (!_trained[item])
        {
            content.ScoreSimilar(item, scores);
            return SimilaritySource.Content;
        }

        if (Quantised is null)
        {
            ScoreEvery(item, scores);
        }
        else
        {
            Quantised.LowerBounds(Unit(item), scores);
        }

        return SimilaritySource.Interactions;
    }

    /// <summary>The best of what <see cref="Score"/> wrote (with <paramref name="item"/> itself since set to negative infinity): the same items, order and scores as selecting from <see cref="ScoreEvery"/>.</summary>
    public int Select(int item, Span<float> scores, Span<ScoredItem> destination) =>
        Quantised is null || !_trained[item]
            ? TopN.Select(scores, destination)
            : Quantised.Select(Unit(item), scores, scores, destination, default(FactorScore), out _);
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
