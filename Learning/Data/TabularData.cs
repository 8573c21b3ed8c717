namespace NetflixML.Learning.Data;

/// <summary>What a raw column holds.</summary>
public enum ColumnKind
{
    /// <summary>A number; NaN means missing.</summary>
    Numeric,

    /// <summary>One category per row (a certificate, a plan); null means missing.</summary>
    Categorical,

    /// <summary>A set of categories per row (genres, cast); null or empty means none.</summary>
    CategoricalSet,
}

public sealed record ColumnInfo(string Name, ColumnKind Kind);

/// <summary>The columns of a table, and where each sits within the arrays of its kind.</summary>
public sealed class TabularSchema
{
    private readonly Dictionary<string, int> _byName;
    private readonly int[] _slot;

    public TabularSchema(IReadOnlyList<ColumnInfo> columns)
    {
        Columns = columns;
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        _slot = new int[columns.Count];
        var counts = new int[3];
        for (var i = 0; i < columns.Count; i++)
        {
            if (!_byName.TryAdd(columns[i].Name, i))
            {
                throw new ArgumentException($"Column '{columns[i].Name}' appears twice.", nameof(columns));
            }

            _slot[i] = counts[(int)columns[i].Kind]++;
        }

        NumericCount = counts[0];
        CategoricalCount = counts[1];
        SetCount = counts[2];
    }

    public IReadOnlyList<ColumnInfo> Columns { get; }

    public int NumericCount { get; }

    public int CategoricalCount { get; }

    public int SetCount { get; }

    public int IndexOf(string name) => _byName.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Position of column <paramref name="column"/> among the columns of its kind.</summary>
    public int SlotOf(int column) => _slot[column];

    public bool SameAs(TabularSchema other) => Columns.SequenceEqual(other.Columns);
}

/// <summary>
/// A table of typed feature columns plus an optional binary label (0/1) and row weights. Columns are stored by
/// kind (numeric as double[], categorical as string[], sets as string[][]) so trainers read them without boxing.
/// </summary>
public sealed class TabularData
{
    private readonly double[][] _numeric;
    private readonly string?[][] _categorical;
    private readonly string[]?[][] _sets;

    internal TabularData(TabularSchema schema, int rows, double[][] numeric, string?[][] categorical, string[]?[][] sets, float[]? labels, double[]? weights)
    {
        Schema = schema;
        Rows = rows;
        _numeric = numeric;
        _categorical = categorical;
        _sets = sets;
        Labels = labels;
        Weights = weights;
    }

    public TabularSchema Schema { get; }

    public int Rows { get; }

    /// <summary>Binary labels, 0 or 1 (a trainer rejects anything else), or null for unlabelled data.</summary>
    public float[]? Labels { get; }

    public double[]? Weights { get; }

    public ReadOnlySpan<double> Numeric(int column) => _numeric[Schema.SlotOf(column)];

