using System.Globalization;
using System.Runtime.CompilerServices;
using NetflixML.Learning.Data;
using NetflixML.Learning.Linear;
using NetflixML.Learning.Training;
using NetflixML.Learning.Trees;

namespace NetflixML.Learning.Tests.Support;

internal static class TestData
{
    [ModuleInitializer]
    internal static void UseInvariantCulture()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
    }

    /// <summary>The three binary trainers with options small enough for unit tests, by name.</summary>
    public static IBinaryTrainer Trainer(string name, int? threads = null) => name switch
    {
        "LogisticRegression" => new LogisticRegressionTrainer(new LogisticRegressionOptions { Threads = threads }),
        "FastTree" => new FastTreeTrainer(new FastTreeOptions { NumberOfTrees = 30, Threads = threads }),
        "FastForest" => new FastForestTrainer(new FastForestOptions { NumberOfTrees = 30, NumberOfLeaves = 32, Threads = threads }),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> TrainerNames => new() { "LogisticRegression", "FastTree", "FastForest" };

    /// <summary>Mixed columns (numeric with gaps, a small and a large categorical, a set) with a planted signal.</summary>
    public static TabularData Mixed(int rows, ulong seed)
    {
        var rng = new Core.Rng(seed);
        var x = new double[rows];
        var z = new double[rows];
        var plan = new string?[rows];
        var director = new string?[rows];
        var genres = new string[]?[rows];
        var labels = new float[rows];
        string[] plans = ["Basic", "Standard", "Premium"];
        string[] genreNames = ["Drama", "Comedy", "Action", "Horror"];
        for (var i = 0; i < rows; i++)
        {
            x[i] = rng.Bernoulli(0.1) ? double.NaN : rng.NextGaussian();
            z[i] = rng.NextGaussian();
            plan[i] = rng.Bernoulli(0.05) ? null : plans[rng.NextInt(3)];
            director[i] = "director-" + rng.NextInt(200).ToString(CultureInfo.InvariantCulture);
            genres[i] = genreNames.Where(_ => rng.Bernoulli(0.4)).ToArray();
            var logit = 1.2 * (double.IsNaN(x[i]) ? 0.8 : x[i]) + (plan[i] == "Premium" ? 1 : 0) + (genres[i]!.Contains("Action") ? 0.8 : 0) - 0.5;
            labels[i] = rng.Bernoulli(Core.SpecialFunctions.Sigmoid(logit)) ? 1 : 0;
        }

        return new TabularDataBuilder()
            .AddNumeric("x", x).AddNumeric("z", z).AddCategorical("plan", plan).AddCategorical("director", director).AddSet("genres", genres)
            .WithLabels(labels).Build();
    }
}

/// <summary>A fresh temp folder, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netflixml-learning-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, true);
        }
        catch (IOException)
        {
        }
    }
}
