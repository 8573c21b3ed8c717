using NetflixML.Scoring.Api.Configuration;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>Each rule the service checks its "Scoring" settings against at start-up (the process test runs a few end to end).</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData(nameof(ScoringOptions.ModelsFolder), "", "Scoring:ModelsFolder is ''; it must name the models folder.")]
    [InlineData(nameof(ScoringOptions.Database), "  ", "Scoring:Database is '  '; it must name the database file.")]
    [InlineData(nameof(ScoringOptions.MaxRequestBodyBytes), 0L, "Scoring:MaxRequestBodyBytes is 0; it must be at least 1.")]
    [InlineData(nameof(ScoringOptions.MaxBatchSize), -3, "Scoring:MaxBatchSize is -3; it must be at least 1.")]
    [InlineData(nameof(ScoringOptions.ReloadDebounceMilliseconds), -1, "Scoring:ReloadDebounceMilliseconds is -1; it must be 0 or more.")]
    [InlineData(nameof(ScoringOptions.LogFormat), "xml", "Scoring:LogFormat is 'xml'; it must be json or console.")]
    public void A_setting_outside_its_rule_is_named_with_its_value(string setting, object value, string failure)
    {
        var options = new ScoringOptions();
        typeof(ScoringOptions).GetProperty(setting)!.SetValue(options, value);

        var result = new ScoringOptionsValidator().Validate(null, options);

        Assert.Equal([failure], result.Failures!);
    }

    [Fact]
    public void The_defaults_and_the_boundaries_pass()
    {
        Assert.True(new ScoringOptionsValidator().Validate(null, new ScoringOptions()).Succeeded);
        var edge = new ScoringOptions { MaxRequestBodyBytes = 1, MaxBatchSize = 1, ReloadDebounceMilliseconds = 0, LogFormat = "Console" };
        Assert.True(new ScoringOptionsValidator().Validate(null, edge).Succeeded);
    }

    [Fact]
    public void A_database_that_names_a_folder_or_a_models_folder_that_names_a_file_is_refused()
    {
        // Every by-id request answered "no database" beside a folder named as the database, and a file named as the
        // models folder served no models.
        var root = Path.Combine(Path.GetTempPath(), "netflixml-settings-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "data"));
        File.WriteAllText(Path.Combine(root, "models.zip"), "x");
        try
        {
            var options = new ScoringOptions { Database = "data", ModelsFolder = "models.zip" };

            var result = new ScoringOptionsValidator(root).Validate(null, options);

            Assert.Equal(
                [
                    $"Scoring:Database is 'data', a folder ({Path.Combine(root, "data")}); it must name the database file.",
                    $"Scoring:ModelsFolder is 'models.zip', a file ({Path.Combine(root, "models.zip")}); it must name the models folder.",
                ],
                result.Failures!);
            Assert.True(new ScoringOptionsValidator(root).Validate(null, new ScoringOptions { Database = "data/netflix.db", ModelsFolder = "data" }).Succeeded);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://localhost:5000")]
    [InlineData("http://*:8080;https://[::1]:5001")]
    [InlineData("http://+:80")]
    [InlineData("HTTP://127.0.0.1:5080/")]
    [InlineData("http://[::1]:0")]
    [InlineData("http://unix:/tmp/netflixml.sock")]
    public void Addresses_kestrel_listens_on_pass_the_start_up_check(string urls) => Assert.Empty(ListenAddresses.Problems(urls));

    [Fact]
    public void No_address_is_kestrels_default_and_an_empty_one_is_refused()
    {
        Assert.Empty(ListenAddresses.Problems(null));
        Assert.Equal(["--urls is empty; give an address such as http://localhost:5080, or leave it out for http://localhost:5000."], ListenAddresses.Problems(" "));
    }

    [Fact]
    public void Https_without_a_certificate_is_described_in_one_line_and_other_failures_are_left_alone()
    {
        var kestrel = new InvalidOperationException("Unable to configure HTTPS endpoint. No server certificate was specified.\nTo generate a developer certificate run 'dotnet dev-certs https'.");

        Assert.Equal(
            "cannot listen on https://localhost:5001: Unable to configure HTTPS endpoint. No server certificate was specified. To generate a developer certificate run 'dotnet dev-certs https'. In production, name a certificate with Kestrel__Certificates__Default__Path (and __Password), or listen on http.",
            ListenAddresses.Failure(kestrel, "https://localhost:5001"));
        Assert.Null(ListenAddresses.Failure(new InvalidOperationException("something else"), "http://localhost:5080"));
    }
}
