using NetflixML.Scoring.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddScoring();

var app = builder.Build();
app.UseScoring();
app.MapScoringEndpoints();
app.Run();

/// <summary>The web application's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program
{
}
