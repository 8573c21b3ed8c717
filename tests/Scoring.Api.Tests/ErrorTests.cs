using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>Every error a client can cause, or meet, is problem+json that says what was wrong, and never a stack trace.</summary>
[Collection(ScoringCollection.Name)]
public sealed class ErrorTests(ScoringFixture fixture) : IDisposable
{
    private readonly ScoringFactory _factory = fixture.Factory();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("imdbRating", 11, "1-10")]
    [InlineData("imdbRating", 0.5, "1-10")]
    [InlineData("metaScore", 101, "0-100")]
    [InlineData("runtimeMinutes", 0, "1-600 minutes")]
    [InlineData("runtimeMinutes", 601, "1-600 minutes")]
    [InlineData("budgetUsd", -1, "0-1,000,000,000 USD")]
    [InlineData("firstWeekHoursViewed", -5, "0 or more")]
    public async Task Top10_field_out_of_range_is_400_naming_the_field_and_range(string field, double value, string range)
    {
        var response = await _factory.CreateClient().PostAsJsonAsync("/api/top10/predictions", new JsonObject { ["title"] = "x", [field] = value });

        var error = await OnlyError(response, field);
        Assert.Contains(range, error);
        Assert.Contains("got", error);
    }

    [Fact]
    public async Task Several_bad_fields_are_all_named()
    {
        var response = await _factory.CreateClient().PostAsJsonAsync("/api/top10/predictions", new { imdbRating = 12, metaScore = -3, runtimeMinutes = 9000 });

        var errors = await ValidationErrors(response);
        Assert.Equal(["imdbRating", "metaScore", "runtimeMinutes"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("completionRate90d", 1.5, "0-1")]
    [InlineData("age", 130, "0-120 years")]
    [InlineData("sessions30d", -1, "0 or more")]
    [InlineData("searches90d", 2.5, "must be a whole number (a count); got 2.5.")] // 2.5 searches is no subscriber training saw
    public async Task Churn_field_out_of_range_or_not_a_count_is_400(string field, double value, string range)
    {
        var response = await _factory.CreateClient().PostAsJsonAsync("/api/churn/predictions", new JsonObject { [field] = value });

        var errors = await ValidationErrors(response);
        Assert.Contains(range, errors[field]);
    }

    [Theory]
    [InlineData("{\"sessions7d\": 10, \"sessions30d\": 2, \"completionRate90d\": 0.5}", "sessions7d", "is 10, more than sessions30d (2), whose window contains it.")]
    [InlineData("{\"sessions7d\": 10, \"sessions90d\": 4, \"completionRate90d\": 0.5}", "sessions7d", "is 10, more than sessions90d (4)")]
    [InlineData("{\"sessions90d\": 9, \"sessionsTotal\": 3, \"completionRate90d\": 0.5}", "sessions90d", "more than sessionsTotal (3)")]
    [InlineData("{\"searches30d\": 5, \"searches90d\": 1}", "searches30d", "more than searches90d (1)")]
    [InlineData("{\"titles90d\": 8, \"sessions90d\": 3, \"completionRate90d\": 0.5}", "titles90d", "each title needs a session")]
    [InlineData("{\"sessions7d\": 1, \"daysSinceLastWatch\": 40, \"completionRate90d\": 0.5}", "daysSinceLastWatch", "is 40, but sessions7d is 1: a session in the last 7 days means at most 7.")]
    [InlineData("{\"daysSinceLastWatch\": 5, \"daysSinceLastActivity\": 9}", "daysSinceLastActivity", "watching is activity")]
    [InlineData("{\"sessions30d\": 1, \"sessions90d\": 4, \"watchTrend\": 2, \"completionRate90d\": 0.5}", "watchTrend", "make it -0.223; leave it out to have it computed.")]
    // A rate training leaves empty only when there is nothing to take it of, left out beside a count saying there was.
    [InlineData("{\"sessions30d\": 12}", "completionRate90d", "is needed when sessions30d is 12: training has it for everyone with a session in the last 90 days and reads it missing as none.")]
    [InlineData("{\"minutes30d\": 95, \"completionRate90d\": null}", "completionRate90d", "is needed when minutes30d is 95")]
    [InlineData("{\"reviews90d\": 2}", "meanReviewRating", "is needed when reviews90d is 2: training has it for everyone with a review")]
    [InlineData("{\"recommendationClicks30d\": 1}", "recommendationClickRate90d", "is needed when recommendationClicks30d is 1")]
    [InlineData("{\"sessions90d\": 0, \"completionRate90d\": 0.8}", "completionRate90d", "is 0.8, but sessions90d is 0: there is no session in the last 90 days to take a rate of; leave it out.")]
    public async Task Churn_counts_that_contradict_each_other_are_400_naming_both(string body, string field, string message)
    {
        // Training computes these from one set of events, so they nest; a payload that does not would be scored off the map.
        Assert.Contains(message, await OnlyError(await PostRaw("/api/churn/predictions", body), field));
    }

    [Theory]
    [InlineData("/api/top10/predictions/batch", "titles", 0)]
    [InlineData("/api/top10/predictions/batch", "titles", 1001)]
    [InlineData("/api/churn/predictions/batch", "subscribers", 0)]
    [InlineData("/api/churn/predictions/batch", "subscribers", 1001)]
    public async Task Batch_size_outside_1_to_1000_is_400(string path, string field, int size)
    {
        var items = new JsonArray(Enumerable.Range(0, size).Select(_ => (JsonNode?)new JsonObject()).ToArray());

        var response = await _factory.CreateClient().PostAsJsonAsync(path, new JsonObject { [field] = items });

        var errors = await ValidationErrors(response);
        Assert.Contains("1-1000;", errors[field]);
        Assert.Contains($"got {size}", errors[field]);
    }

    [Fact]
    public async Task A_full_batch_of_1000_is_served()
    {
        var titles = new JsonArray(Enumerable.Range(0, 1000).Select(i => (JsonNode?)new JsonObject { ["title"] = $"t{i}", ["runtimeMinutes"] = 60 + (i % 90) }).ToArray());

        var response = await _factory.CreateClient().PostAsJsonAsync("/api/top10/predictions/batch", new JsonObject { ["titles"] = titles });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await response.Content.ReadFromJsonAsync<JsonObject>())!["predictions"]!.AsArray();
        Assert.Equal(1000, predictions.Count);
        Assert.Equal("t999", predictions[999]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_bad_item_in_a_batch_is_named_by_its_index()
    {
        var response = await _factory.CreateClient().PostAsJsonAsync("/api/top10/predictions/batch", new { titles = new object[] { new { imdbRating = 5 }, new { imdbRating = 50 } } });

        var errors = await ValidationErrors(response);
        Assert.Equal(["titles[1].imdbRating"], errors.Keys);
    }

    [Theory]
    [InlineData("/api/top10/predictions/batch", "{\"titles\": [{\"title\": \"a\"}, null]}", "titles[1]", "must be an object; got null.")]
    [InlineData("/api/churn/predictions/batch", "{\"subscribers\": [null]}", "subscribers[0]", "must be an object; got null.")]
    [InlineData("/api/top10/predictions", "{\"title\": \"x\", \"genres\": [\"Drama\", null]}", "genres[1]", "must be a non-blank name; got null.")]
    [InlineData("/api/top10/predictions", "{\"title\": \"x\", \"cast\": [null]}", "cast[0]", "must be a non-blank name; got null.")]
    [InlineData("/api/top10/predictions", "{\"title\": \"x\", \"genres\": [\" \"]}", "genres[0]", "must be a non-blank name; got ' '.")]
    [InlineData("/api/top10/predictions/batch", "{\"titles\": [{\"cast\": [\"Ann Lee\", \"\"]}]}", "titles[0].cast[1]", "must be a non-blank name; got ''.")]
    [InlineData("/api/recommendations", "{\"watched\": [\"movie_0001\", null]}", "watched[1]", "must be a non-blank name; got null.")]
    public async Task A_null_or_blank_entry_in_a_list_is_400_naming_its_index(string path, string body, string field, string message)
    {
        // These reached the scorer and came back as 500s.
        Assert.Equal(message, await OnlyError(await PostRaw(path, body), field));
    }

    [Theory]
    [InlineData("/api/top10/predictions/batch", "{}", "titles", "is required: a list of 1-1000 entries.")]
    [InlineData("/api/churn/predictions/batch", "{\"subscribers\": null}", "subscribers", "is required: a list of 1-1000 entries.")]
    [InlineData("/api/top10/predictions/batch", "{\"titles\": []}", "titles", "must be 1-1000; got 0.")]
    public async Task A_batch_without_its_list_says_the_list_is_required_not_that_it_was_empty(string path, string body, string field, string message)
    {
        // `{}` answered "titles must be 1-1000; got 0." as though an empty list had been sent.
        Assert.Equal(message, await OnlyError(await PostRaw(path, body), field));
    }

    [Theory]
    [InlineData("/api/top10/predictions", "{\"title\": \"x\", \"director\": \"  \"}", "director", "must be a non-blank name (leave it out when unknown); got '  '.")]
    [InlineData("/api/top10/predictions/batch", "{\"titles\": [{\"director\": \"\"}]}", "titles[0].director", "must be a non-blank name (leave it out when unknown); got ''.")]
    public async Task A_blank_director_is_400_naming_the_field(string path, string body, string field, string message)
    {
        // Scored, a blank name was a director with no titles behind them, listed among the inputs used.
        Assert.Equal(message, await OnlyError(await PostRaw(path, body), field));
    }

    [Theory]
    [InlineData("{\"watched\": [\"movie_0001\", \"movie_9999\"]}", "watched[1]", "no title 'movie_9999' in the model's catalogue.")]
    [InlineData("{\"count\": 0}", "count", "must be 1-100; got 0.")]
    [InlineData("{\"count\": 101, \"genre\": \"Drama\"}", "count", "must be 1-100; got 101.")]
    [InlineData("{\"genre\": \"Telenovela\"}", "genre", "must be one of Action, ")]
    public async Task A_bad_viewer_recommendation_request_is_400_naming_the_field(string body, string field, string message)
    {
        Assert.StartsWith(message, await OnlyError(await PostRaw("/api/recommendations", body), field));
    }

    [Fact]
    public async Task A_viewer_history_over_1000_titles_is_400()
    {
        var response = await _factory.CreateClient().PostAsJsonAsync("/api/recommendations", new { watched = Enumerable.Repeat("movie_0001", 1001) });

        var errors = await ValidationErrors(response);
        Assert.Equal("must be 0-1000; got 1001.", errors["watched"]);
    }

    [Theory]
    [InlineData("/api/top10/predictions", "{\"title\": \"x\", \"runtimeMinutes\": }")]
    [InlineData("/api/top10/predictions", "{\"runtimeMinutes\": \"long\"}")]
    [InlineData("/api/churn/predictions", "not json at all")]
    [InlineData("/api/top10/predictions/batch", "{\"titles\": [ {\"title\": 1 ]}")]
    public async Task Malformed_json_is_400_without_a_stack_trace(string path, string body)
    {
        var response = await PostRaw(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("not valid JSON", text);
        Assert.DoesNotContain(" at NetflixML", text);
        Assert.DoesNotContain(" at Microsoft", text);
        Assert.DoesNotContain(".cs:line", text);
    }

    [Theory]
    [InlineData("/api/top10/predictions", "{\"runtimeMinutes\": \"long\"}", "runtimeMinutes must be a number.")]
    [InlineData("/api/top10/predictions", "{\"releaseDate\": \"2025-13-45\"}", "releaseDate must be a date (yyyy-MM-dd).")]
    [InlineData("/api/top10/predictions", "{\"isOriginal\": \"yes\"}", "isOriginal must be true or false.")]
    [InlineData("/api/top10/predictions", "{\"genres\": \"Drama\"}", "genres must be an array.")]
    [InlineData("/api/top10/predictions", "[]", "the body must be an object.")]
    [InlineData("/api/top10/predictions/batch", "{\"titles\": [{}, {\"votes\": \"many\"}]}", "titles[1].votes must be a number.")]
    [InlineData("/api/churn/predictions", "{\"subscriptionPlan\": 3}", "subscriptionPlan must be a string.")]
    [InlineData("/api/recommendations", "{\"count\": 3.5}", "count must be a whole number.")]
    [InlineData("/api/recommendations", "{\"count\": \"3\"}", "count must be a whole number.")]
    public async Task A_value_of_the_wrong_json_type_names_the_field_and_what_it_must_be(string path, string body, string says)
    {
        var problem = await Problem(await PostRaw(path, body), HttpStatusCode.BadRequest);

        Assert.Equal("The request body is not valid JSON: " + says, problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/top10/predictions", "{\"title\": \"Caf\u00e9\"}", "title")]
    [InlineData("/api/top10/predictions/batch", "{\"titles\": [{}, {\"director\": \"Pedro Almod\u00f3var\"}]}", "titles[1].director")]
    [InlineData("/api/churn/predictions", "{\"country\": \"Espa\u00f1a\"}", "country")]
    public async Task A_body_in_latin1_is_400_saying_the_field_is_not_utf8_not_that_it_is_the_wrong_type(string path, string body, string field)
    {
        // Sent as Latin-1 (one byte per accented letter), as some clients do; the answer was "title must be a string".
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = new("application/json");

        var problem = await Problem(await _factory.CreateClient().PostAsync(path, content), HttpStatusCode.BadRequest);

        Assert.Equal($"The request body is not valid JSON: {field} is not UTF-8 text; send the body encoded as UTF-8 (JSON must be).", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/churn/predictions", "{\"sessions30d\": 0, \"sesions7d\": 5}", "sesions7d is not a field; did you mean sessions7d?")]
    [InlineData("/api/churn/predictions/batch", "{\"subscribers\": [{}, {\"sesions7d\": 5}]}", "subscribers[1].sesions7d is not a field; did you mean sessions7d?")]
    [InlineData("/api/top10/predictions/batch", "{\"titles\": [{\"genre\": [\"Drama\"]}]}", "titles[0].genre is not a field; did you mean genres?")]
    [InlineData("/api/churn/predictions/batch", "{\"subscribers\": [], \"extra\": 1}", "extra is not a field; the fields are subscribers.")]
    public async Task A_field_the_request_does_not_have_is_400_naming_it_and_the_closest_field(string path, string body, string says)
    {
        // A misspelt field used to be dropped, and its feature scored as missing.
        var problem = await Problem(await PostRaw(path, body), HttpStatusCode.BadRequest);

        Assert.Equal("Unknown field", problem["title"]!.GetValue<string>());
        Assert.Equal(says, problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/churn/predictions", "{\"sessions30d\": 2, \"completionRate90d\": 0.5, \"sessions30d\": 20}", "sessions30d")]
    [InlineData("/api/churn/predictions/batch", "{\"subscribers\": [{}, {\"reviews90d\": 1, \"reviews90d\": 2}]}", "subscribers[1].reviews90d")]
    [InlineData("/api/top10/predictions", "{\"title\": \"a\", \"title\": \"b\"}", "title")]
    public async Task A_field_given_twice_is_400_naming_it(string path, string body, string field)
    {
        // The last value used to win without a word.
        var problem = await Problem(await PostRaw(path, body), HttpStatusCode.BadRequest);

        Assert.Equal("Duplicate field", problem["title"]!.GetValue<string>());
        Assert.Equal($"{field} is given twice; which value to score would be a guess, so send it once.", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/top10/predictions", "")]
    [InlineData("/api/churn/predictions", "null")]
    [InlineData("/api/churn/predictions/batch", "")]
    public async Task An_empty_or_null_body_is_400_saying_so(string path, string body)
    {
        var problem = await Problem(await PostRaw(path, body), HttpStatusCode.BadRequest);

        Assert.Equal("Missing body", problem["title"]!.GetValue<string>());
        Assert.Equal("The request needs a JSON object in its body; the body was empty or null.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_over_the_configured_limit_is_413()
    {
        using var factory = fixture.Factory(settings: ("Scoring:MaxRequestBodyBytes", "2000"));
        var client = factory.CreateClient();
        var small = await client.PostAsJsonAsync("/api/top10/predictions", new { title = "small" });
        var titles = Enumerable.Range(0, 100).Select(i => new { title = $"a long enough title number {i}" }).ToList();

        var large = await client.PostAsJsonAsync("/api/top10/predictions/batch", new { titles });

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal("application/problem+json", large.Content.Headers.ContentType?.MediaType);
        Assert.Contains("MaxRequestBodyBytes", await large.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_too()
    {
        using var factory = fixture.Factory(settings: ("Scoring:MaxRequestBodyBytes", "2000"));
        var json = "{\"titles\":[" + string.Join(',', Enumerable.Range(0, 100).Select(i => $"{{\"title\":\"title {i}\"}}")) + "]}";
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await factory.CreateClient().PostAsync("/api/top10/predictions/batch", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/users/user_99999999/churn", "No subscriber 'user_99999999'")]
    [InlineData("/api/users/user_99999999/recommendations", "No subscriber 'user_99999999'")]
    [InlineData("/api/titles/movie_99999/similar", "No title 'movie_99999'")]
    [InlineData("/api/models/nonsense/leaderboard", "No task 'nonsense'")]
    public async Task Unknown_subscriber_title_or_task_is_404(string path, string detail)
    {
        var problem = await Problem(await _factory.CreateClient().GetAsync(path), HttpStatusCode.NotFound);

        Assert.Contains(detail, problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("count=0", "count", "1-100")]
    [InlineData("count=101", "count", "1-100")]
    [InlineData("genre=Polka", "genre", "Drama")]
    public async Task Bad_recommendation_query_is_400(string query, string field, string hint)
    {
        var user = fixture.Strings("SELECT user_id FROM gold_users ORDER BY user_id LIMIT 1")[0];

        var response = await _factory.CreateClient().GetAsync($"/api/users/{user}/recommendations?{query}");

        var errors = await ValidationErrors(response);
        Assert.Contains(hint, errors[field]);
    }

    [Theory]
    [InlineData("/api/titles/movie_0001/similar?count=abc", "count", "must be a whole number; got 'abc'.")]
    [InlineData("/api/titles/movie_0001/similar?count=2.5", "count", "must be a whole number; got '2.5'.")]
    [InlineData("/api/titles/movie_0001/similar?count=99999999999", "count", "is out of range; got 99999999999.")]
    [InlineData("/api/titles/movie_0001/similar?count=2&count=3", "count", "is given 2 times; send it once.")]
    [InlineData("/api/analytics/device-engagement?top=many", "top", "must be a whole number; got 'many'.")]
    public async Task A_query_value_the_framework_cannot_bind_is_a_validation_problem_naming_it(string path, string field, string message)
    {
        // The framework's own message was "Failed to bind parameter "int count" from "2,3"."
        Assert.Equal(message, await OnlyError(await _factory.CreateClient().GetAsync(path), field));
    }

    [Theory]
    [InlineData("/api/users/user_00001/recommendations?cuont=5", "cuont", "is not a query parameter here; did you mean count?")]
    [InlineData("/api/users/user_00001/recommendations?count=3&excludeSeen=false", "excludeSeen", "is not a query parameter here; this endpoint takes count, genre.")]
    [InlineData("/api/users/user_00001/recommendations?userId=user_00002", "userId", "is not a query parameter here; this endpoint takes count, genre.")]
    [InlineData("/api/analytics/genre-flows?by=plan&genre=3", "genre", "is not a query parameter here; did you mean genres?")]
    [InlineData("/api/models?verbose=1", "verbose", "is not a query parameter here; this endpoint takes none.")]
    public async Task A_query_parameter_the_endpoint_does_not_take_is_a_validation_problem_naming_it(string path, string field, string message)
    {
        // These were ignored without a word: ten titles for `cuont=5`, seen titles still excluded for `excludeSeen=false`.
        Assert.Equal(message, await OnlyError(await _factory.CreateClient().GetAsync(path), field));
    }

    [Theory]
    [InlineData("/api/users/user_00001/recommendations?COUNT=3", 3)]
    [InlineData("/api/titles/movie_0001/similar?Count=2", 2)]
    public async Task Query_parameter_names_match_ignoring_case_as_the_framework_binds_them(string path, int expected)
    {
        var body = JsonNode.Parse(await (await _factory.CreateClient().GetAsync(path)).Content.ReadAsStringAsync())!;
        Assert.Equal(expected, (body["titles"] ?? body["similar"])!.AsArray().Count);
    }

    [Fact]
    public async Task Similar_count_out_of_range_is_400()
    {
        var response = await _factory.CreateClient().GetAsync("/api/titles/movie_0001/similar?count=500");

        var errors = await ValidationErrors(response);
        Assert.Contains("1-100", errors["count"]);
    }

    [Fact]
    public async Task A_task_without_a_model_is_503_with_the_command_that_creates_it()
    {
        var models = fixture.CopyModels();
        File.Delete(Path.Combine(models, "top10.zip"));
        File.Delete(Path.Combine(models, "recommend.zip"));
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();
        var user = fixture.Strings("SELECT user_id FROM gold_users ORDER BY user_id LIMIT 1")[0];

        var top10 = await client.PostAsJsonAsync("/api/top10/predictions", new { title = "x" });
        var recs = await client.GetAsync($"/api/users/{user}/recommendations");
        var churn = await client.GetAsync($"/api/users/{user}/churn");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, top10.StatusCode);
        Assert.Equal("application/problem+json", top10.Content.Headers.ContentType?.MediaType);
        Assert.Equal("dotnet run --project Training -- train --task top10", (await top10.Content.ReadFromJsonAsync<JsonObject>())!["command"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, recs.StatusCode);
        Assert.Equal("dotnet run --project Training -- train --task recommend", (await recs.Content.ReadFromJsonAsync<JsonObject>())!["command"]!.GetValue<string>());
        Assert.True(churn.IsSuccessStatusCode || churn.StatusCode == HttpStatusCode.NotFound, "the churn model still serves");
    }

    [Fact]
    public async Task A_task_whose_last_training_promoted_no_champion_says_why_in_its_503()
    {
        var models = fixture.CopyModelsWithNoChampion("churn", "No deployable candidate beats chance: the best has CV AUC 0.4950.");
        File.Delete(Path.Combine(models, "churn.zip"));
        using var factory = fixture.Factory(models);

        var response = await factory.CreateClient().PostAsJsonAsync("/api/churn/predictions", new { sessions30d = 3, completionRate90d = 0.5 });

        var problem = await Problem(response, HttpStatusCode.ServiceUnavailable);
        Assert.EndsWith("The last training promoted none: No deployable candidate beats chance: the best has CV AUC 0.4950.", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("No churn model is loaded from ", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_database_is_503_for_lookups_while_payload_predictions_still_work()
    {
        using var factory = fixture.Factory(database: Path.Combine(fixture.Root, "no-such.db"));
        var client = factory.CreateClient();

        var lookup = await client.GetAsync("/api/users/user_00001/churn");
        var payload = await client.PostAsJsonAsync("/api/churn/predictions", new { sessions30d = 3, completionRate90d = 0.5 });
        var viewer = await client.PostAsJsonAsync("/api/recommendations", new { watched = new[] { "movie_0001" } });

        var problem = await Problem(lookup, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("no-such.db", problem["detail"]!.GetValue<string>());
        Assert.Equal("dotnet run --project Training", problem["command"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, payload.StatusCode);
        // Without the database a recommended title is named by its id, with the genres the model knows.
        Assert.Equal(HttpStatusCode.OK, viewer.StatusCode);
        var titles = (await viewer.Content.ReadFromJsonAsync<JsonObject>())!["titles"]!.AsArray();
        Assert.Equal(10, titles.Count);
        Assert.All(titles, t => Assert.Equal(t!["titleId"]!.GetValue<string>(), t["name"]!.GetValue<string>()));
        Assert.All(titles, t => Assert.NotEmpty(t!["genres"]!.AsArray()));
    }

    [Theory]
    [InlineData("POST", "/api/churn/predictions", "text/plain", HttpStatusCode.UnsupportedMediaType, "Send the body as JSON with 'Content-Type: application/json' (got 'text/plain; charset=utf-8').")]
    [InlineData("POST", "/api/churn/predictions", null, HttpStatusCode.UnsupportedMediaType, "Send the body as JSON with 'Content-Type: application/json' (got no Content-Type).")]
    [InlineData("GET", "/api/churn/predictions", null, HttpStatusCode.MethodNotAllowed, "/api/churn/predictions does not answer GET; it answers POST.")]
    [InlineData("DELETE", "/api/models", null, HttpStatusCode.MethodNotAllowed, "/api/models does not answer DELETE; it answers GET.")]
    [InlineData("HEAD", "/api/top10/predictions", null, HttpStatusCode.MethodNotAllowed, "/api/top10/predictions does not answer HEAD; it answers POST.")]
    [InlineData("GET", "/api/churn", null, HttpStatusCode.NotFound, "No endpoint at /api/churn; /swagger lists every endpoint.")]
    public async Task The_frameworks_own_refusals_say_what_to_change(string method, string path, string? contentType, HttpStatusCode status, string detail)
    {
        // These came as a bare title ("Unsupported Media Type") with no detail.
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType + "; charset=utf-8");
            }
        }

        var body = await Problem(await _factory.CreateClient().SendAsync(request), status);
        Assert.Equal(detail, body["detail"]!.GetValue<string>());
    }

    /// <summary>Posts <paramref name="body"/> as it is, for bodies a serializer would not write.</summary>
    private Task<HttpResponseMessage> PostRaw(string path, string body) =>
        _factory.CreateClient().PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>The response's problem document, after checking its status and that it is problem+json.</summary>
    private static async Task<JsonObject> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>The validation message of <paramref name="field"/>, after checking it is the only field named.</summary>
    private static async Task<string> OnlyError(HttpResponseMessage response, string field)
    {
        var errors = await ValidationErrors(response);
        Assert.Equal([field], errors.Keys);
        return errors[field];
    }

    private static async Task<Dictionary<string, string>> ValidationErrors(HttpResponseMessage response)
    {
        var body = await Problem(response, HttpStatusCode.BadRequest);
        return body["errors"]!.AsObject().ToDictionary(e => e.Key, e => string.Join(" ", e.Value!.AsArray().Select(m => m!.GetValue<string>())));
    }
}
