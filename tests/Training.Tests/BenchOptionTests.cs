namespace NetflixML.Training.Tests;

/// <summary>A bench option out of range stops the command before any work, naming the option and the value given.</summary>
public sealed class BenchOptionTests
{
    public static TheoryData<string[], string> BadOptions => new()
    {
        { ["bench", "mf", "--synthetic", "--ratings", "999"], "--ratings is 999, must be in 1,000..200,000,000." },
        { ["bench", "mf", "--synthetic", "--ratings", "1000", "--rank", "0"], "--rank is 0, must be in 1..1,024." },
        { ["bench", "mf", "--synthetic", "--ratings", "1000", "--iterations", "-3"], "--iterations is -3, must be in 1..1,000." },
        { ["bench", "classic", "--rows", "50"], "--rows is 50, must be in 100..10,000,000." },
        { ["bench", "classic", "--features", "0"], "--features is 0, must be in 1..1,000." },
        { ["bench", "topn", "--items", "9"], "--items is 9, must be in 10..1,000,000." },
        { ["bench", "topn", "--rank", "0"], "--rank is 0, must be in 1..1,024." },
        { ["bench", "topn", "--count", "0"], "--count is 0, must be in 1..100." },
        { ["bench", "topn", "--count", "101"], "--count is 101, must be in 1..100." },
        // Past these the runs died with unhandled exceptions (an overflowed array size, out of memory) after minutes of work.
        { ["bench", "topn", "--items", "2000000000"], "--items is 2000000000, must be in 10..1,000,000." },
        { ["bench", "topn", "--rank", "100000"], "--rank is 100000, must be in 1..1,024." },
        { ["bench", "classic", "--rows", "2000000000"], "--rows is 2000000000, must be in 100..10,000,000." },
        { ["bench", "classic", "--rows", "10000000", "--features", "1000"], "--rows x --features is 10000000000, must be at most 300,000,000 cells." },
        { ["bench", "mf", "--synthetic", "--ratings", "1000", "--rank", "5000"], "--rank is 5000, must be in 1..1,024." },
        { ["bench", "mf", "--synthetic", "--ratings", "1000", "--iterations", "100000"], "--iterations is 100000, must be in 1..1,000." },
        { ["bench", "serve", "--connections", "2000"], "--connections is 2000, must be in 1..1024." },
        { ["bench", "serve", "--warmup", "-0.5"], "--warmup is -0.5, must be at least 0." },
        { ["bench", "serve", "--rounds", "0"], "--rounds is 0, must be in 1..100." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void A_bad_value_exits_2_with_the_option_and_value_before_any_work(string[] args, string message)
    {
        var (code, output, error) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Equal("error: " + message, error.Trim());
        Assert.Equal(string.Empty, output);
    }
}
