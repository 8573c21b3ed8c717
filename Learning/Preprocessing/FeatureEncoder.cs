using NetflixML.Learning.Data;

namespace NetflixML.Learning.Preprocessing;

/// <summary>How categorical columns are encoded.</summary>
public sealed record EncoderOptions
{
    /// <summary>Vocabularies up to this size are one-hot encoded in full.</summary>
    public int MaxOneHot { get; init; } = 32;

    /// <summary>In larger vocabularies (directors, cast) only categories seen this often get their own indicator.</summary>
    public int MinCountForLargeVocabulary { get; init; } = 5;
}

/// <summary>
/// Turns raw columns into a dense float vector, learned at fit time and stored in the model. Numeric columns pass
/// through (NaN stays NaN: each learner handles missing values itself). A categorical column with a small
/// vocabulary is one-hot encoded; a large one keeps indicators only for its most frequent categories, plus an
/// "(other)" indicator and the category's training frequency, so a director seen once and one never seen are both
/// handled without growing the model. Unseen categories at prediction time land in "(other)"; nothing throws.
/// </summary>
public sealed class FeatureEncoder
{
    private readonly ColumnPlan[] _plans;

    private FeatureEncoder(TabularSchema schema, ColumnPlan[] plans)
    {
        Schema = schema;
        _plans = plans;
        var names = new List<string>();
        var sources = new List<int>();
        for (var c = 0; c < plans.Length; c++)
        {
            plans[c].Offset = names.Count;
            foreach (var name in plans[c].OutputNames(schema.Columns[c].Name))
            {
                names.Add(name);
                sources.Add(c);
            }
        }

        FeatureNames = names;
        SourceColumn = [.. sources];
    }

    public TabularSchema Schema { get; }

    /// <summary>Length of the encoded vector.</summary>
    public int Width => FeatureNames.Count;

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>For each encoded feature, the raw column it came from.</summary>
    public int[] SourceColumn { get; }

    /// <summary>
    /// Every category a categorical or set-valued column saw at fit time, in a large vocabulary those without an
    /// indicator of their own as well (empty for a numeric column). Any other value is encoded as unseen.
    /// </summary>
    public IReadOnlyCollection<string> KnownCategories(string column)
    {
        var index = Schema.IndexOf(column);
        return index >= 0
            ? _plans[index].Known
            : throw new ArgumentException($"The encoder has no column '{column}'; it has {string.Join(", ", Schema.Columns.Select(c => c.Name))}.", nameof(column));
    }

    public static FeatureEncoder Fit(TabularData data, EncoderOptions? options = null)
    {
        options ??= new EncoderOptions();
        var plans = new ColumnPlan[data.Schema.Columns.Count];
        for (var c = 0; c < plans.Length; c++)
        {
            var column = data.Schema.Columns[c];
            plans[c] = column.Kind switch
            {
                ColumnKind.Numeric => new ColumnPlan(ColumnKind.Numeric, data.Schema.SlotOf(c)),
                ColumnKind.Categorical => ColumnPlan.ForCategories(ColumnKind.Categorical, data.Schema.SlotOf(c), Count(data.Categorical(c)), data.Rows, options),
                _ => ColumnPlan.ForCategories(ColumnKind.CategoricalSet, data.Schema.SlotOf(c), Count(data.Set(c)), data.Rows, options),
            };
        }

        return new FeatureEncoder(data.Schema, plans);
    }

    public void Encode(in FeatureRow row, Span<float> output)
    {
        if (output.Length < Width)
        {
            throw new ArgumentException($"Output holds {output.Length} values; the encoder writes {Width}.", nameof(output));
        }

        foreach (var plan in _plans)
        {
            switch (plan.Kind)
            {
                case ColumnKind.Numeric:
                    output[plan.Offset] = (float)row.Numeric[plan.Slot];
                    break;
                case ColumnKind.Categorical:
                    plan.EncodeCategory(row.Categorical[plan.Slot], output);
                    break;
                default:
                    plan.EncodeSet(row.Sets[plan.Slot], output);
                    break;
            }
        }
    }

