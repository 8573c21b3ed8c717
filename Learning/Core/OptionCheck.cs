using System.Globalization;
using System.Runtime.CompilerServices;

namespace NetflixML.Learning.Core;

/// <summary>A trainer's options record that can check itself.</summary>
internal interface IValidatedOptions
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming every field out of range.</summary>
    void Validate();
}

/// <summary>
/// Checks a trainer's options and reports every value out of range in one error that names the field, its value
/// and the rule ("ApproximationRank is 0, must be at least 1"), rather than listing every rule the options have.
/// A rule written as a comparison that holds rejects NaN as well.
/// </summary>
internal sealed class OptionCheck(string owner)
{
    private readonly List<string> _problems = [];

    /// <summary><paramref name="options"/>, once it has passed its checks: for a trainer's Options initialiser.</summary>
    public static T Valid<T>(T options)
        where T : IValidatedOptions
    {
        options.Validate();
        return options;
    }

    public OptionCheck Require(bool holds, double? value, string rule, [CallerArgumentExpression(nameof(value))] string field = "")
    {
        if (!holds)
        {
            _problems.Add(string.Create(CultureInfo.InvariantCulture, $"{field} is {(value is { } v ? v : "null")}, {rule}"));
        }

        return this;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> listing the problems found, if any.</summary>
    public void ThrowIfAny()
    {
        if (_problems.Count > 0)
        {
            throw new ArgumentOutOfRangeException(owner, $"{owner}: {string.Join("; ", _problems)}.");
        }
    }
}
