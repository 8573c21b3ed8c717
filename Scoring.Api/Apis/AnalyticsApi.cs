using Microsoft.AspNetCore.Http.HttpResults;
using NetflixML.Scoring.Api.Analytics;
using NetflixML.Scoring.Api.Contracts;
using NetflixML.Scoring.Api.Data;
using NetflixML.Scoring.Api.Predictions;

namespace NetflixML.Scoring.Api.Apis;

/// <summary>
/// The dashboard's figures: aggregations over the gold tables (SQL over subscribers and ratings, the in-memory events
/// for viewing), computed once per version of the database and then served from memory until the database file
/// changes.
/// </summary>
public static class AnalyticsApi
{
    public const int DefaultSimilarTitles = 12;
    public const int MaxSimilarTitles = 30;

    /// <summary>
    /// Computes what the dashboard's Content view asks for when it opens (wwwroot/js/dashboard.js: content() and
    /// renderFlows with the first grouping), through the same handlers and so the same cached figures; returns how
    /// many figures the database version now holds.
    /// </summary>
    internal static int WarmDashboard(ScoringDatabase database)
    {
        GenrePopularity(database);
        RatingsByGenre(database);
        DeviceEngagement(database, top: 15);
        TitleSimilarity(database);
        GenreFlows(database, by: "plan", genres: 10);
        return database.Current().FiguresComputed;
    }

    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics");
        group.MapGet("/countries", Countries).WithName("Countries").WithSummary("Subscribers per country (the country dropdown).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/plans-devices", PlansAndDevices).WithName("PlansAndDevices").WithSummary("Subscription plans and primary devices of one country's subscribers.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/plans-by-country", PlansByCountry).WithName("PlansByCountry").WithSummary("Subscribers per plan in every country.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/users-per-country", UsersPerCountry).WithName("UsersPerCountry").WithSummary("Subscribers per country on one plan.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/genre-popularity", GenrePopularity).WithName("GenrePopularity").WithSummary("Views, viewers and hours per genre.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/ratings-by-genre", RatingsByGenre).WithName("RatingsByGenre").WithSummary("Quartiles of the ratings of each genre's titles.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/device-engagement", DeviceEngagement).WithName("DeviceEngagement").WithSummary("Minutes per device of the most active subscribers.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/title-similarity", TitleSimilarity).WithName("TitleSimilarity").WithSummary("Audience overlap of a set of titles (default: the most watched).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/genre-flows", GenreFlows).WithName("GenreFlows").WithSummary("Viewing from groups of subscribers (plan, device, country, age) to genres.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>Every country with its number of subscribers, largest first.</summary>
    /// <param name="database">The gold tables.</param>
    /// <response code="200">Countries and subscribers.</response>
    /// <response code="503">The database is missing.</response>
    public static Ok<IReadOnlyList<CountryCount>> Countries(ScoringDatabase database) =>
        TypedResults.Ok(database.Current().Figures("countries", AnalyticsQueries.Countries));

    /// <summary>How one country's subscribers split by subscription plan and by primary device.</summary>
    /// <param name="database">The gold tables.</param>
    /// <param name="country">A country from /api/analytics/countries (e.g. USA).</param>
    /// <response code="200">Subscribers per plan and per device.</response>
    /// <response code="400">No country given.</response>
    /// <response code="404">No subscribers in that country (the problem lists the countries).</response>
    /// <response code="503">The database is missing.</response>
    public static Results<Ok<PlansAndDevices>, ValidationProblem, ProblemHttpResult> PlansAndDevices(ScoringDatabase database, string? country = null)
    {
        var gold = database.Current();
        var countries = gold.Figures("countries", AnalyticsQueries.Countries).Select(c => c.Country).ToList();
        if (string.IsNullOrWhiteSpace(country))
        {
            return Invalid("country", $"is required: one of {string.Join(", ", countries)}.");
        }

        return new KnownValues(countries).Match(country) is { } spelling
            ? TypedResults.Ok(gold.Figures(AnalyticsQueries.Key("plans-devices", spelling), db => AnalyticsQueries.PlansAndDevices(db, spelling)))
            : NotFound("Country not found", $"No subscribers in '{country}'; the countries are {string.Join(", ", countries)}.");
    }

    /// <summary>Every country's subscribers per plan (plans in a fixed order, for stacking).</summary>
    /// <param name="database">The gold tables.</param>
    /// <response code="200">Plans and, per country, subscribers per plan.</response>
    /// <response code="503">The database is missing.</response>
    public static Ok<PlansAcrossCountries> PlansByCountry(ScoringDatabase database) =>
        TypedResults.Ok(database.Current().Figures("plans-by-country", AnalyticsQueries.PlansAcrossCountries));

    /// <summary>How many subscribers each country has on one plan.</summary>
    /// <param name="database">The gold tables.</param>
    /// <param name="plan">A plan (e.g. Premium).</param>
    /// <response code="200">Subscribers per country.</response>
    /// <response code="400">No plan given.</response>
    /// <response code="404">No such plan (the problem lists the plans).</response>
    /// <response code="503">The database is missing.</response>
    public static Results<Ok<UsersPerCountry>, ValidationProblem, ProblemHttpResult> UsersPerCountry(ScoringDatabase database, string? plan = null)
    {
        var gold = database.Current();
        var plans = gold.Figures("plans", AnalyticsQueries.Plans);
        if (string.IsNullOrWhiteSpace(plan))
        {
            return Invalid("plan", $"is required: one of {string.Join(", ", plans)}.");
        }

        return new KnownValues(plans).Match(plan) is { } spelling
            ? TypedResults.Ok(gold.Figures(AnalyticsQueries.Key("users-per-country", spelling), db => AnalyticsQueries.UsersPerCountry(db, spelling)))
            : NotFound("Plan not found", $"No plan '{plan}'; the plans are {string.Join(", ", plans)}.");
    }

    /// <summary>How much each genre is watched; a title counts for each of its genres.</summary>
    /// <param name="database">The gold tables.</param>
    /// <response code="200">Genres, most viewed first.</response>
    /// <response code="503">The database is missing.</response>
    public static Ok<IReadOnlyList<GenrePopularity>> GenrePopularity(ScoringDatabase database) =>
        TypedResults.Ok(database.Current().ViewingFigures("genre-popularity", viewing => viewing.GenrePopularity()));

    /// <summary>The distribution of the ratings (1-5) given to each genre's titles.</summary>
    /// <param name="database">The gold tables.</param>
    /// <response code="200">Count, mean, minimum, quartiles and maximum per genre, highest median first.</response>
    /// <response code="503">The database is missing.</response>
    public static Ok<IReadOnlyList<GenreRatings>> RatingsByGenre(ScoringDatabase database) =>
        TypedResults.Ok(database.Current().Figures("ratings-by-genre", AnalyticsQueries.RatingsByGenre));

    /// <summary>Minutes watched on each device by the most active subscribers.</summary>
    /// <param name="database">The gold tables.</param>
    /// <param name="top">How many subscribers, 1-100.</param>
    /// <response code="200">Devices and, per subscriber, minutes on each.</response>
    /// <response code="400">top is outside 1-100.</response>
    /// <response code="503">The database is missing.</response>
    public static Results<Ok<DeviceEngagement>, ValidationProblem> DeviceEngagement(ScoringDatabase database, int top = 15)
    {
        var validation = new Validation();
        validation.Count("top", top, 1, 100);
        return validation.IsValid
            ? TypedResults.Ok(database.Current().ViewingFigures(AnalyticsQueries.Key("device-engagement", top), viewing => viewing.DeviceEngagement(top)))
            : TypedResults.ValidationProblem(validation.Errors);
    }

    /// <summary>How much the audiences of a set of titles overlap.</summary>
    /// <param name="database">The gold tables.</param>
    /// <param name="titles">Comma-separated title ids, 2-30 (default: the 12 titles watched by the most subscribers; fewer, or none, when the database holds fewer watched titles).</param>
    /// <response code="200">The titles and the similarity of every pair.</response>
    /// <response code="400">Fewer than 2 or more than 30 titles.</response>
    /// <response code="404">A title id is not in the catalogue (the problem names it).</response>
    /// <response code="503">The database is missing.</response>
    public static Results<Ok<TitleSimilarity>, ValidationProblem, ProblemHttpResult> TitleSimilarity(ScoringDatabase database, string? titles = null)
    {
        var gold = database.Current();
        var defaulted = string.IsNullOrWhiteSpace(titles);
        var given = defaulted
            ? gold.ViewingFigures(AnalyticsQueries.Key("most-watched", DefaultSimilarTitles), viewing => viewing.MostWatched(DefaultSimilarTitles))
            : titles!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ids = given.Distinct(StringComparer.Ordinal).ToList();

        // The default set is what the database holds: fewer than 2 titles (none without watch events) is no fault of the caller's.
        if (!defaulted && ids.Count is < 2 or > MaxSimilarTitles)
        {
            // "got 1" alone would puzzle a caller who sent the same id twice.
            var repeated = given.CountBy(id => id, StringComparer.Ordinal).Where(c => c.Value > 1).Select(c => c.Key).ToList();
            var validation = new Validation();
            validation.Add("titles", $"must name 2-{MaxSimilarTitles} different titles; got {ids.Count}{(repeated.Count > 0 ? $" ({string.Join(", ", repeated)} repeated)" : string.Empty)}.");
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var unknown = ids.Where(id => !gold.Movies.ContainsKey(id)).ToList();
        return unknown.Count > 0
            ? NotFound("Title not found", $"No title {string.Join(", ", unknown.Select(t => $"'{t}'"))} in the catalogue.")
            : TypedResults.Ok(gold.ViewingFigures(AnalyticsQueries.Key("title-similarity", string.Join(',', ids)), viewing => AnalyticsQueries.TitleSimilarity(viewing, ids, gold.Movies)));
    }

    /// <summary>Viewing from groups of subscribers to genres.</summary>
    /// <param name="database">The gold tables.</param>
    /// <param name="by">How subscribers are grouped: plan, device, country or age.</param>
    /// <param name="genres">How many genres to show, 1-20; the rest are Other.</param>
    /// <response code="200">Groups, genres and the views between them.</response>
    /// <response code="400">by is not one of the groupings, or genres is outside 1-20.</response>
    /// <response code="503">The database is missing.</response>
    public static Results<Ok<GenreFlows>, ValidationProblem> GenreFlows(ScoringDatabase database, string by = "plan", int genres = 8)
    {
        var validation = new Validation();
        validation.Count("genres", genres, 1, 20);
        if (!ViewingFacts.Groupings.Contains(by))
        {
            validation.Add("by", $"must be one of {string.Join(", ", ViewingFacts.Groupings)}; got '{by}'.");
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        return TypedResults.Ok(database.Current().ViewingFigures(AnalyticsQueries.Key("genre-flows", by, genres), viewing => AnalyticsQueries.GenreFlows(viewing, by, genres)));
    }

    private static ValidationProblem Invalid(string field, string message)
    {
        var validation = new Validation();
        validation.Add(field, message);
        return TypedResults.ValidationProblem(validation.Errors);
    }

    private static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);
}