    public void Encode(TabularData data, int row, Span<float> output)
    {
        foreach (var plan in _plans)
        {
            switch (plan.Kind)
            {
                case ColumnKind.Numeric:
                    output[plan.Offset] = (float)data.NumericBySlot(plan.Slot)[row];
                    break;
                case ColumnKind.Categorical:
                    plan.EncodeCategory(data.CategoricalBySlot(plan.Slot)[row], output);
                    break;
                default:
                    plan.EncodeSet(data.SetBySlot(plan.Slot)[row], output);
                    break;
            }
        }
    }

    /// <summary>All rows, row-major (Rows x Width).</summary>
    public float[] EncodeAll(TabularData data)
    {
        CheckSchema(data.Schema);
        var width = Width;
        var result = new float[(long)data.Rows * width];
        Parallel.For(0, (data.Rows + 4095) / 4096, block =>
        {
            var end = Math.Min(data.Rows, (block + 1) * 4096);
            for (var r = block * 4096; r < end; r++)
            {
                Encode(data, r, result.AsSpan(r * width, width));
            }
        });
        return result;
    }

    public void CheckSchema(TabularSchema schema)
    {
        if (!schema.SameAs(Schema))
        {
            throw new ArgumentException($"The data's columns ({Describe(schema)}) differ from the model's ({Describe(Schema)}).");
        }
    }

    private static string Describe(TabularSchema schema) => string.Join(", ", schema.Columns.Select(c => $"{c.Name}:{c.Kind}"));