    /// <summary>The smallest and largest non-missing value of a numeric column, or null when every value is missing.</summary>
    public (double Min, double Max)? Range(int column)
    {
        var (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
        foreach (var value in Numeric(column))
        {
            if (!double.IsNaN(value))
            {
                (min, max) = (Math.Min(min, value), Math.Max(max, value));
            }
        }

        return min <= max ? (min, max) : null;
    }

    public ReadOnlySpan<string?> Categorical(int column) => _categorical[Schema.SlotOf(column)];

    public ReadOnlySpan<string[]?> Set(int column) => _sets[Schema.SlotOf(column)];

    internal double[] NumericBySlot(int slot) => _numeric[slot];

    internal string?[] CategoricalBySlot(int slot) => _categorical[slot];

    internal string[]?[] SetBySlot(int slot) => _sets[slot];

    /// <summary>Row <paramref name="row"/> as a <see cref="FeatureRow"/>, written into caller-owned buffers.</summary>
    public FeatureRow Row(int row, Span<double> numeric, Span<string?> categorical, Span<string[]?> sets)
    {
        for (var s = 0; s < _numeric.Length; s++)
        {
            numeric[s] = _numeric[s][row];
        }

        for (var s = 0; s < _categorical.Length; s++)
        {
            categorical[s] = _categorical[s][row];
        }

        for (var s = 0; s < _sets.Length; s++)
        {
            sets[s] = _sets[s][row];
        }

        return new FeatureRow(numeric[.._numeric.Length], categorical[.._categorical.Length], sets[.._sets.Length]);
    }

    /// <summary>The rows at <paramref name="indices"/>, in that order (a copy).</summary>
    public TabularData Subset(ReadOnlySpan<int> indices)
    {
        var numeric = new double[_numeric.Length][];
        for (var s = 0; s < numeric.Length; s++)
        {
            numeric[s] = Gather(_numeric[s], indices);
        }

        var categorical = new string?[_categorical.Length][];
        for (var s = 0; s < categorical.Length; s++)
        {
            categorical[s] = Gather(_categorical[s], indices);
        }

        var sets = new string[]?[_sets.Length][];
        for (var s = 0; s < sets.Length; s++)
        {
            sets[s] = Gather(_sets[s], indices);
        }

        return new TabularData(Schema, indices.Length, numeric, categorical, sets, Labels is null ? null : Gather(Labels, indices), Weights is null ? null : Gather(Weights, indices));
    }

    /// <summary>The same features with a column's values replaced (used by permutation importance).</summary>
    public TabularData WithColumnPermuted(int column, ReadOnlySpan<int> permutation)
    {
        var slot = Schema.SlotOf(column);
        var numeric = (double[][])_numeric.Clone();
        var categorical = (string?[][])_categorical.Clone();
        var sets = (string[]?[][])_sets.Clone();
        switch (Schema.Columns[column].Kind)
        {
            case ColumnKind.Numeric:
                numeric[slot] = Gather(_numeric[slot], permutation);
                break;
            case ColumnKind.Categorical:
                categorical[slot] = Gather(_categorical[slot], permutation);
                break;
            default:
                sets[slot] = Gather(_sets[slot], permutation);
                break;
        }

        return new TabularData(Schema, Rows, numeric, categorical, sets, Labels, Weights);
    }

    public TabularData WithLabels(float[] labels)
    {
        if (labels.Length != Rows)
        {
            throw new ArgumentException($"{labels.Length} labels for {Rows} rows.", nameof(labels));
        }

        return new TabularData(Schema, Rows, _numeric, _categorical, _sets, labels, Weights);
    }

    private static T[] Gather<T>(T[] source, ReadOnlySpan<int> indices)
    {
        var result = new T[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            result[i] = source[indices[i]];
        }

        return result;
    }
}

/// <summary>Builds a <see cref="TabularData"/> column by column; every column and the label must have the same length.</summary>
public sealed class TabularDataBuilder
{
    private readonly List<ColumnInfo> _columns = [];
    private readonly List<double[]> _numeric = [];
    private readonly List<string?[]> _categorical = [];
    private readonly List<string[]?[]> _sets = [];
    private float[]? _labels;
    private double[]? _weights;
    private int? _rows;

    public TabularDataBuilder AddNumeric(string name, double[] values) => Add(new ColumnInfo(name, ColumnKind.Numeric), values.Length, () => _numeric.Add(values));

    public TabularDataBuilder AddCategorical(string name, string?[] values) => Add(new ColumnInfo(name, ColumnKind.Categorical), values.Length, () => _categorical.Add(values));

    public TabularDataBuilder AddSet(string name, string[]?[] values) => Add(new ColumnInfo(name, ColumnKind.CategoricalSet), values.Length, () => _sets.Add(values));

    public TabularDataBuilder WithLabels(float[] labels)
    {
        CheckLength("label", labels.Length);
        _labels = labels;
        return this;
    }

    public TabularDataBuilder WithLabels(bool[] labels) => WithLabels(labels.Select(l => l ? 1f : 0f).ToArray());

    public TabularDataBuilder WithWeights(double[] weights)
    {
        CheckLength("weight", weights.Length);
        _weights = weights;
        return this;
    }

    public TabularData Build()
    {
        if (_columns.Count == 0)
        {
            throw new ArgumentException("A table needs at least one feature column.");
        }

        return new TabularData(new TabularSchema(_columns.ToArray()), _rows ?? 0, [.. _numeric], [.. _categorical], [.. _sets], _labels, _weights);
    }

    private TabularDataBuilder Add(ColumnInfo column, int length, Action add)
    {
        CheckLength($"column '{column.Name}'", length);
        _columns.Add(column);
        add();
        return this;
    }

    private void CheckLength(string what, int length)
    {
        if (_rows is { } rows && rows != length)
        {
            throw new ArgumentException($"Mismatched lengths: {what} has {length} rows, earlier columns have {rows}.");
        }

        _rows = length;
    }
}

/// <summary>One row's raw feature values, by kind, in schema slot order. Built on caller buffers: no allocation.</summary>
public readonly ref struct FeatureRow(ReadOnlySpan<double> numeric, ReadOnlySpan<string?> categorical, ReadOnlySpan<string[]?> sets)
{
    public ReadOnlySpan<double> Numeric { get; } = numeric;

    public ReadOnlySpan<string?> Categorical { get; } = categorical;

    public ReadOnlySpan<string[]?> Sets { get; } = sets;

    /// <summary>A row of numeric features only.</summary>
    public static FeatureRow FromNumeric(ReadOnlySpan<double> numeric) => new(numeric, default, default);
}
