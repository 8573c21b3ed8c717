using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using NetflixML.Features;

namespace NetflixML.Scoring.Api.Configuration;

/// <summary>
/// Checks the "Scoring" settings when the service starts, so a bad one stops it with a line naming the setting and its
/// value. Before, Scoring__MaxRequestBodyBytes=-1 crashed with a stack trace, MaxBatchSize=0 refused every batch,
/// an empty Database or ModelsFolder quietly became the content root, and LogFormat=xml was quietly JSON. With
/// <paramref name="contentRoot"/>, the paths are also resolved as the service resolves them: a Database that names a
/// folder was answered as "no database" by every by-id request, and a ModelsFolder that names a file as no models.
/// </summary>
public sealed partial class ScoringOptionsValidator(string? contentRoot = null) : IValidateOptions<ScoringOptions>
{
    public ValidateOptionsResult Validate(string? name, ScoringOptions options)
    {
        var failures = new List<string>();
        void Require(bool holds, string setting, object? value, string rule)
        {
            if (!holds)
            {
                failures.Add($"{ScoringOptions.Section}:{setting} is {Shown(value)}; {rule}.");
            }
        }

        Require(!string.IsNullOrWhiteSpace(options.ModelsFolder), nameof(options.ModelsFolder), options.ModelsFolder, "it must name the models folder");
        Require(!string.IsNullOrWhiteSpace(options.Database), nameof(options.Database), options.Database, "it must name the database file");
        Require(options.MaxRequestBodyBytes >= 1, nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes, "it must be at least 1");
        Require(options.MaxBatchSize >= 1, nameof(options.MaxBatchSize), options.MaxBatchSize, "it must be at least 1");
        Require(options.ReloadDebounceMilliseconds >= 0, nameof(options.ReloadDebounceMilliseconds), options.ReloadDebounceMilliseconds, "it must be 0 or more");
        Require(options.LogFormat is not null && (options.LogFormat.Equals("json", StringComparison.OrdinalIgnoreCase) || options.LogFormat.Equals("console", StringComparison.OrdinalIgnoreCase)), nameof(options.LogFormat), options.LogFormat, "it must be json or console");
        if (contentRoot is not null && failures.Count == 0)
        {
            var paths = new ScoringPaths(options, contentRoot);
            void RequireKind(bool holds, string setting, string value, string resolved, string kind, string rule)
            {
                if (!holds)
                {
                    failures.Add($"{ScoringOptions.Section}:{setting} is '{value}', a {kind}{(value == resolved ? string.Empty : $" ({resolved})")}; {rule}.");
                }
            }

            RequireKind(!Directory.Exists(paths.Database), nameof(options.Database), options.Database, paths.Database, "folder", "it must name the database file");
            RequireKind(!File.Exists(paths.ModelsFolder), nameof(options.ModelsFolder), options.ModelsFolder, paths.ModelsFolder, "file", "it must name the models folder");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// The lines to print for a start-up failure caused by the settings (a rule above, or a value the configuration
    /// binder cannot convert, such as MaxBatchSize=abc), or null for any other failure.
    /// </summary>
    public static IReadOnlyList<string>? Describe(Exception exception) => exception switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        InvalidOperationException conversion when Unconvertible().Match(conversion.Message) is { Success: true } match =>
            [$"{match.Groups["key"].Value} must be {ValueWords.For(match.Groups["type"].Value) ?? "a " + match.Groups["type"].Value}; got '{match.Groups["value"].Value}'."],
        AggregateException { InnerExceptions.Count: 1 } single => Describe(single.InnerExceptions[0]),
        _ => null,
    };

    private static string Shown(object? value) => value switch
    {
        null => "not set",
        string s => $"'{s}'",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'\.")]
    private static partial Regex Unconvertible();
}
