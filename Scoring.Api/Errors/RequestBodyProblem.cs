using System.Text.Json;
using System.Text.RegularExpressions;

namespace NetflixML.Scoring.Api.Errors;

/// <summary>
/// Says what was wrong with a request body in the client's terms. The framework reports a value of the wrong JSON
/// type as "could not be converted to System.Nullable`1[System.Double]. Path: $.runtimeMinutes", and an empty body
/// as a hint for the endpoint's developer; these become "runtimeMinutes must be a number" and "the body is empty".
/// Both are recognised by the framework's wording (ErrorTests pins it); should it change, the client gets the
/// framework's own message, still as a 400.
/// </summary>
public static partial class RequestBodyProblem
{
    public const string Missing = "The request needs a JSON object in its body; the body was empty or null.";

    private const string Prefix = "The request body is not valid JSON: ";

    /// <summary>True for the framework's "no body" failures (an empty body or the JSON literal null).</summary>
    public static bool IsMissingBody(BadHttpRequestException exception) =>
        exception.StatusCode == StatusCodes.Status400BadRequest && exception.InnerException is null
        && (exception.Message.Contains("no body was provided", StringComparison.Ordinal) || exception.Message.Contains("was not provided from body", StringComparison.Ordinal));

    public static string Describe(JsonException json)
    {
        var conversion = Conversion().Match(json.Message);
        if (!conversion.Success || json.Path is not { Length: > 0 } path)
        {
            return Prefix + json.Message;
        }

        var field = path == "$" ? "the body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        return $"{Prefix}{field} must be {Expected(conversion.Groups["type"].Value)}.";
    }

    private static string Expected(string type)
    {
        var inner = NullableOf().Match(type) is { Success: true } nullable ? nullable.Groups["inner"].Value : type;
        return inner switch
        {
            "System.Double" or "System.Single" or "System.Decimal" or "System.Int32" or "System.Int64" => "a number",
            "System.Boolean" => "true or false",
            "System.DateOnly" => "a date (yyyy-MM-dd)",
            "System.DateTime" or "System.DateTimeOffset" => "a date and time (ISO 8601)",
            "System.String" => "a string",
            _ when inner.EndsWith("[]", StringComparison.Ordinal) || inner.Contains("List`1", StringComparison.Ordinal) => "an array",
            _ => "an object",
        };
    }

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\. Path: ")]
    private static partial Regex Conversion();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>.+)\]$")]
    private static partial Regex NullableOf();
}
