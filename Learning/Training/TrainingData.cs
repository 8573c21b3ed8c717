using NetflixML.Learning.Data;

namespace NetflixML.Learning.Training;

/// <summary>The checks every trainer's Fit runs before it learns anything, with messages that say what is wrong.</summary>
public static class TrainingData
{
    public static float[] ValidateBinary(TabularData data)
    {
        if (data.Rows == 0)
        {
            throw new ArgumentException("Cannot train on empty data: 0 rows.", nameof(data));
        }

        var labels = data.Labels ?? throw new ArgumentException("The data has no labels: build it with WithLabels(...).", nameof(data));
        var positives = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (float.IsNaN(label))
            {
                throw new ArgumentException($"Label at row {i} is NaN; binary labels are 0 or 1.", nameof(data));
            }

            if (label is not (0f or 1f))
            {
                throw new ArgumentException($"Label at row {i} is {label}; binary labels are 0 or 1.", nameof(data));
            }

            positives += label == 1f ? 1 : 0;
        }

        if (positives == 0 || positives == labels.Length)
        {
            throw new ArgumentException($"All {labels.Length} labels are {(positives == 0 ? 0 : 1)}: training needs both classes.", nameof(data));
        }

        if (data.Weights is { } weights)
        {
            for (var i = 0; i < weights.Length; i++)
            {
                if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
                {
                    throw new ArgumentException($"Weight at row {i} is {weights[i]}; weights are finite and non-negative.", nameof(data));
                }
            }
        }

        return labels;
    }

    public static ParallelOptions Parallelism(int? threads) =>
        new() { MaxDegreeOfParallelism = threads is > 0 ? threads.Value : Environment.ProcessorCount };
}
