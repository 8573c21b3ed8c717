using System.Text.RegularExpressions;

namespace NetflixML.Features;

/// <summary>
/// What a value of a .NET type must be, in a user's words: ASP.NET Core names the type of a body field it could not
/// convert as "System.Nullable`1[System.Int32]" and of a query value it could not bind as "int?", and the CLI's parser
/// the type of an option value as "System.Int32"; all become "a whole number".
/// </summary>
public static partial class ValueWords
{
    public const string WholeNumber = "a whole number";

    /// <summary>The words for a scalar type, by its full or C# name, nullable or not; null for any other type.</summary>
    public static string? For(string type) => Underlying(type) switch
    {
        "System.Double" or "System.Single" or "System.Decimal" or "double" or "float" or "decimal" => "a number",
        "System.Int32" or "System.Int64" or "int" or "long" or "short" or "byte" or "uint" or "ulong" => WholeNumber,
        "System.Boolean" or "bool" => "true or false",
        "System.DateOnly" or "DateOnly" => "a date (yyyy-MM-dd)",
        "System.DateTime" or "System.DateTimeOffset" => "a date and time (ISO 8601)",
        "System.String" => "a string",
        _ => null,
    };

    private static string Underlying(string type) =>
        NullableOf().Match(type) is { Success: true } nullable ? nullable.Groups["inner"].Value : type.TrimEnd('?');

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>.+)\]$")]
    private static partial Regex NullableOf();
}
