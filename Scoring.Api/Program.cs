using NetflixML.Scoring.Api;
using NetflixML.Scoring.Api.Configuration;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddScoring();
    var app = builder.Build();
    app.UseScoring();
    app.MapScoringEndpoints();
    app.Run();
    return 0;
}
catch (Exception ex) when (ScoringOptionsValidator.Describe(ex) is { } problems)
{
    // A bad setting stops the service at start-up with what to change, as the CLI does with a bad option.
    foreach (var problem in problems)
    {
        Console.Error.WriteLine("error: " + problem);
    }

    return 2;
}

/// <summary>The web application's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program
{
}
