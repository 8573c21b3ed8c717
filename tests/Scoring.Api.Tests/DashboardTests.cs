using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium driven by Playwright) against the built API on a loopback port.
/// A screenshot of each view is saved under artifacts/screenshots/.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class DashboardTests(ScoringFixture fixture) : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private static readonly string[] Views = ["audience", "content", "models", "recommendations"];

    private readonly List<string> _problems = [];
    private ApiServerProcess _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;

    public static string Screenshots => Path.Combine(Path.GetDirectoryName(ScoringFixture.RepositoryModels)!, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        _server = await ApiServerProcess.StartAsync(new Dictionary<string, string> { ["Scoring__Database"] = fixture.Database });
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        _page = await NewPage(_server);
        _page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                _problems.Add($"console {message.Type}: {message.Text}");
            }
        };
        _page.PageError += (_, error) => _problems.Add("page error: " + error);
        _page.RequestFailed += (_, request) => _problems.Add($"request failed: {request.Url} {request.Failure}");
        _page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                _problems.Add($"HTTP {response.Status}: {response.Url}");
            }
        };
        await Open(_page);
    }

    /// <summary>Loads the dashboard and waits until every view has drawn (body[data-ready]).</summary>
    private static async Task Open(IPage page)
    {
        await page.GotoAsync("/");
        await page.WaitForSelectorAsync("body[data-ready='true']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
    }

    private Task<IPage> NewPage(ApiServerProcess server) =>
        _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 }, BaseURL = server.Address.ToString() });

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    [BrowserFact]
    public async Task Every_view_loads_with_every_chart_drawn_from_data_and_no_console_errors()
    {
        Directory.CreateDirectory(Screenshots);
        foreach (var view in Views)
        {
            await _page.ClickAsync($"nav button[data-view='{view}']");
            await Assertions.Expect(_page.Locator($"#{view}")).ToBeVisibleAsync();

            var charts = await _page.Locator($"#{view} figure").EvaluateAllAsync<ChartState[]>(
                "figures => figures.map(f => ({ id: f.id, points: Number(f.dataset.points || 0), marks: f.querySelectorAll('svg .mark').length, rows: f.querySelectorAll('table tbody tr').length, title: f.querySelector('figcaption')?.textContent ?? '' }))");
            foreach (var chart in charts)
            {
                Assert.True(chart.Marks > 0 && chart.Points == chart.Marks, $"{view}/{chart.Id}: {chart.Marks} marks, data-points {chart.Points}");
                Assert.True(chart.Rows > 0, $"{view}/{chart.Id}: the data table is empty");
                Assert.False(string.IsNullOrWhiteSpace(chart.Title), $"{view}/{chart.Id}: no title");
            }

            var path = Path.Combine(Screenshots, view + ".png");
            await _page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            Assert.True(new FileInfo(path).Length > 20_000, $"{path} is nearly empty");
            string[] drawn = view switch
            {
                "audience" => ["devices-pie", "plans-by-country", "plans-pie", "users-per-country"],
                "content" => ["device-engagement", "genre-flows", "genre-popularity", "ratings-by-genre", "title-similarity"],
                "models" => ["importance-churn", "importance-top10", "leakage", "roc-churn", "roc-top10"],
                _ => [],
            };
            Assert.Equal(drawn, charts.Select(c => c.Id).Order());
        }

        Assert.Equal(3, await _page.Locator("#champions .card").CountAsync());
        Assert.Equal(3, await _page.Locator("#leaderboards table").CountAsync());

        // Explicit MF's figures on the ratings after the cut-off, from leaderboard.json, under the recommend table.
        var recommend = JsonNode.Parse(File.ReadAllText(Path.Combine(ScoringFixture.RepositoryModels, "leaderboard.json")))!["tasks"]!.AsArray().Single(t => (string?)t!["task"] == "recommend")!;
        var explicitMf = recommend["candidates"]!.AsArray().Single(c => (string?)c!["trainer"] == "explicit-mf")!;
        double Figure(string part, string name) => (double)explicitMf[part]![name]!;
        var caption = (await _page.Locator("#leaderboards table caption").AllTextContentsAsync())[2];
        Assert.Contains(
            $"explicit-mf on the {Figure("test", "ratingCount"):0} ratings given after the cut-off: RMSE {Figure("test", "ratingRmse"):0.###}, MAE {Figure("test", "ratingMae"):0.###}, "
            + $"R² {Figure("test", "ratingRSquared"):0.###} (training ratings' mean: RMSE {Figure("baseline", "ratingRmse"):0.###}; planted floor RMSE {(double)recommend["ratingRmseFloor"]!:0.###}).",
            caption,
            StringComparison.Ordinal);

        Assert.Contains($"implicit-mf settings chosen on a validation split inside the training part: {(string)recommend["tuning"]!["chosen"]!}.", caption, StringComparison.Ordinal);
        Assert.Contains($"Content's and popularity's shares for viewers the factor models do not know, chosen on the same split: {(string)recommend["viewerTuning"]!["chosen"]!}.", caption, StringComparison.Ordinal);
        Assert.Contains($"Folding such viewers in (a vector fitted to their titles), chosen on the same split: {(string)recommend["foldInTuning"]!["chosen"]!}.", caption, StringComparison.Ordinal);
        Assert.Contains($"Moving a known subscriber's vector by what they watched since training, chosen on the same split: {(string)recommend["updateTuning"]!["chosen"]!}.", caption, StringComparison.Ordinal);

        // The planted oracle's row closes the recommend table, with its NDCG@10 from leaderboard.json.
        var oracleRow = _page.Locator("#leaderboards table").Nth(2).Locator("tbody tr").Last;
        Assert.StartsWith("planted oracle (the best ranking there is)", await oracleRow.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains($"{(double)recommend["plantedOracle"]!["ndcgAtK"]!:0.###}", await oracleRow.InnerTextAsync(), StringComparison.Ordinal);

        // Each candidate's NDCG@10 serving its test subscribers as viewers it does not know, in the last column.
        var board = _page.Locator("#leaderboards table").Nth(2);
        Assert.Equal("NDCG@10 as new viewers", await board.Locator("thead th").Last.InnerTextAsync());
        var candidates = recommend["candidates"]!.AsArray();
        for (var i = 0; i < candidates.Count; i++)
        {
            Assert.Equal($"{(double)candidates[i]!["test"]!["viewerNdcgAtK"]!:0.###}", await board.Locator("tbody tr").Nth(i).Locator("td").Last.InnerTextAsync());
        }

        Assert.Equal(string.Empty, await oracleRow.Locator("td").Last.InnerTextAsync());
        Assert.Empty(_problems);
    }

    [BrowserFact]
    public async Task No_axis_title_runs_through_the_category_labels_or_off_the_chart()
    {
        // "genre" under the genre charts ran through the slanted "Documentary" and "Adventure".
        var checkedCharts = 0;
        foreach (var view in Views)
        {
            await _page.ClickAsync($"nav button[data-view='{view}']");
            var results = await _page.Locator($"#{view} svg").EvaluateAllAsync<string[]>("""
                svgs => svgs.flatMap(svg => {
                  const title = [...svg.querySelectorAll('text.axis-label')].find(t => !t.getAttribute('transform')); // not the upright y title
                  if (!title || !title.textContent) return [];
                  const t = title.getBoundingClientRect(), box = svg.getBoundingClientRect();
                  const hit = [...svg.querySelectorAll('text.tick')].filter(k => {
                    const r = k.getBoundingClientRect();
                    return r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom;
                  }).map(k => `${svg.getAttribute('aria-label')}: '${title.textContent}' overlaps '${k.textContent}'`);
                  if (t.bottom > box.bottom + 0.5) hit.push(`${svg.getAttribute('aria-label')}: '${title.textContent}' is cut off`);
                  return hit.length ? hit : ['ok'];
                })
                """);
            checkedCharts += results.Count(r => r == "ok");
            Assert.Equal([], results.Where(r => r != "ok").ToArray());
        }

        Assert.True(checkedCharts >= 5, $"only {checkedCharts} charts with an x-axis title were checked");
    }

    [BrowserFact]
    public async Task Choosing_another_country_redraws_the_pies_with_that_countrys_figures()
    {
        using var client = new HttpClient { BaseAddress = _server.Address };
        var countries = (await client.GetFromJsonAsync<JsonArray>("/api/analytics/countries"))!.Select(c => c!["country"]!.GetValue<string>()).ToList();
        Assert.True(countries.Count >= 2);
        var before = await PieValues("plans-pie");

        await _page.SelectOptionAsync("#country", countries[1]);
        await Assertions.Expect(_page.Locator("#plans-pie figcaption")).ToContainTextAsync(countries[1]);
        await Assertions.Expect(_page.Locator("#devices-pie figcaption")).ToContainTextAsync(countries[1]);

        var expected = (await client.GetFromJsonAsync<JsonObject>($"/api/analytics/plans-devices?country={countries[1]}"))!;
        var plans = await PieValues("plans-pie");
        var devices = await PieValues("devices-pie");
        Assert.NotEqual(before, plans);
        Assert.Equal(expected["plans"]!.AsArray().Select(p => (p!["label"]!.GetValue<string>(), p["subscribers"]!.GetValue<int>())), plans);
        Assert.Equal(expected["devices"]!.AsArray().Select(p => (p!["label"]!.GetValue<string>(), p["subscribers"]!.GetValue<int>())), devices);
        Assert.Equal(expected["subscribers"]!.GetValue<int>().ToString("N0", System.Globalization.CultureInfo.InvariantCulture), await _page.Locator("#plans-pie svg text.total").TextContentAsync());

        // Shares to one decimal, in the table and the legend (they read 35.497 %).
        var total = plans.Sum(p => p.Item2);
        var shares = plans.Select(p => Math.Round(1000.0 * p.Item2 / total, MidpointRounding.AwayFromZero) / 10).Select(v => v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(shares, await _page.Locator("#plans-pie table tbody tr td:nth-of-type(2)").AllTextContentsAsync());
        Assert.Equal(plans.Zip(shares, (p, s) => $"{p.Item1} ({s} %)"), await _page.Locator("#plans-pie svg text.legend").AllTextContentsAsync());
        Assert.Empty(_problems);
    }

    [BrowserFact]
    public async Task Choosing_a_plan_redraws_subscribers_per_country()
    {
        var plans = await _page.Locator("#plan option").AllTextContentsAsync();
        await _page.SelectOptionAsync("#plan", plans[^1]);

        await Assertions.Expect(_page.Locator("#users-per-country figcaption")).ToContainTextAsync(plans[^1]);
        var bars = await _page.Locator("#users-per-country svg rect.mark").EvaluateAllAsync<int[]>("marks => marks.map(m => Number(m.dataset.value))");
        var expected = fixture.Strings("SELECT COUNT(*) FROM gold_users WHERE subscription_plan = $p GROUP BY country ORDER BY 1 DESC", ("$p", plans[^1])).Select(int.Parse);
        Assert.Equal(expected, bars);
        Assert.Empty(_problems);
    }

    [BrowserFact]
    public async Task The_explorer_shows_ten_recommendations_with_reasons_and_similar_titles_on_request()
    {
        var user = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id HAVING COUNT(*) >= 8 ORDER BY user_id LIMIT 1 OFFSET 3")[0];
        using var client = new HttpClient { BaseAddress = _server.Address };
        var expected = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations?count=10"))!["titles"]!.AsArray();
        await _page.ClickAsync("nav button[data-view='recommendations']");

        await _page.FillAsync("#user", user);
        await _page.ClickAsync("#recommend-form button[type='submit']");
        await Assertions.Expect(_page.Locator("#recommended-title")).ToContainTextAsync(user);

        var items = _page.Locator("#recommended li.title");
        await Assertions.Expect(items).ToHaveCountAsync(10);
        var texts = await items.AllTextContentsAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.Contains(expected[i]!["titleId"]!.GetValue<string>(), texts[i]);
            Assert.Contains(expected[i]!["name"]!.GetValue<string>(), texts[i]);
            Assert.Contains(expected[i]!["reason"]!.GetValue<string>(), texts[i]);
        }

        await Assertions.Expect(_page.Locator("#recommended-note")).ToBeHiddenAsync();

        await items.First.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(_page.Locator("#similar-title")).ToContainTextAsync(expected[0]!["name"]!.GetValue<string>());
        await Assertions.Expect(_page.Locator("#similar li.title")).ToHaveCountAsync(10);

        // 100 Horror titles cannot be found: the note says how many the genre holds and how many were watched.
        var horror = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations?count=100&genre=Horror"))!;
        await _page.SelectOptionAsync("#genre", "Horror");
        await _page.FillAsync("#count", "100");
        await _page.ClickAsync("#recommend-form button[type='submit']");
        await Assertions.Expect(_page.Locator("#recommended-note")).ToHaveTextAsync(horror["note"]!.GetValue<string>());
        await Assertions.Expect(items).ToHaveCountAsync(horror["titles"]!.AsArray().Count);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory(Screenshots).FullName, "recommendation-explorer-fewer-titles.png") });
        await _page.SelectOptionAsync("#genre", "");
        await _page.FillAsync("#count", "10");

        await _page.FillAsync("#user", "user_99999999");
        await _page.ClickAsync("#recommend-form button[type='submit']");
        await Assertions.Expect(_page.Locator("#recommended li.problem")).ToContainTextAsync("No subscriber 'user_99999999'");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory(Screenshots).FullName, "recommendation-explorer-unknown-subscriber.png"), FullPage = true });

        // The unknown subscriber's 404 is the one failed response, and it is shown, not thrown.
        Assert.Equal([$"HTTP 404: {_server.Address}api/users/user_99999999/recommendations?count=10"], _problems.Where(p => !p.StartsWith("console error: Failed to load resource", StringComparison.Ordinal)));
    }

    [BrowserFact]
    public async Task A_task_without_a_champion_says_why_in_its_leaderboard_and_marks_no_candidate()
    {
        var models = fixture.CopyModelsWithNoChampion("churn", "No deployable candidate beats chance: the best, churn-fastforest-behaviour, has CV AUC 0.4950.");
        await using var server = await ApiServerProcess.StartAsync(new Dictionary<string, string> { ["Scoring__Database"] = fixture.Database, ["Scoring__ModelsFolder"] = models });
        var page = await NewPage(server);
        await Open(page);

        await page.ClickAsync("nav button[data-view='models']");

        var tables = page.Locator("#leaderboards table");
        await Assertions.Expect(tables).ToHaveCountAsync(3);
        var captions = await page.Locator("#leaderboards table caption").AllTextContentsAsync();
        Assert.Contains("No champion: No deployable candidate beats chance", captions[1], StringComparison.Ordinal);
        Assert.DoesNotContain("No champion", captions[0], StringComparison.Ordinal);
        Assert.Equal(0, await tables.Nth(1).GetByText("(champion)").CountAsync());
        Assert.Equal(1, await tables.Nth(0).GetByText("(champion)").CountAsync());
    }

    [BrowserFact]
    public async Task A_task_the_last_leakage_audit_skipped_is_named_under_the_chart_with_the_reason()
    {
        // As after `leakage --raw` on the real Netflix 2025 files: churn audited, top10 skipped (no titles). The chart
        // showed churn alone and nothing said why top10 was missing.
        var models = fixture.CopyModels();
        var path = Path.Combine(models, "leakage-report.json");
        var report = JsonNode.Parse(File.ReadAllText(path))!;
        var tasks = report["tasks"]!.AsArray();
        tasks.Remove(tasks.Single(t => t!["task"]!.GetValue<string>() == "top10"));
        report["skipped"] = new JsonArray(new JsonObject { ["task"] = "top10", ["reason"] = "No titles in the database." });
        File.WriteAllText(path, report.ToJsonString());
        await using var server = await ApiServerProcess.StartAsync(new Dictionary<string, string> { ["Scoring__Database"] = fixture.Database, ["Scoring__ModelsFolder"] = models });
        var page = await NewPage(server);
        await Open(page);

        await page.ClickAsync("nav button[data-view='models']");

        await Assertions.Expect(page.Locator("#leakage-flags p.absent")).ToHaveTextAsync("top10: not audited: No titles in the database.");
        Assert.True(await page.Locator("#leakage svg .mark").CountAsync() > 0); // churn's bars still draw
        Assert.Equal(0, await page.Locator("#leakage-flags table").GetByText("top10").CountAsync());
    }

    [BrowserFact]
    public async Task Models_and_data_a_run_could_not_produce_are_named_in_place_and_the_rest_still_draws()
    {
        // As after `train --raw` on the real Netflix 2025 files: churn trained without a champion, top10 and
        // recommend skipped, no leakage report, and a database without watch events. The models view used to stop at
        // the first 404 ("Could not load everything") and the content view drew empty axes.
        var models = fixture.CopyModelsWithNoChampion("churn", "No deployable candidate beats chance.");
        foreach (var file in new[] { "top10.zip", "churn.zip", "recommend.zip", "leakage-report.json" })
        {
            File.Delete(Path.Combine(models, file));
        }

        var leaderboardPath = Path.Combine(models, "leaderboard.json");
        var leaderboard = JsonNode.Parse(File.ReadAllText(leaderboardPath))!;
        var tasks = leaderboard["tasks"]!.AsArray();
        foreach (var entry in tasks.Where(t => t!["task"]!.GetValue<string>() != "churn").ToList())
        {
            tasks.Remove(entry);
        }

        leaderboard["skipped"] = new JsonArray(new JsonObject { ["task"] = "top10", ["reason"] = "No titles in the database." });

        File.WriteAllText(leaderboardPath, leaderboard.ToJsonString());
        var database = Path.Combine(Path.GetDirectoryName(models)!, Path.GetFileName(models) + ".db");
        File.Copy(fixture.Database, database);
        ScoringFixture.Query(database, "DELETE FROM gold_watch_events");
        await using var server = await ApiServerProcess.StartAsync(new Dictionary<string, string> { ["Scoring__Database"] = database, ["Scoring__ModelsFolder"] = models });
        var page = await NewPage(server);

        await Open(page);

        Assert.Equal(string.Empty, await page.Locator("#status").TextContentAsync());
        await page.ClickAsync("nav button[data-view='models']");
        var leaderboards = await page.Locator("#leaderboards").InnerTextAsync();
        Assert.Contains("404: No task 'top10' in the leaderboard (it has churn). The last training skipped it: No titles in the database.", leaderboards, StringComparison.Ordinal);
        Assert.Contains("404: No task 'recommend' in the leaderboard (it has churn).", leaderboards, StringComparison.Ordinal);
        Assert.Contains("No champion: No deployable candidate beats chance.", leaderboards, StringComparison.Ordinal);
        Assert.StartsWith("503: No churn model is loaded", await page.Locator("#roc-churn p.absent").TextContentAsync(), StringComparison.Ordinal);
        Assert.StartsWith("503: No leakage-report.json in ", await page.Locator("#leakage p.absent").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await page.Locator("#champions p.absent").CountAsync());
        await page.ClickAsync("nav button[data-view='content']");
        foreach (var figure in new[] { "genre-popularity", "device-engagement", "title-similarity", "genre-flows" })
        {
            Assert.EndsWith("nothing to show; the database holds no watch events.", await page.Locator($"#{figure} p.absent").TextContentAsync(), StringComparison.Ordinal);
        }

        Assert.True(await page.Locator("#ratings-by-genre svg .mark").CountAsync() > 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "content-without-watch-events.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task Beside_a_database_of_other_data_the_recommender_card_says_so_and_the_explorer_shows_why()
    {
        // The committed models served with a database ingested from the real Netflix 2025 files.
        await using var server = await ApiServerProcess.StartAsync(new Dictionary<string, string> { ["Scoring__Database"] = fixture.RealNetflixDatabase });
        var page = await NewPage(server);

        await Open(page);
        await page.ClickAsync("nav button[data-view='models']");

        var warnings = page.Locator("#champions .card p.warning");
        await Assertions.Expect(warnings).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#champions .card").Filter(new LocatorFilterOptions { Has = page.Locator("p.warning") }).Locator("h3")).ToHaveTextAsync("recommend");
        await Assertions.Expect(warnings).ToContainTextAsync("The recommendation model was trained on other data");
        await page.Locator("#champions").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory(Screenshots).FullName, "champions-beside-other-data.png") });
        await page.ClickAsync("nav button[data-view='recommendations']");
        await page.FillAsync("#user", "user_00001");
        await page.ClickAsync("#recommend-form button[type='submit']");
        await Assertions.Expect(page.Locator("#recommended li.problem")).ToContainTextAsync("503: The recommendation model was trained on other data");
    }

    private async Task<List<(string, int)>> PieValues(string figure) =>
        [.. (await _page.Locator($"#{figure} svg path.mark").EvaluateAllAsync<PieSlice[]>("marks => marks.map(m => ({ label: m.dataset.label, value: Number(m.dataset.value) }))")).Select(s => (s.Label, s.Value))];

    // Playwright fills these from the page's JSON: parameterless, settable.
    private sealed class ChartState
    {
        public string Id { get; set; } = string.Empty;

        public int Points { get; set; }

        public int Marks { get; set; }

        public int Rows { get; set; }

        public string Title { get; set; } = string.Empty;
    }

    private sealed class PieSlice
    {
        public string Label { get; set; } = string.Empty;

        public int Value { get; set; }
    }
}

/// <summary>A test that needs Debian's Chromium: reported as skipped, saying how to install it, where it is missing (.ci/run installs it).</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(DashboardTests.Chromium))
        {
            Skip = $"{DashboardTests.Chromium} is not installed: sudo apt-get install chromium";
        }
    }
}
