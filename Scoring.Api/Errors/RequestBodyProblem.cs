using System.Text.Json;
using System.Text.RegularExpressions;
using NetflixML.Features;

namespace NetflixML.Scoring.Api.Errors;

/// <summary>
/// Says what was wrong with a request body in the client's terms. The framework reports a value of the wrong JSON
/// type as "could not be converted to System.Nullable`1[System.Double]. Path: $.runtimeMinutes", and an empty body
/// as a hint for the endpoint's developer; these become "runtimeMinutes must be a number" and "the body is empty".
/// A field the request type does not have (the serializer is set to refuse them, so a misspelt feature is not
/// scored as missing) becomes "sesions7d is not a field; did you mean sessions7d?", and a field given twice (also
/// refused, rather than the last one winning) "sessions30d is given twice". A string that is not UTF-8 is said to be so,
/// not to be of the wrong type.
/// Both are recognised by the framework's wording (ErrorTests pins it); should it change, the client gets the
/// framework's own message, still as a 400.
/// </summary>
public static partial class RequestBodyProblem
{
    public const string Missing = "The request needs a JSON object in its body; the body was empty or null.";

    private const string Malformed = "Malformed JSON";

    private const string Prefix = "The request body is not valid JSON: ";

    /// <summary>True for the framework's "no body" failures (an empty body or the JSON literal null).</summary>
    public static bool IsMissingBody(BadHttpRequestException exception) =>
        exception.StatusCode == StatusCodes.Status400BadRequest && exception.InnerException is null
        && (exception.Message.Contains("no body was provided", StringComparison.Ordinal) || exception.Message.Contains("was not provided from body", StringComparison.Ordinal));

    /// <summary>The problem (always a 400) for a body the serializer refused.</summary>
    public static (int Status, string Title, string Detail) Describe(JsonException json)
    {
        if (Unmapped().Match(json.Message) is { Success: true } unmapped)
        {
            return (StatusCodes.Status400BadRequest, "Unknown field", UnknownField(unmapped.Groups["name"].Value, unmapped.Groups["type"].Value, json.Path));
        }

        if (Duplicate().Match(json.Message) is { Success: true } duplicate)
        {
            return (StatusCodes.Status400BadRequest, "Duplicate field", $"{Field(json.Path, duplicate.Groups["name"].Value)} is given twice; which value to score would be a guess, so send it once.");
        }

        // A string that is not UTF-8 (a client sending Latin-1) fails as it is converted, and the framework words it as
        // the wrong type: "title must be a string" for a string. The decoder's failure under it says what it was.
        if (json.InnerException is InvalidOperationException { InnerException: System.Text.DecoderFallbackException })
        {
            var where = json.Path is { Length: > 0 } at && at != "$" ? Field(at, at) : "the body";
            return (StatusCodes.Status400BadRequest, Malformed, $"{Prefix}{where} is not UTF-8 text; send the body encoded as UTF-8 (JSON must be).");
        }

        var conversion = Conversion().Match(json.Message);
        if (!conversion.Success || json.Path is not { Length: > 0 } path)
        {
            return (StatusCodes.Status400BadRequest, Malformed, Prefix + json.Message);
        }

        var field = path == "$" ? "the body" : Field(path, path);
        return (StatusCodes.Status400BadRequest, Malformed, $"{Prefix}{field} must be {Expected(conversion.Groups["type"].Value)}.");
    }

    // The field a JSON path names, as the client wrote it ("$.subscribers[1].sesions7d" is "subscribers[1].sesions7d");
    // the fallback when the path names none.
    private static string Field(string? path, string fallback) =>
        path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : fallback;

    // "subscribers[1].sesions7d is not a field; did you mean sessions7d?" or, with nothing close, the fields there are.
    private static string UnknownField(string name, string typeName, string? path)
    {
        var where = Field(path, name);
        var fields = typeof(RequestBodyProblem).Assembly.GetType(typeName)?.GetProperties()
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToArray() ?? [];
        return NameSuggestion.Closest(name, fields) is { } closest
            ? $"{where} is not a field; did you mean {closest}?"
            : $"{where} is not a field; the fields are {string.Join(", ", fields)}.";
    }

    private static string Expected(string type) =>
        ValueWords.For(type) ?? (type.EndsWith("[]", StringComparison.Ordinal) || type.Contains("List`1", StringComparison.Ordinal) ? "an array" : "an object");

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\. Path: ")]
    private static partial Regex Conversion();

    [GeneratedRegex(@"The JSON property '(?<name>.*)' could not be mapped to any \.NET member contained in type '(?<type>[^']+)'\.")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"^Duplicate property '(?<name>.*)' encountered during deserialization")]
    private static partial Regex Duplicate();
}
