using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Mvc;
using NetflixML.Features;

namespace NetflixML.Scoring.Api.Errors;

/// <summary>
/// Refuses a query parameter the endpoint does not take, as the body's fields are refused: `?cuont=5` answered ten
/// titles and `?excludeSeen=false` answered as though it had been honoured, without a word. Now they are 400s naming
/// the parameter: "cuont is not a query parameter here; did you mean count?" or, with nothing close, the parameters
/// the endpoint takes. Names match ignoring case, as the framework binds them.
/// </summary>
public static class UnknownQueryParameters
{
    // The query parameters of each endpoint, from its handler's signature (worked out once per endpoint, and let go
    // with it: tests build many hosts in one process).
    private static readonly ConditionalWeakTable<Endpoint, string[]?> Taken = new();

    public static IApplicationBuilder UseUnknownQueryParameterCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Query.Count > 0 && context.GetEndpoint() is { } endpoint && Check(endpoint, context.Request.Query) is { } errors)
        {
            await TypedResults.ValidationProblem(errors).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    /// <summary>The validation errors for the query keys <paramref name="endpoint"/> does not take, or null when there are none.</summary>
    public static Dictionary<string, string[]>? Check(Endpoint endpoint, IQueryCollection query)
    {
        if (Taken.GetValue(endpoint, QueryParameters) is not { } taken)
        {
            return null; // not a handler whose signature says (health checks)
        }

        Dictionary<string, string[]>? errors = null;
        foreach (var key in query.Keys)
        {
            if (!taken.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                var message = NameSuggestion.Closest(key, taken) is { } closest
                    ? $"is not a query parameter here; did you mean {closest}?"
                    : taken.Length == 0 ? "is not a query parameter here; this endpoint takes none." : $"is not a query parameter here; this endpoint takes {string.Join(", ", taken)}.";
                (errors ??= new(StringComparer.Ordinal))[key] = [message];
            }
        }

        return errors;
    }

    // A handler parameter of a simple type that is neither in the route nor from a header or the services is bound
    // from the query string; complex types on these endpoints are the body or services.
    private static string[]? QueryParameters(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } handler)
        {
            return null;
        }

        var route = (endpoint as RouteEndpoint)?.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        return [.. handler.GetParameters()
            .Where(p => IsSimple(p.ParameterType) && p.GetCustomAttribute<FromHeaderAttribute>() is null && p.GetCustomAttribute<FromServicesAttribute>() is null && p.GetCustomAttribute<FromBodyAttribute>() is null)
            .Select(p => p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name!)
            .Where(name => !route.Contains(name))];
    }

    private static bool IsSimple(Type type)
    {
        var element = type.IsArray ? type.GetElementType()! : type;
        element = Nullable.GetUnderlyingType(element) ?? element;
        return element.IsPrimitive || element.IsEnum || element == typeof(string) || element == typeof(decimal) || element == typeof(DateTime)
            || element == typeof(DateTimeOffset) || element == typeof(DateOnly) || element == typeof(Guid);
    }
}
