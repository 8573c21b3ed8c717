using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace NetflixML.Scoring.Api.Tests;

public sealed class HealthTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Liveness_answers_200_while_the_process_is_up()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("live", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
