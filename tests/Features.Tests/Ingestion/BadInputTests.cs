using System.Text;
using NetflixML.Features.Ingestion;
using NetflixML.Features.Synthetic;
using NetflixML.Features.Tests.Support;

namespace NetflixML.Features.Tests.Ingestion;

public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Db => _dir.File("out.db");

    [Fact]
    public void Missing_folder_is_named()
    {
        var missing = _dir.File("nowhere");
        var error = Assert.Throws<DataInputException>(() => Ingestor.Ingest(missing, Db));
        Assert.Contains($"'{missing}' does not exist", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public void Folder_without_any_known_file_lists_the_expected_files()
    {
        File.WriteAllText(_dir.File("notes.txt"), "hello");
        var error = Assert.Throws<DataInputException>(() => Ingestor.Ingest(_dir.Path, Db));
        Assert.Contains("has none of the expected files: users.csv, movies.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_names_match_ignoring_case_and_a_csv_no_table_reads_is_reported_with_the_nearest_name()
    {
        // Reviews.csv and a misspelt search_log.csv used to be passed over without a word, leaving their tables empty.
        var raw = _dir.File("raw");
        SyntheticGenerator.Generate(raw, new GeneratorOptions(3, 0.01));
        File.Move(Path.Combine(raw, "users.csv"), Path.Combine(raw, "Users.csv"));
        File.Move(Path.Combine(raw, "reviews.csv"), Path.Combine(raw, "Reviews.CSV"));
        File.Move(Path.Combine(raw, "search_logs.csv"), Path.Combine(raw, "search_log.csv"));
        File.WriteAllText(Path.Combine(raw, "notes.csv"), "a,b\n");

        var report = Ingestor.Ingest(raw, Db);

        Assert.Equal("Users.csv", report.Table("users").Source);
        Assert.Equal("Reviews.CSV", report.Table("reviews").Source);
        Assert.True(report.Table("reviews").Loaded > 0);
        Assert.Null(report.Table("search_logs").Source);
        Assert.Equal(
            [
                new IgnoredFile("notes.csv", "not a file of the schema (users.csv, movies.csv, watch_history.csv, recommendation_logs.csv, search_logs.csv, reviews.csv, top10_titles.csv, top10_weekly.csv)"),
                new IgnoredFile("search_log.csv", "not a file of the schema; did you mean search_logs.csv?"),
            ],
            report.IgnoredFiles);
        Assert.Equal(report.IgnoredFiles, QualityReport.FromJson(report.ToJson()).IgnoredFiles);

        File.Copy(Path.Combine(raw, "Users.csv"), Path.Combine(raw, "users.csv"));
        var twice = Assert.Throws<DataInputException>(() => Ingestor.Ingest(raw, Db));
        Assert.Equal($"Raw data folder '{raw}' has Users.csv and users.csv, which differ only in case; keep the one that holds users.", twice.Message);
    }

    [Fact]
    public void A_table_whose_referenced_file_is_missing_names_both()
    {
        File.WriteAllText(_dir.File("reviews.csv"), "review_id,user_id,movie_id,rating,review_date,device_type,is_verified_watch,helpful_votes,total_votes,review_text,sentiment,sentiment_score\n");
        var error = Assert.Throws<DataInputException>(() => Ingestor.Ingest(_dir.Path, Db));
        Assert.Contains("reviews.csv references users, but users.csv is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_without_a_required_column_names_the_column_and_file()
    {
        File.WriteAllText(_dir.File("users.csv"), "user_id,email,age,country\nuser_1,a@b.c,3,USA\n");
        var error = Assert.Throws<DataInputException>(() => Ingestor.Ingest(_dir.Path, Db));
        Assert.StartsWith("users.csv: header lacks required column 'gender'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(";", "';'")]
    [InlineData("\t", "a tab")]
    public void A_file_separated_by_another_character_is_named_as_such(string separator, string named)
    {
        File.WriteAllText(_dir.File("users.csv"), string.Join(separator, "user_id", "email", "age", "gender", "country") + "\n" + string.Join(separator, "user_1", "a@b.c", "30", "Male", "USA") + "\n");
        var error = Assert.Throws<DataInputException>(() => Ingestor.Ingest(_dir.Path, Db));
        Assert.StartsWith($"users.csv: the header is one field separated by {named}, not by commas; save the file as comma-separated CSV and try again (header: user_id{separator}email", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_that_names_a_column_twice_is_refused_with_both_positions()
    {
        // Ingest used to read the first user_id and drop the second without a word.
        File.WriteAllText(_dir.File("users.csv"), "user_id,age,gender,country,state_province,city,subscription_plan,subscription_start_date,is_active,monthly_spend,primary_device,household_size,created_at,User_ID\nuser_1,30,Male,USA,Ohio,Akron,Basic,2024-01-01,True,9.5,Mobile,2,2023-01-01 00:00:00,user_2\n");
        var error = Assert.Throws<DataInputException>(() => Ingestor.Ingest(_dir.Path, Db));
        Assert.Equal("users.csv: the header names column 'user_id' twice (fields 1 and 14); keep one and try again.", error.Message);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public void Personal_columns_may_be_left_out_of_the_header()
    {
        File.WriteAllText(_dir.File("users.csv"), "user_id,age,gender,country,state_province,city,subscription_plan,subscription_start_date,is_active,monthly_spend,primary_device,household_size,created_at\nuser_1,30,Male,USA,Ohio,Akron,Basic,2024-01-01,True,9.5,Mobile,2,2023-01-01 00:00:00\n");
        var report = Ingestor.Ingest(_dir.Path, Db);
        Assert.Equal(1, report.Table("users").Loaded);
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_reported_with_its_name()
    {
        var latin1 = Encoding.Latin1.GetBytes("user_id,email,first_name,last_name,age,gender,country,state_province,city,subscription_plan,subscription_start_date,is_active,monthly_spend,primary_device,household_size,created_at\nuser_1,a@b.c,Zoë,Müller,30,Female,USA,Ohio,Akron,Basic,2024-01-01,True,9.5,Mobile,2,2023-01-01 00:00:00\n");
        File.WriteAllBytes(_dir.File("users.csv"), latin1);
        var error = Assert.Throws<DataInputException>(() => Ingestor.Ingest(_dir.Path, Db));
        Assert.StartsWith("users.csv: line 2 is not UTF-8 (", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public void An_empty_file_is_reported()
    {
        File.WriteAllText(_dir.File("users.csv"), string.Empty);
        var error = Assert.Throws<DataInputException>(() => Ingestor.Ingest(_dir.Path, Db));
        Assert.StartsWith("users.csv: the file is empty", error.Message, StringComparison.Ordinal);
    }
}