    private static Dictionary<string, int> Count(ReadOnlySpan<string?> values)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            if (v is not null)
            {
                counts[v] = counts.GetValueOrDefault(v) + 1;
            }
        }

        return counts;
    }

    private static Dictionary<string, int> Count(ReadOnlySpan<string[]?> values)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var set in values)
        {
            if (set is null)
            {
                continue;
            }

            for (var i = 0; i < set.Length; i++)
            {
                if (!RepeatsEarlier(set, i))
                {
                    counts[set[i]] = counts.GetValueOrDefault(set[i]) + 1;
                }
            }
        }

        return counts;
    }

    /// <summary>
    /// Whether values[i] already appeared before i: a set lists each value once, so a repeat ("Drama", "Drama") is
    /// neither counted nor encoded again. A quadratic scan, without allocating, for the few values a set holds.
    /// </summary>
    internal static bool RepeatsEarlier(string[] values, int i)
    {
        for (var j = 0; j < i; j++)
        {
            if (string.Equals(values[j], values[i], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Schema.Columns.Count);
        foreach (var column in Schema.Columns)
        {
            writer.Write(column.Name);
            writer.Write((byte)column.Kind);
        }

        foreach (var plan in _plans)
        {
            plan.Write(writer);
        }
    }

    public static FeatureEncoder Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var columns = new ColumnInfo[count];
        for (var c = 0; c < count; c++)
        {
            columns[c] = new ColumnInfo(reader.ReadString(), (ColumnKind)reader.ReadByte());
        }

        var schema = new TabularSchema(columns);
        var plans = new ColumnPlan[count];
        for (var c = 0; c < count; c++)
        {
            plans[c] = ColumnPlan.Read(reader, columns[c].Kind, schema.SlotOf(c));
        }

        return new FeatureEncoder(schema, plans);
    }

    /// <summary>The encoding of one raw column.</summary>
    private sealed class ColumnPlan(ColumnKind kind, int slot)
    {
        private string[] _vocabulary = [];
        private Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private Dictionary<string, float> _frequency = new(StringComparer.Ordinal);
        private bool _large;

        public ColumnKind Kind { get; } = kind;

        public int Slot { get; } = slot;

        public int Offset { get; set; }

        // A large vocabulary keeps the training frequency of every category it saw, indicator or not.
        public IReadOnlyCollection<string> Known => _large ? _frequency.Keys : _vocabulary;

        public static ColumnPlan ForCategories(ColumnKind kind, int slot, Dictionary<string, int> counts, int rows, EncoderOptions options)
        {
            var large = counts.Count > options.MaxOneHot;
            var vocabulary = counts
                .Where(c => !large || c.Value >= options.MinCountForLargeVocabulary)
                .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
                .Take(options.MaxOneHot)
                .Select(c => c.Key)
                .ToArray();
            var plan = new ColumnPlan(kind, slot) { _large = large };
            plan.SetVocabulary(vocabulary);
            if (large)
            {
                plan._frequency = counts.ToDictionary(c => c.Key, c => (float)c.Value / Math.Max(1, rows), StringComparer.Ordinal);
            }

            return plan;
        }

        private void SetVocabulary(string[] vocabulary)
        {
            _vocabulary = vocabulary;
            _index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < vocabulary.Length; i++)
            {
                _index[vocabulary[i]] = i;
            }
        }

        public IEnumerable<string> OutputNames(string column)
        {
            if (Kind == ColumnKind.Numeric)
            {
                yield return column;
                yield break;
            }

            foreach (var v in _vocabulary)
            {
                yield return $"{column}={v}";
            }

            if (_large)
            {
                yield return $"{column}=(other)";
                yield return $"{column}#frequency";
            }

            if (Kind == ColumnKind.CategoricalSet)
            {
                yield return $"{column}#size";
            }
        }

        private int Outputs => _vocabulary.Length + (_large ? 2 : 0) + (Kind == ColumnKind.CategoricalSet ? 1 : 0);

        public void EncodeCategory(string? value, Span<float> output)
        {
            var o = output.Slice(Offset, Outputs);
            o.Clear();
            if (value is null)
            {
                return;
            }

            if (_index.TryGetValue(value, out var i))
            {
                o[i] = 1;
            }
            else if (_large)
            {
                o[_vocabulary.Length] = 1;
            }

            if (_large)
            {
                o[_vocabulary.Length + 1] = _frequency.GetValueOrDefault(value);
            }
        }

        public void EncodeSet(string[]? values, Span<float> output)
        {
            var o = output.Slice(Offset, Outputs);
            o.Clear();
            if (values is null || values.Length == 0)
            {
                return;
            }

            float frequency = 0;
            var distinct = 0;
            for (var v = 0; v < values.Length; v++)
            {
                var value = values[v];
                if (RepeatsEarlier(values, v))
                {
                    continue;
                }

                distinct++;
                if (_index.TryGetValue(value, out var i))
                {
                    o[i] = 1;
                }
                else if (_large)
                {
                    o[_vocabulary.Length] += 1;
                }

                if (_large)
                {
                    frequency += _frequency.GetValueOrDefault(value);
                }
            }

            if (_large)
            {
                o[_vocabulary.Length + 1] = frequency / distinct;
            }

            o[^1] = distinct;
        }

        public void Write(BinaryWriter writer)
        {
            writer.Write(_large);
            writer.Write(_vocabulary.Length);
            foreach (var v in _vocabulary)
            {
                writer.Write(v);
            }

            writer.Write(_frequency.Count);
            foreach (var (key, value) in _frequency.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.Write(key);
                writer.Write(value);
            }
        }

        public static ColumnPlan Read(BinaryReader reader, ColumnKind kind, int slot)
        {
            var plan = new ColumnPlan(kind, slot) { _large = reader.ReadBoolean() };
            var vocabulary = new string[reader.ReadInt32()];
            for (var i = 0; i < vocabulary.Length; i++)
            {
                vocabulary[i] = reader.ReadString();
            }

            plan.SetVocabulary(vocabulary);
            var frequencies = reader.ReadInt32();
            plan._frequency = new Dictionary<string, float>(frequencies, StringComparer.Ordinal);
            for (var i = 0; i < frequencies; i++)
            {
                plan._frequency[reader.ReadString()] = reader.ReadSingle();
            }

            return plan;
        }
    }
}
