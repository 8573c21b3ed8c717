using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NetflixML.Scoring.Api.Data;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>
/// The analytics endpoints agree with the same figures worked out here from the raw rows (not from the endpoints'
/// SQL), reject bad parameters clearly, and are computed once per version of the database.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class AnalyticsTests(ScoringFixture fixture) : IDisposable
{
    private readonly ScoringFactory _factory = fixture.Factory();

    public void Dispose() => _factory.Dispose();

    private List<(string Country, string Plan, string Device)> Users() =>
        [.. fixture.Rows("SELECT country, subscription_plan, primary_device FROM gold_users").Select(r => ((string)r[0], (string)r[1], (string)r[2]))];

    // Every (title, genre) pair: a title counts for each of its genres.
    private ILookup<string, string> GenresOfTitle() =>
        fixture.Rows("SELECT movie_id, genre_primary, genre_secondary FROM gold_movies")
            .SelectMany(r => new[] { r[1], r[2] }.OfType<string>().Distinct().Select(g => ((string)r[0], g)))
            .ToLookup(p => p.Item1, p => p.g);

    [Fact]
    public async Task Countries_plans_and_devices_match_the_subscriber_rows()
    {
        var users = Users();
        var client = _factory.CreateClient();

        var countries = (await client.GetFromJsonAsync<JsonArray>("/api/analytics/countries"))!;
        Assert.Equal(
            users.GroupBy(u => u.Country).OrderByDescending(g => g.Count()).Select(g => (g.Key, g.Count())),
            countries.Select(c => (c!["country"]!.GetValue<string>(), c["subscribers"]!.GetValue<int>())));

        foreach (var country in users.Select(u => u.Country).Distinct())
        {
            var body = (await client.GetFromJsonAsync<JsonObject>($"/api/analytics/plans-devices?country={country}"))!;
            var mine = users.Where(u => u.Country == country).ToList();
            Assert.Equal(mine.Count, body["subscribers"]!.GetValue<int>());
            Assert.Equal(Counts(mine.Select(u => u.Plan)), Labelled(body["plans"]));
            Assert.Equal(Counts(mine.Select(u => u.Device)), Labelled(body["devices"]));
        }

        var stacked = (await client.GetFromJsonAsync<JsonObject>("/api/analytics/plans-by-country"))!;
        var plans = stacked["plans"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Equal(users.Select(u => u.Plan).Distinct().Order(), plans.Order());
        foreach (var row in stacked["countries"]!.AsArray())
        {
            var country = row!["country"]!.GetValue<string>();
            Assert.Equal(plans.Select(p => users.Count(u => u.Country == country && u.Plan == p)), row["subscribers"]!.AsArray().Select(n => n!.GetValue<int>()));
        }

        var premium = (await client.GetFromJsonAsync<JsonObject>("/api/analytics/users-per-country?plan=Premium"))!;
        Assert.Equal(
            users.Where(u => u.Plan == "Premium").GroupBy(u => u.Country).OrderByDescending(g => g.Count()).Select(g => (g.Key, g.Count())),
            premium["countries"]!.AsArray().Select(c => (c!["country"]!.GetValue<string>(), c["subscribers"]!.GetValue<int>())));
    }

    [Theory]
    [InlineData("plans-devices?country=", "USA", "usa")]
    [InlineData("plans-devices?country=", "Canada", "%20CANADA%20")]
    [InlineData("users-per-country?plan=", "Premium", "premium")]
    [InlineData("users-per-country?plan=", "Premium+", "PREMIUM%2B")]
    public async Task A_filter_in_another_case_answers_as_the_datas_spelling_and_names_it(string query, string spelling, string asTyped)
    {
        var client = _factory.CreateClient();

        var exact = await client.GetStringAsync($"/api/analytics/{query}{Uri.EscapeDataString(spelling)}");
        var typed = await client.GetStringAsync($"/api/analytics/{query}{asTyped}");

        Assert.Equal(exact, typed);
        Assert.Contains($":\"{spelling}\"", typed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Genre_popularity_and_rating_quartiles_match_the_event_rows()
    {
        var genres = GenresOfTitle();
        var views = fixture.Rows("SELECT movie_id, user_id FROM gold_watch_events").Select(r => ((string)r[0], (string)r[1])).ToList();
        var client = _factory.CreateClient();

        var popularity = (await client.GetFromJsonAsync<JsonArray>("/api/analytics/genre-popularity"))!;
        var expected = views.SelectMany(v => genres[v.Item1].Select(g => (Genre: g, User: v.Item2)))
            .GroupBy(x => x.Genre).ToDictionary(g => g.Key, g => (Views: g.Count(), Viewers: g.Select(x => x.User).Distinct().Count()));
        Assert.Equal(expected.Count, popularity.Count);
        foreach (var g in popularity)
        {
            var genre = g!["genre"]!.GetValue<string>();
            Assert.Equal(expected[genre], (g["views"]!.GetValue<int>(), g["viewers"]!.GetValue<int>()));
        }

        Assert.Equal(popularity.Select(g => g!["views"]!.GetValue<int>()).OrderDescending(), popularity.Select(g => g!["views"]!.GetValue<int>()));

        // Quartiles by position in each genre's sorted ratings (R type 7), independent of the endpoint's histogram.
        var ratings = fixture.Rows("SELECT movie_id, rating FROM gold_ratings").SelectMany(r => genres[(string)r[0]].Select(g => (Genre: g, Rating: (double)r[1])))
            .GroupBy(x => x.Genre).ToDictionary(g => g.Key, g => g.Select(x => x.Rating).Order().ToArray());
        double Quantile(double[] sorted, double p)
        {
            var h = (sorted.Length - 1) * p;
            var lo = (int)Math.Floor(h);
            return sorted[lo] + ((h - lo) * (sorted[Math.Min(lo + 1, sorted.Length - 1)] - sorted[lo]));
        }

        var boxes = (await client.GetFromJsonAsync<JsonArray>("/api/analytics/ratings-by-genre"))!;
        Assert.Equal(ratings.Count, boxes.Count);
        foreach (var box in boxes)
        {
            var sorted = ratings[box!["genre"]!.GetValue<string>()];
            Assert.Equal(sorted.Length, box["ratings"]!.GetValue<int>());
            Assert.Equal(sorted.Average(), box["mean"]!.GetValue<double>(), 4);
            Assert.Equal((sorted[0], Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75), sorted[^1]), (box["min"]!.GetValue<double>(), box["q1"]!.GetValue<double>(), box["median"]!.GetValue<double>(), box["q3"]!.GetValue<double>(), box["max"]!.GetValue<double>()));
        }
    }

    [Fact]
    public void Quantiles_read_off_value_counts_interpolate_between_order_statistics()
    {
        // 1, 2, 2, 4, 10: type 7 quartiles are 2, 2, 4.
        var counts = new List<(double, int)> { (1, 1), (2, 2), (4, 1), (10, 1) };

        Assert.Equal(2, Analytics.AnalyticsQueries.Quantile(counts, 5, 0.25));
        Assert.Equal(2, Analytics.AnalyticsQueries.Quantile(counts, 5, 0.5));
        Assert.Equal(4, Analytics.AnalyticsQueries.Quantile(counts, 5, 0.75));
        Assert.Equal(5.5, Analytics.AnalyticsQueries.Quantile([(1, 1), (10, 1)], 2, 0.5));
    }

    [Fact]
    public async Task Device_engagement_lists_the_most_active_subscribers_minutes_per_device()
    {
        var events = fixture.Rows("SELECT user_id, device_type, watch_duration_minutes FROM gold_watch_events")
            .Select(r => (User: (string)r[0], Device: (string)r[1], Minutes: r[2] is DBNull ? 0 : Convert.ToDouble(r[2], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var top = events.GroupBy(e => e.User).Select(g => (User: g.Key, Total: g.Sum(e => e.Minutes))).OrderByDescending(u => u.Total).ThenBy(u => u.User, StringComparer.Ordinal).Take(7).ToList();

        var body = (await _factory.CreateClient().GetFromJsonAsync<JsonObject>("/api/analytics/device-engagement?top=7"))!;

        var devices = body["devices"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Equal(events.Select(e => e.Device).Distinct().Order(), devices.Order());
        var rows = body["subscribers"]!.AsArray();
        Assert.Equal(top.Select(t => t.User), rows.Select(r => r!["userId"]!.GetValue<string>()));
        foreach (var row in rows)
        {
            var user = row!["userId"]!.GetValue<string>();
            var minutes = row["minutes"]!.AsArray().Select(m => m!.GetValue<double>()).ToList();
            for (var d = 0; d < devices.Count; d++)
            {
                Assert.Equal(events.Where(e => e.User == user && e.Device == devices[d]).Sum(e => e.Minutes), minutes[d], 0.06);
            }

            Assert.Equal(row["totalMinutes"]!.GetValue<double>(), minutes.Sum(), 0.5);
        }
    }

    [Fact]
    public async Task Title_similarity_is_the_cosine_of_viewer_sets()
    {
        var viewers = fixture.Rows("SELECT movie_id, user_id FROM gold_watch_events").GroupBy(r => (string)r[0]).ToDictionary(g => g.Key, g => g.Select(r => (string)r[1]).ToHashSet());
        var titles = viewers.OrderByDescending(v => v.Value.Count).ThenBy(v => v.Key, StringComparer.Ordinal).Take(5).Select(v => v.Key).ToList();
        var client = _factory.CreateClient();

        var body = (await client.GetFromJsonAsync<JsonObject>($"/api/analytics/title-similarity?titles={string.Join(',', titles)}"))!;
        var byDefault = (await client.GetFromJsonAsync<JsonObject>("/api/analytics/title-similarity"))!;

        Assert.Equal(titles, body["titles"]!.AsArray().Select(t => t!["titleId"]!.GetValue<string>()));
        var matrix = body["similarity"]!.AsArray();
        for (var i = 0; i < titles.Count; i++)
        {
            for (var j = 0; j < titles.Count; j++)
            {
                var shared = viewers[titles[i]].Intersect(viewers[titles[j]]).Count();
                Assert.Equal(shared / Math.Sqrt(viewers[titles[i]].Count * (double)viewers[titles[j]].Count), matrix[i]![j]!.GetValue<double>(), 4);
                Assert.Equal(shared, body["sharedViewers"]![i]![j]!.GetValue<int>());
            }
        }

        // Without titles: the 12 watched by the most subscribers, most first.
        Assert.Equal(
            viewers.OrderByDescending(v => v.Value.Count).ThenBy(v => v.Key, StringComparer.Ordinal).Take(12).Select(v => v.Key),
            byDefault["titles"]!.AsArray().Select(t => t!["titleId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Genre_flows_add_up_to_each_groups_genre_views()
    {
        var genres = GenresOfTitle();
        var plans = fixture.Rows("SELECT user_id, subscription_plan FROM gold_users").ToDictionary(r => (string)r[0], r => (string)r[1]);
        var cells = fixture.Rows("SELECT user_id, movie_id FROM gold_watch_events").SelectMany(r => genres[(string)r[1]].Select(g => (Plan: plans[(string)r[0]], Genre: g))).ToList();
        var top = cells.GroupBy(c => c.Genre).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5).Select(g => g.Key).ToList();

        var body = (await _factory.CreateClient().GetFromJsonAsync<JsonObject>("/api/analytics/genre-flows?by=plan&genres=5"))!;

        Assert.Equal([.. top, "Other"], body["genres"]!.AsArray().Select(g => g!.GetValue<string>()));
        var flows = body["flows"]!.AsArray().ToDictionary(f => (f!["source"]!.GetValue<string>(), f["genre"]!.GetValue<string>()), f => f!["views"]!.GetValue<int>());
        foreach (var plan in plans.Values.Distinct())
        {
            foreach (var genre in top)
            {
                Assert.Equal(cells.Count(c => c.Plan == plan && c.Genre == genre), flows[(plan, genre)]);
            }

            Assert.Equal(cells.Count(c => c.Plan == plan && !top.Contains(c.Genre)), flows[(plan, "Other")]);
        }

        var byAge = (await _factory.CreateClient().GetFromJsonAsync<JsonObject>("/api/analytics/genre-flows?by=age"))!;
        Assert.Equal(cells.Count, byAge["flows"]!.AsArray().Sum(f => f!["views"]!.GetValue<int>()));
        Assert.Subset(new HashSet<string> { "under 25", "25-34", "35-49", "50-64", "65 and over" }, byAge["sources"]!.AsArray().Select(s => s!.GetValue<string>()).ToHashSet());
    }

    [Theory]
    [InlineData("/api/analytics/plans-devices", 400, "country")]
    [InlineData("/api/analytics/plans-devices?country=Atlantis", 404, "No subscribers in 'Atlantis'")]
    [InlineData("/api/analytics/users-per-country", 400, "plan")]
    [InlineData("/api/analytics/users-per-country?plan=Gold", 404, "No plan 'Gold'")]
    [InlineData("/api/analytics/device-engagement?top=0", 400, "1-100")]
    [InlineData("/api/analytics/device-engagement?top=101", 400, "1-100")]
    [InlineData("/api/analytics/title-similarity?titles=movie_0001", 400, "must name 2-30 different titles; got 1.")]
    [InlineData("/api/analytics/title-similarity?titles=movie_0001,movie_0001", 400, "must name 2-30 different titles; got 1 (movie_0001 repeated).")]
    [InlineData("/api/analytics/title-similarity?titles=movie_0001,movie_9999", 404, "'movie_9999'")]
    [InlineData("/api/analytics/genre-flows?by=zodiac", 400, "plan, device, country, age")]
    [InlineData("/api/analytics/genre-flows?genres=21", 400, "1-20")]
    public async Task Bad_parameters_are_named_in_problem_json(string path, int status, string detail)
    {
        var response = await _factory.CreateClient().GetAsync(path);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Figures_are_computed_once_per_database_version_and_again_when_it_changes()
    {
        var copy = fixture.CopyDatabase();
        using var factory = fixture.Factory(database: copy);
        var client = factory.CreateClient();
        var database = factory.Services.GetRequiredService<ScoringDatabase>();

        var first = (await client.GetFromJsonAsync<JsonArray>("/api/analytics/countries"))!;
        var computed = database.Current().FiguresComputed;
        var second = (await client.GetFromJsonAsync<JsonArray>("/api/analytics/countries"))!;
        Assert.Equal(computed, database.Current().FiguresComputed);
        Assert.Equal(first.ToJsonString(), second.ToJsonString());

        // A new ingest changes the file: within a second the figures come from the new data.
        var dropped = first[^1]!["country"]!.GetValue<string>();
        ScoringFixture.Query(copy, "DELETE FROM gold_users WHERE country = $c", ("$c", dropped));
        File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddSeconds(5));
        Assert.True(await ScoringFixture.Eventually(
            async () => !(await client.GetStringAsync("/api/analytics/countries")).Contains(dropped, StringComparison.Ordinal),
            TimeSpan.FromSeconds(5)));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/analytics/plans-devices?country={dropped}")).StatusCode);
    }

    [Fact]
    public async Task The_warm_up_computes_the_figures_the_dashboards_content_view_asks_for_first_and_again_for_a_new_database()
    {
        // Its first visitor waited for them: 2.7-4.1 s each at generate --scale 10.
        var path = fixture.CopyDatabase();
        using var factory = fixture.Factory(null, path, ("Scoring:WarmUpDatabase", "true"));
        var client = factory.CreateClient();
        var database = factory.Services.GetRequiredService<ScoringDatabase>();
        int Warmed() => factory.Log.Entries.Count(e => e.Message.StartsWith("Dashboard figures computed (6 of them) in ", StringComparison.Ordinal));
        Assert.True(await ScoringFixture.Eventually(() => Task.FromResult(Warmed() == 1), TimeSpan.FromSeconds(60)));
        var first = database.Current();
        var computed = first.FiguresComputed;
        await OpenTheContentView();

        // A new ingest renamed into place: its version is loaded in the background, then its figures computed.
        var next = path + ".next";
        File.Copy(path, next);
        File.Move(next, path, overwrite: true);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        await Task.Delay(1100);
        database.TryCurrent();
        Assert.True(await ScoringFixture.Eventually(() => Task.FromResult(Warmed() == 2), TimeSpan.FromSeconds(60)));
        var second = database.Current();
        await OpenTheContentView();

        Assert.Equal(6, computed); // five views, the title-similarity default drawing on the most-watched titles
        Assert.Equal(computed, first.FiguresComputed);
        Assert.NotSame(first, second);
        Assert.Equal(6, second.FiguresComputed);

        // What wwwroot/js/dashboard.js asks for when the Content view opens.
        async Task OpenTheContentView()
        {
            foreach (var view in new[] { "genre-popularity", "ratings-by-genre", "device-engagement?top=15", "title-similarity", "genre-flows?by=plan&genres=10" })
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/analytics/" + view)).StatusCode);
            }
        }
    }

    [Fact]
    public async Task Without_watch_events_the_default_title_similarity_is_empty_not_a_400()
    {
        // It was 400 "titles must name 2-30 different titles; got 0." to a caller who named none.
        var copy = fixture.CopyDatabase();
        ScoringFixture.Query(copy, "DELETE FROM gold_watch_events");
        using var factory = fixture.Factory(database: copy);
        var client = factory.CreateClient();

        var similarity = (await client.GetFromJsonAsync<JsonObject>("/api/analytics/title-similarity"))!;

        Assert.Empty(similarity["titles"]!.AsArray());
        Assert.Empty(similarity["similarity"]!.AsArray());
        var named = await client.GetAsync("/api/analytics/title-similarity?titles=movie_0001");
        Assert.Equal(HttpStatusCode.BadRequest, named.StatusCode);
    }

    [Fact]
    public async Task Without_a_database_the_analytics_say_which_command_creates_it()
    {
        using var factory = fixture.Factory(database: Path.Combine(fixture.Root, "absent.db"));

        var response = await factory.CreateClient().GetAsync("/api/analytics/genre-popularity");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("dotnet run --project Training", (await response.Content.ReadFromJsonAsync<JsonObject>())!["command"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_binary_champions_evaluation_is_its_stored_roc_curve_and_importance()
    {
        var client = _factory.CreateClient();
        var manifest = Learning.Persistence.ModelFile.ReadManifest(Path.Combine(ScoringFixture.RepositoryModels, "churn.zip"));

        var body = (await client.GetFromJsonAsync<JsonObject>("/api/models/churn/evaluation"))!;
        var recommend = await client.GetAsync("/api/models/recommend/evaluation");

        Assert.Equal(manifest.Metrics!["roc"]!["points"]!.ToJsonString(), body["rocPoints"]!.ToJsonString());
        Assert.Equal(manifest.Metrics["roc"]!["operatingPoint"]!["truePositiveRate"]!.GetValue<double>(), body["operatingPoint"]!["truePositiveRate"]!.GetValue<double>());
        Assert.Equal(manifest.Metrics["importance"]!.AsArray().Count, body["importance"]!.AsArray().Count);
        Assert.Equal(manifest.Metrics["test"]!["auc"]!.GetValue<double>(), body["auc"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.NotFound, recommend.StatusCode);
    }

    private static IEnumerable<(string, int)> Counts(IEnumerable<string> values) =>
        values.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count()));

    private static IEnumerable<(string, int)> Labelled(JsonNode? array) =>
        array!.AsArray().Select(p => (p!["label"]!.GetValue<string>(), p["subscribers"]!.GetValue<int>()));
}
