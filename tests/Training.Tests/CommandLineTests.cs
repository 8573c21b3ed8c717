namespace NetflixML.Training.Tests;

/// <summary>What the parser refuses is bad input like any other: "error: ..." on standard error, exit 2, nothing on standard output.</summary>
public sealed class CommandLineTests
{
    public static TheoryData<string[], string[]> Refused => new()
    {
        // These exited 1 with the parser's own text, the usage on standard output and "System.Int32" in the message.
        { ["train", "--seed", "abc"], ["error: --seed must be a whole number; got 'abc'.", "See 'train --help' for the commands and options."] },
        { ["generate", "--scale", "lots"], ["error: --scale must be a number; got 'lots'.", "See 'generate --help' for the commands and options."] },
        { ["train", "--bogus", "--json"], ["error: Unrecognized command or argument '--bogus'.", "See 'train --help' for the commands and options."] },
        { ["evaluate"], ["error: Option '--model' is required.", "See 'evaluate --help' for the commands and options."] },
        { ["bench", "recs", "--seed", "1.5"], ["error: Option '--movielens' is required.", "error: --seed must be a whole number; got '1.5'.", "See 'bench recs --help' for the commands and options."] },
        { ["frobnicate"], ["error: Unrecognized command or argument 'frobnicate'.", "See '--help' for the commands and options."] },
        // An empty path (`--db "$DB"` with DB unset) crashed with an ArgumentException stack trace from Path.GetFullPath.
        { ["train", "--models", "", "--db", " "], ["error: --models is empty; pass a value, or leave the option out for its default (models).", "error: --db is empty; pass a value, or leave the option out for its default (data/netflix.db).", "See 'train --help' for the commands and options."] },
        { ["generate", "--out", ""], ["error: --out is empty; pass a value, or leave the option out for its default (data/raw).", "See 'generate --help' for the commands and options."] },
        { ["ingest", "--raw", ""], ["error: --raw is empty; pass a value, or leave the option out for its default (data/raw).", "See 'ingest --help' for the commands and options."] },
        { ["evaluate", "--model", ""], ["error: --model is empty; pass a value.", "See 'evaluate --help' for the commands and options."] },
        { ["leakage", "--titles", ""], ["error: --titles is empty; pass a value.", "See 'leakage --help' for the commands and options."] },
        { ["bench", "serve", "--models", ""], ["error: --models is empty; pass a value, or leave the option out for its default (models).", "See 'bench serve --help' for the commands and options."] },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_command_line_the_parser_refuses_exits_2_naming_each_problem(string[] args, string[] lines)
    {
        var (code, output, error) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Equal(lines, error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void Help_is_not_an_error()
    {
        var (code, output, error) = CliRunner.Run("train", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--seed", output);
        Assert.Equal(string.Empty, error);
    }
}
