using NetflixML.Learning.Linear;
using NetflixML.Learning.Recommendation;
using NetflixML.Learning.Trees;

namespace NetflixML.Learning.Tests;

/// <summary>Options out of range are refused when the trainer is built, with every bad field named beside its value.</summary>
public sealed class OptionCheckTests
{
    public static TheoryData<string, Action, string> BadOptions => new()
    {
        { "rank 0", () => _ = new MatrixFactorizationTrainer(new MatrixFactorizationOptions { ApproximationRank = 0 }), "MatrixFactorizationOptions: ApproximationRank is 0, must be at least 1." },
        { "NaN learning rate", () => _ = new MatrixFactorizationTrainer(new MatrixFactorizationOptions { LearningRate = double.NaN }), "MatrixFactorizationOptions: LearningRate is NaN, must be above 0." },
        { "negative bias lambda", () => _ = new MatrixFactorizationTrainer(new MatrixFactorizationOptions { BiasLambda = -0.5 }), "MatrixFactorizationOptions: BiasLambda is -0.5, must be at least 0." },
        { "ALS CG steps 0", () => _ = new ImplicitAlsTrainer(new ImplicitAlsOptions { ConjugateGradientSteps = 0 }), "ImplicitAlsOptions: ConjugateGradientSteps is 0, must be at least 1." },
        { "ALS negative alpha", () => _ = new ImplicitAlsTrainer(new ImplicitAlsOptions { Alpha = -1 }), "ImplicitAlsOptions: Alpha is -1, must be at least 0." },
        { "ALS negative offset", () => _ = new ImplicitAlsTrainer(new ImplicitAlsOptions { FrequencyOffset = -2 }), "ImplicitAlsOptions: FrequencyOffset is -2, must be at least 0." },
        { "ALS NaN item exponent", () => _ = new ImplicitAlsTrainer(new ImplicitAlsOptions { ItemFrequencyExponent = double.NaN }), "ImplicitAlsOptions: ItemFrequencyExponent is NaN, must be null or a finite number at least 0." },
        { "ALS infinite exponent", () => _ = new ImplicitAlsTrainer(new ImplicitAlsOptions { FrequencyExponent = double.PositiveInfinity }), "ImplicitAlsOptions: FrequencyExponent is Infinity, must be a finite number at least 0." },
        { "ALS NaN negative weight", () => _ = new ImplicitAlsTrainer(new ImplicitAlsOptions { NegativeWeightExponent = double.NaN }), "ImplicitAlsOptions: NegativeWeightExponent is NaN, must be a finite number." },
        { "bagging 1", () => _ = new FastForestTrainer(new FastForestOptions { BaggingExampleFraction = 1 }), "FastForestOptions: BaggingExampleFraction is 1, must be in (0, 1)." },
        { "forest 256 bins", () => _ = new FastForestTrainer(new FastForestOptions { MaximumBinCountPerFeature = 256 }), "FastForestOptions: MaximumBinCountPerFeature is 256, must be in 2..255." },
        { "one leaf", () => _ = new FastTreeTrainer(new FastTreeOptions { NumberOfLeaves = 1 }), "FastTreeOptions: NumberOfLeaves is 1, must be at least 2." },
        { "negative tree output cap", () => _ = new FastTreeTrainer(new FastTreeOptions { MaximumTreeOutput = -1 }), "FastTreeOptions: MaximumTreeOutput is -1, must be above 0." },
        { "NaN shrinkage", () => _ = new FastTreeTrainer(new FastTreeOptions { Shrinkage = double.NaN }), "FastTreeOptions: Shrinkage is NaN, must be above 0." },
        { "zero tolerance", () => _ = new LogisticRegressionTrainer(new LogisticRegressionOptions { OptimizationTolerance = 0 }), "LogisticRegressionOptions: OptimizationTolerance is 0, must be above 0." },
        { "negative L1", () => _ = new LogisticRegressionTrainer(new LogisticRegressionOptions { L1Regularization = -1e-3 }), "LogisticRegressionOptions: L1Regularization is -0.001, must be at least 0." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void A_bad_option_is_named_with_its_value(string name, Action build, string message)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(build);
        Assert.True(error.Message.StartsWith(message, StringComparison.Ordinal), $"{name}: {error.Message}");
    }

    [Fact]
    public void Every_bad_option_is_reported_at_once()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FastTreeTrainer(new FastTreeOptions { NumberOfTrees = 0, LearningRate = -0.1, MinimumExampleCountPerLeaf = 5 }));
        Assert.StartsWith("FastTreeOptions: NumberOfTrees is 0, must be at least 1; LearningRate is -0.1, must be above 0.", error.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(FastTreeOptions), error.ParamName);
    }

    [Fact]
    public void Defaults_and_edge_values_are_accepted()
    {
        _ = new MatrixFactorizationTrainer(new MatrixFactorizationOptions { ApproximationRank = 1, NumberOfIterations = 1, Lambda = 0, BiasLambda = 0 });
        _ = new ImplicitAlsTrainer(new ImplicitAlsOptions { Rank = 1, Alpha = 0, Lambda = 0, FrequencyOffset = 0, ItemFrequencyExponent = null, NegativeWeightExponent = -0.5 });
        _ = new FastForestTrainer(new FastForestOptions { FeatureFraction = 1, FeatureFractionPerSplit = 1, MaximumBinCountPerFeature = 2, NumberOfLeaves = 2 });
        var tree = new FastTreeTrainer(new FastTreeOptions { MaximumBinCountPerFeature = 255, NumberOfTrees = 1 });
        var linear = new LogisticRegressionTrainer(new LogisticRegressionOptions { L1Regularization = 0, L2Regularization = 0, MaximumIterations = 1 });
        Assert.Equal(255, tree.Options.MaximumBinCountPerFeature);
        Assert.Equal(1, linear.Options.MaximumIterations);
        Assert.Equal(new MatrixFactorizationOptions(), new MatrixFactorizationTrainer().Options);
    }
}
