namespace NetflixML.Training.Tests;

/// <summary>
/// A command that cannot write where it was told stops before any work, naming the option and what is in the way.
/// With good inputs (the fixture's raw data and database) these used to train, ingest or generate first and then
/// die with an unhandled IOException and exit code 134.
/// </summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class OutputLocationTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TrainedModels _fixture;

    public OutputLocationTests(TrainedModels fixture)
    {
        _fixture = fixture;
        File.WriteAllText(_temp.File("afile"), "not a folder");
    }

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string, string> Cases => new()
    {
        { "train --task top10 --db {db} --models {file}", "--models '{file}'", "'{file}' is a file, not a folder." },
        { "train --task churn --db {db} --models {file}/sub/models", "--models '{file}/sub/models'", "'{file}' is a file, not a folder." },
        { "leakage --task top10 --db {db} --models {file}", "--models '{file}'", "'{file}' is a file, not a folder." },
        { "generate --scale 0.01 --out {file}/raw", "--out '{file}/raw'", "'{file}' is a file, not a folder." },
        { "ingest --raw {raw} --db {file}/netflix.db", "--db '{file}/netflix.db'", "'{file}' is a file, not a folder." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_output_path_through_a_file_exits_2_before_any_work(string command, string option, string says)
    {
        var (code, output, error) = CliRunner.Run(Expand(command).Split(' '));

        Assert.Equal(2, code);
        Assert.Equal($"error: {Expand(option)}: {Expand(says)}", error.Trim());
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void A_database_path_that_is_a_folder_is_refused()
    {
        var (code, _, error) = CliRunner.Run("ingest", "--raw", _fixture.Raw, "--db", _temp.Path);

        Assert.Equal(2, code);
        Assert.Equal($"error: --db '{_temp.Path}' is a folder; it must name a file.", error.Trim());
    }

    [Fact]
    public void The_check_creates_nothing_so_a_command_failing_later_leaves_no_folder_behind()
    {
        var models = _temp.File("new/models");

        var (code, _, error) = CliRunner.Run("train", "--task", "churn", "--models", models, "--db", _temp.File("missing.db"));

        Assert.Equal(2, code);
        Assert.Contains("missing.db' does not exist", error);
        Assert.False(Directory.Exists(_temp.File("new")));
        Assert.Equal(["afile"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_write_that_fails_mid_run_is_one_error_line_and_exit_1()
    {
        // The folder passes the check, but a folder stands where the first CSV goes.
        var raw = _temp.File("raw");
        Directory.CreateDirectory(Path.Combine(raw, "users.csv"));

        var (code, _, error) = CliRunner.Run("generate", "--scale", "0.01", "--out", raw);

        Assert.Equal(1, code);
        var last = error.Trim().Split('\n')[^1];
        Assert.StartsWith("error: ", last);
        Assert.Contains("users.csv", last);
        Assert.DoesNotContain(" at ", error);
    }

    private string Expand(string text) => text
        .Replace("{file}", _temp.File("afile"), StringComparison.Ordinal)
        .Replace("{db}", _fixture.Database, StringComparison.Ordinal)
        .Replace("{raw}", _fixture.Raw, StringComparison.Ordinal);
}
