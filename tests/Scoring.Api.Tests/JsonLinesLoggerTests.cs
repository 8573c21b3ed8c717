using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NetflixML.Scoring.Api.Logging;

namespace NetflixML.Scoring.Api.Tests;

public sealed partial class JsonLinesLoggerTests
{
    [Fact]
    public void Every_message_from_many_threads_is_one_json_line_with_its_named_values()
    {
        using var output = new MemoryStream();
        var provider = new JsonLinesLoggerProvider(output);
        var logger = provider.CreateLogger("NetflixML.Test");

        Parallel.For(0, 8, thread =>
        {
            var version = $"v{thread}";
            for (var i = 0; i < 5_000; i++)
            {
                Predicted(logger, "top10", version, i, 0.25 + i);
            }
        });
        logger.LogWarning(new InvalidOperationException("boom"), "Something \"quoted\" failed");
        provider.Dispose();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(40_001, lines.Length);
        var entries = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var predictions = entries.Where(e => e["eventId"]?.GetValue<int>() == 7).ToList();
        Assert.Equal(40_000, predictions.Count);
        Assert.All(predictions, e => Assert.Equal("info", e["level"]!.GetValue<string>()));
        Assert.All(predictions, e => Assert.Equal("NetflixML.Test", e["category"]!.GetValue<string>()));
        for (var thread = 0; thread < 8; thread++)
        {
            // One thread's lines keep their order, and every value is a typed JSON property.
            var mine = predictions.Where(e => e["Version"]!.GetValue<string>() == $"v{thread}").ToList();
            Assert.Equal(Enumerable.Range(0, 5_000), mine.Select(e => e["Items"]!.GetValue<int>()));
            Assert.Equal(0.25 + 4_999, mine[^1]["ElapsedMs"]!.GetValue<double>());
            Assert.Equal($"Prediction top10: version v{thread}, 4999 item(s), 4999.25 ms", mine[^1]["message"]!.GetValue<string>());
        }

        var warning = entries.Single(e => e["level"]!.GetValue<string>() == "warning");
        Assert.Equal("Something \"quoted\" failed", warning["message"]!.GetValue<string>());
        Assert.Contains("InvalidOperationException: boom", warning["exception"]!.GetValue<string>());
        Assert.True(DateTimeOffset.UtcNow - warning["time"]!.GetValue<DateTimeOffset>() < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_quiet_service_writes_its_line_within_the_flush_interval()
    {
        using var output = new MemoryStream();
        using var provider = new JsonLinesLoggerProvider(output);
        var logger = provider.CreateLogger("quiet");

        logger.LogInformation("one line");

        // The writer thread appends; the length is only read here.
        Assert.True(await ScoringFixture.Eventually(() => Task.FromResult(output.Length > 0), TimeSpan.FromSeconds(2)));
    }

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Prediction {Endpoint}: version {Version}, {Items} item(s), {ElapsedMs:F2} ms")]
    private static partial void Predicted(ILogger logger, string endpoint, string version, int items, double elapsedMs);
}
