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
}
