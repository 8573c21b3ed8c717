using System.Globalization;
using NetflixML.Learning.Data;
using NetflixML.Learning.Evaluation;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Trees;

namespace NetflixML.Features.Leakage;

/// <summary>What screening one feature found.</summary>
public sealed record FeatureScreen(string Feature, double SingleFeatureAuc, string? StructuralTell, bool HasValues = true)
{
    public bool Flagged => SingleFeatureAuc >= LeakageAudit.AucThreshold || StructuralTell is not null;

    public string Reason => StructuralTell is { } tell
        ? tell + (SingleFeatureAuc >= LeakageAudit.AucThreshold ? $"; alone it reaches AUC {SingleFeatureAuc:F3}" : string.Empty)
        : $"alone it reaches AUC {SingleFeatureAuc:F3} (threshold {LeakageAudit.AucThreshold})";
}

/// <summary>
/// Finds leaks from the data alone; it has no list of known leak names. Each feature is used alone: a small
/// boosted model's out-of-fold AUC, flagged at 0.9 or more, since no honest single signal should nearly decide the
/// outcome. Structural tells are flagged too: a column that holds one constant value for every row of a class (a
/// zero-filled column) while at least 5 % of the other class differs, or every row of one class at or below (or
/// at or above) a value that at least a quarter of the other class passes. On the default data the honest features
/// come no closer than 10.5 % on the range rule and never hold one value for a whole class, so the audit flags
/// exactly the planted leaks. On small data it is less sure: in a class of a hundred rows, a strong honest count
/// (sessions in the last week) can be zero for every churner by chance; every flag states its reason so a person
/// can judge it.
/// </summary>
public static class LeakageAudit
{
    public const double AucThreshold = 0.9;
    public const double TellShare = 0.25;
    public const double ConstantTellShare = 0.05;

    public static IReadOnlyList<FeatureScreen> Screen(TabularData data, ulong seed)
    {
        var labels = data.Labels ?? throw new ArgumentException("The audit needs labelled data.", nameof(data));
        var folds = CrossValidation.StratifiedFolds(labels, 3, seed);
        var trainer = new FastTreeTrainer(new FastTreeOptions { NumberOfTrees = 20, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 20 });
        var results = new List<FeatureScreen>();
        for (var c = 0; c < data.Schema.Columns.Count; c++)
        {
            var column = data.Schema.Columns[c];
            if (!HasAnyValue(data, c))
            {
                // Nothing to learn from (a column this data does not fill, such as a release month for titles known only
                // by year): chance by definition, and said so rather than shown as a measured 0.5.
                results.Add(new FeatureScreen(column.Name, 0.5, null, HasValues: false));
                continue;
            }

            var single = Single(data, c).WithLabels(labels);
            var oof = CrossValidation.Run(trainer, single, folds).OutOfFoldProbabilities;
            var auc = AreaUnderRocCurve.Compute(oof, labels);
            var tell = column.Kind == ColumnKind.Numeric ? StructuralTell(column.Name, data.Numeric(c), labels) : null;
            results.Add(new FeatureScreen(column.Name, Math.Round(double.IsNaN(auc) ? 0.5 : auc, 4), tell));
        }

        return results;
    }

    /// <summary>Describes a one-sided separation of the classes, or null when there is none.</summary>
    public static string? StructuralTell(string feature, ReadOnlySpan<double> values, ReadOnlySpan<float> labels)
    {
        // The zero-fill signature first (one value for a whole class), then the one-sided range.
        foreach (var constantOnly in new[] { true, false })
        {
            foreach (var cls in new[] { 1f, 0f })
            {
                var tell = Tell(feature, values, labels, cls, constantOnly);
                if (tell is not null)
                {
                    return tell;
                }
            }
        }

        return null;
    }

    private static string? Tell(string feature, ReadOnlySpan<double> values, ReadOnlySpan<float> labels, float cls, bool constantOnly)
    {
        var inv = CultureInfo.InvariantCulture;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        var count = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (labels[i] == cls && !double.IsNaN(values[i]))
            {
                min = Math.Min(min, values[i]);
                max = Math.Max(max, values[i]);
                count++;
            }
        }

        if (count < 20 || (constantOnly && min != max))
        {
            return null;
        }

        int above = 0, below = 0, others = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (labels[i] != cls && !double.IsNaN(values[i]))
            {
                others++;
                above += values[i] > max ? 1 : 0;
                below += values[i] < min ? 1 : 0;
            }
        }

        if (others == 0)
        {
            return null;
        }

        var name = cls == 1f ? "positive" : "negative";
        var other = cls == 1f ? "negatives" : "positives";
        if (constantOnly)
        {
            return above + below >= ConstantTellShare * others
                ? $"every {name} row has {feature} = {Format(max, inv)}, while {100.0 * (above + below) / others:F0} % of {other} differ"
                : null;
        }

        if (above >= TellShare * others)
        {
            return $"every {name} row has {feature} <= {Format(max, inv)}, while {100.0 * above / others:F0} % of {other} are above it";
        }

        return below >= TellShare * others
            ? $"every {name} row has {feature} >= {Format(min, inv)}, while {100.0 * below / others:F0} % of {other} are below it"
            : null;
    }

    private static string Format(double value, CultureInfo inv) => value.ToString("0.###", inv);

    private static bool HasAnyValue(TabularData data, int column)
    {
        switch (data.Schema.Columns[column].Kind)
        {
            case ColumnKind.Numeric:
                return data.Range(column) is not null;
            case ColumnKind.Categorical:
                foreach (var x in data.Categorical(column))
                {
                    if (x is not null)
                    {
                        return true;
                    }
                }

                return false;
            default:
                foreach (var x in data.Set(column))
                {
                    if (x is { Length: > 0 })
                    {
                        return true;
                    }
                }

                return false;
        }
    }

    private static TabularData Single(TabularData data, int column)
    {
        var info = data.Schema.Columns[column];
        var builder = new TabularDataBuilder();
        switch (info.Kind)
        {
            case ColumnKind.Numeric:
                builder.AddNumeric(info.Name, data.Numeric(column).ToArray());
                break;
            case ColumnKind.Categorical:
                builder.AddCategorical(info.Name, data.Categorical(column).ToArray());
                break;
            default:
                builder.AddSet(info.Name, data.Set(column).ToArray());
                break;
        }

        return builder.Build();
    }
}
