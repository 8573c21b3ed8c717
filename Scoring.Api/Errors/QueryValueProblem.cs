using System.Text.RegularExpressions;
using NetflixML.Features;

namespace NetflixML.Scoring.Api.Errors;

/// <summary>
/// Says what was wrong with a query-string value the framework could not bind. Its message, "Failed to bind
/// parameter "int count" from "abc".", names a C# type and, for a parameter given twice, shows the two values joined
/// ("2,3"); this becomes the validation problem the endpoint gives for a value out of range:
/// <c>{"errors":{"count":["must be a whole number; got 'abc'."]}}</c> or "is given 2 times; send it once.".
/// Recognised by the framework's wording (ErrorTests pins it); should it change, the client gets the framework's
/// own message, still as a 400.
/// </summary>
public static partial class QueryValueProblem
{
    /// <summary>The field and the message for a query value the framework refused, or null when it is not that.</summary>
    public static (string Field, string Message)? Describe(BadHttpRequestException exception, IQueryCollection query)
    {
        if (exception.StatusCode != StatusCodes.Status400BadRequest || FailedBind().Match(exception.Message) is not { Success: true } match)
        {
            return null;
        }

        var name = match.Groups["name"].Value;
        var given = query[name];
        if (given.Count > 1)
        {
            return (name, $"is given {given.Count} times; send it once.");
        }

        var (type, value) = (match.Groups["type"].Value, match.Groups["value"].Value);
        var expected = ValueWords.For(type) ?? "a value of type " + type;
        return expected == ValueWords.WholeNumber && WholeNumberText().IsMatch(value)
            ? (name, $"is out of range; got {value}.")
            : (name, $"must be {expected}; got '{value}'.");
    }

    [GeneratedRegex(@"^\s*[+-]?[0-9]+\s*$")]
    private static partial Regex WholeNumberText();

    [GeneratedRegex("^Failed to bind parameter \"(?<type>\\S+) (?<name>[^\"]+)\" from \"(?<value>.*)\"\\.$", RegexOptions.Singleline)]
    private static partial Regex FailedBind();
}
