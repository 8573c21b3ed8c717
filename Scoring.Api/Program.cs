using NetflixML.Scoring.Api;
using NetflixML.Scoring.Api.Configuration;

string? urls = null;
try
{
    // A new database version is loaded beside the served one (hundreds of MB at generate --scale 10), and full
    // collections that block hold requests. This mode keeps them in the background where the runtime allows. bench
    // serve's slowest churn look-up during a swap there is bimodal either way (2026-11-22, 4 connections):
    // without this mode 39-41 ms in 3 of 6 runs and 378-489 ms in the other 3; with it 30-52 ms in 13 of 23 and
    // 229-325 ms in 10. A GC trace of a slow run shows one full collection the runtime made blocking and compacting
    // (condemned for gen2's budget, compacted for low ephemeral space), which this mode does not prevent; in these
    // runs it was shorter. The price is memory: 856-1,200 MB after each of six swaps against 796-1,164 MB.
    System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
    var builder = WebApplication.CreateBuilder(args);
    urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
    if (ListenAddresses.Problems(urls) is [_, ..] addressProblems)
    {
        return Fail(addressProblems, 2);
    }

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
    return Fail(problems, 2);
}
catch (Exception ex) when (ListenAddresses.Failure(ex, urls) is { } problem)
{
    // Not bad input but the machine's state (the port is taken), as a held models-folder lock is for the CLI.
    return Fail([problem], 1);
}

static int Fail(IEnumerable<string> problems, int exitCode)
{
    foreach (var problem in problems)
    {
        Console.Error.WriteLine("error: " + problem);
    }

    return exitCode;
}

/// <summary>The web application's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program
{
}
