using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>
/// The README's curl examples, run against the committed models and the default data they were trained on: what a
/// new user pastes first must work, and its predictions must not rest on inputs the model never saw. The churn
/// example's tenureDays of 40 had drifted below the training range (92 days and up) without anyone noticing.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class ReadmeExamplesTests(ScoringFixture fixture)
{
    [Fact]
    public async Task Every_curl_example_answers_2xx_and_its_predictions_use_only_inputs_inside_training()
    {
        var examples = CurlExamples(File.ReadAllText(Path.Combine(Repository.Root, "README.md"))).ToList();
        Assert.Equal(15, examples.Count);
        using var factory = fixture.Factory(settings: ("Scoring:AdminApiKey", "your-key"));
        var client = factory.CreateClient();

        foreach (var example in examples)
        {
            using var request = new HttpRequestMessage(new HttpMethod(example.Method), example.Path);
            foreach (var (name, value) in example.Headers.Where(h => h.Name != "Content-Type"))
            {
                request.Headers.Add(name, value);
            }

            if (example.Body is { } body)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(example.Headers.Single(h => h.Name == "Content-Type").Value);
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{example.Method} {example.Path}: {(int)response.StatusCode} {text}");
            var answer = JsonNode.Parse(text)!;
            var predictions = answer is JsonObject o && o["predictions"] is JsonArray batch ? batch.Select(p => p!) : [answer];
            foreach (var prediction in predictions.Where(p => p is JsonObject { } q && q.ContainsKey("inputsOutsideTraining")))
            {
                Assert.True(prediction["inputsOutsideTraining"]!.AsArray().Count == 0, $"{example.Path}: {prediction["inputsOutsideTraining"]!.ToJsonString()}");
                Assert.True(prediction["inputsUnrecognised"]!.AsArray().Count == 0, $"{example.Path}: {prediction["inputsUnrecognised"]!.ToJsonString()}");
            }
        }
    }

    private sealed record Curl(string Method, string Path, List<(string Name, string Value)> Headers, string? Body);

    // Each `curl ...` command (continuation lines joined), read the way a shell reads it: single quotes group, and
    // a # outside them starts a comment.
    private static IEnumerable<Curl> CurlExamples(string readme)
    {
        foreach (var command in readme.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Where(l => l.StartsWith("curl ", StringComparison.Ordinal)))
        {
            var words = Words(command);
            var (method, path, headers, body) = ("GET", string.Empty, new List<(string, string)>(), (string?)null);
            for (var i = 1; i < words.Count; i++)
            {
                switch (words[i])
                {
                    case "-X":
                        method = words[++i];
                        break;
                    case "-H":
                        var header = words[++i].Split(':', 2);
                        headers.Add((header[0].Trim(), header[1].Trim()));
                        break;
                    case "-d":
                        body = words[++i];
                        break;
                    default:
                        path = words[i][words[i].IndexOf('/', StringComparison.Ordinal)..];
                        break;
                }
            }

            yield return new Curl(method, path, headers, body);
        }
    }

    private static List<string> Words(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var (quoted, inWord) = (false, false);
        foreach (var c in command)
        {
            if (c == '\'')
            {
                (quoted, inWord) = (!quoted, true);
            }
            else if (!quoted && c == '#')
            {
                break;
            }
            else if (!quoted && char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    (word, inWord) = (new StringBuilder(), false);
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
