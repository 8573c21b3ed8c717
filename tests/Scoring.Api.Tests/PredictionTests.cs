using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NetflixML.Features.Catalog;
using NetflixML.Features.Churn;
using NetflixML.Features.Top10;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Scoring.Api.Tests;

/// <summary>
/// The prediction endpoints answer what the champion model itself answers on the features the training pipeline
/// computes: the request-to-feature mapping is checked against the Features library, not against itself.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class PredictionTests(ScoringFixture fixture) : IDisposable
{
    private readonly ScoringFactory _factory = fixture.Factory();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Top10_batch_matches_the_champion_on_pipeline_features()
    {
        var history = TitleTable.FromDatabase(fixture.Database);
        await AssertTop10BatchMatches(_factory, Path.Combine(ScoringFixture.RepositoryModels, "top10.zip"), history);
    }

    [Fact]
    public async Task Top10_track_records_come_from_the_models_own_history_even_without_the_database()
    {
        // Without the database every director and actor used to be scored as new, silently; a model trained on a
        // --titles file had them looked up in the database's titles instead of its own.
        var history = TitleTable.FromDatabase(fixture.Database);
        using (var noDatabase = fixture.Factory(database: Path.Combine(fixture.Root, "missing.db")))
        {
            await AssertTop10BatchMatches(noDatabase, Path.Combine(ScoringFixture.RepositoryModels, "top10.zip"), history);
        }

        // A champion saved with another history (every director renamed, so the database knows none of them) is
        // scored with that history, not the database's.
        var models = fixture.CopyModels();
        var path = Path.Combine(models, "top10.zip");
        var (model, manifest) = ModelFile.LoadBinaryClassifier(path);
        var renamed = history.Select(t => t with { Director = t.Director is null ? null : "Other " + t.Director }).ToList();
        ModelFile.Save(path, model, new ModelMetadata
        {
            Task = manifest.Task,
            FeatureSet = manifest.FeatureSet,
            Properties = (System.Text.Json.Nodes.JsonObject)manifest.Properties!.DeepClone(),
            Attachments = new Dictionary<string, byte[]> { [TrackRecordHistory.EntryName] = TrackRecordHistory.Write(renamed) },
        });
        using var factory = fixture.Factory(models);
        await AssertTop10BatchMatches(factory, path, renamed);

        // A file from before models carried their history is scored with the database's titles (read on first use).
        ModelFile.Save(path, model, new ModelMetadata
        {
            Task = manifest.Task,
            FeatureSet = manifest.FeatureSet,
            Properties = (System.Text.Json.Nodes.JsonObject)manifest.Properties!.DeepClone(),
        });
        using var older = fixture.Factory(models);
        await AssertTop10BatchMatches(older, path, history);
    }

    /// <summary>40 titles of <paramref name="history"/> through the batch endpoint score as the model file does on the features the pipeline builds with that history.</summary>
    private static async Task AssertTop10BatchMatches(ScoringFactory factory, string modelPath, IReadOnlyList<TitleRecord> history)
    {
        var (model, manifest) = ModelFile.LoadBinaryClassifier(modelPath);
        // The latest titles, whose directors and cast have the longest records behind them.
        var titles = history.Where(t => t.ReleaseDate is not null).TakeLast(40).ToList();
        var expected = model.PredictProbabilities(Top10Features.Build(titles, FeatureCatalog.Set(FeatureCatalog.Top10, manifest.FeatureSet!), withLabels: false, history));

        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/top10/predictions/batch", new { titles = titles.Select(Request).ToList() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await response.Content.ReadFromJsonAsync<JsonObject>())!["predictions"]!.AsArray();
        Assert.Equal(titles.Count, predictions.Count);
        for (var i = 0; i < titles.Count; i++)
        {
            Assert.Equal(titles[i].Title, predictions[i]!["title"]!.GetValue<string>());
            Assert.Equal(expected[i], predictions[i]!["probability"]!.GetValue<double>(), 6);
            var yes = expected[i] >= model.Threshold;
            Assert.Equal(yes, predictions[i]!["willMakeTop10"]!.GetValue<bool>());
            Assert.Equal(yes ? "Yes, it will be in the Netflix Top 10!" : "Sorry, this title will not make the cut.", predictions[i]!["message"]!.GetValue<string>());
        }

        // Both answers occur on real titles, so the threshold is doing something.
        Assert.Contains(predictions, p => p!["willMakeTop10"]!.GetValue<bool>());
        Assert.Contains(predictions, p => !p!["willMakeTop10"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Top10_single_prediction_names_the_model_and_which_inputs_it_used()
    {
        var client = _factory.CreateClient();
        var served = (await client.GetFromJsonAsync<JsonObject>("/api/models"))!["models"]!.AsArray().Single(m => m!["task"]!.GetValue<string>() == "top10")!;
        var featureSet = served["featureSet"]!.GetValue<string>();
        var request = new JsonObject
        {
            ["title"] = "The Silent Harbor",
            ["releaseDate"] = "2025-12-05",
            ["genres"] = new JsonArray("Thriller", "Crime"),
            ["certificate"] = "TV-MA",
            ["runtimeMinutes"] = 112,
            ["isOriginal"] = true,
            ["budgetUsd"] = 45_000_000,
            ["imdbRating"] = 7.4,
            ["metaScore"] = 71,
        };

        var response = await client.PostAsJsonAsync("/api/top10/predictions", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var probability = body["probability"]!.GetValue<double>();
        Assert.InRange(probability, 0, 1);
        Assert.Equal(probability >= body["threshold"]!.GetValue<double>(), body["willMakeTop10"]!.GetValue<bool>());
        Assert.Equal(served["name"]!.GetValue<string>(), body["model"]!["name"]!.GetValue<string>());
        Assert.Equal(served["version"]!.GetValue<string>(), body["model"]!["version"]!.GetValue<string>());
        Assert.Equal(featureSet, body["model"]!["featureSet"]!.GetValue<string>());

        // Post-release figures are never used by a deployable set; pre-release facts always are.
        var used = Strings(body["inputsUsed"]);
        var ignored = Strings(body["inputsIgnored"]);
        Assert.Contains("imdbRating", ignored);
        Assert.Contains("metaScore", ignored);
        Assert.Contains("genres", used);
        Assert.Contains("budgetUsd", used);
        Assert.DoesNotContain("imdbRating", used);
        var usesFirstWeek = FeatureCatalog.Set(FeatureCatalog.Top10, featureSet).Features.Any(f => f.Name == "log_first_week_hours");
        Assert.Equal(usesFirstWeek, Strings(body["inputsMissing"]).Contains("firstWeekHoursViewed"));
        var explanation = body["explanation"]!.AsArray();
        Assert.NotEmpty(explanation);
        Assert.All(explanation, e => Assert.False(string.IsNullOrEmpty(e!["feature"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Churn_for_a_subscriber_matches_the_champion_on_their_features_at_the_snapshot()
    {
        var (model, manifest) = ModelFile.LoadBinaryClassifier(Path.Combine(ScoringFixture.RepositoryModels, "churn.zip"));
        using var db = Features.Storage.SqliteDatabase.Open(fixture.Database, readOnly: true);
        var snapshot = ChurnFeatures.ResolveSnapshot(db);
        var rows = ChurnFeatures.Compute(db, snapshot).Take(25).ToList();
        var expected = model.PredictProbabilities(ChurnFeatures.Build(rows, FeatureCatalog.Set(FeatureCatalog.Churn, manifest.FeatureSet!), withLabels: false));
        var baseRate = manifest.Metrics!["baseline"]!["positiveRate"]!.GetValue<double>();
        var client = _factory.CreateClient();

        for (var i = 0; i < rows.Count; i++)
        {
            var body = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{rows[i].UserId}/churn"))!;
            Assert.Equal(rows[i].UserId, body["userId"]!.GetValue<string>());
            Assert.Equal(expected[i], body["probability"]!.GetValue<double>(), 6);
            Assert.Equal(expected[i] >= model.Threshold, body["willChurn"]!.GetValue<bool>());
            Assert.Equal(snapshot.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), body["snapshot"]!.GetValue<string>());
            var band = expected[i] >= model.Threshold ? "high" : expected[i] >= baseRate ? "medium" : "low";
            Assert.Equal(band, body["riskBand"]!.GetValue<string>());
            Assert.InRange(body["topFactors"]!.AsArray().Count, 1, 5);
        }

        // The same features sent as a payload (snake_case feature names as camelCase fields) give the same answers.
        // Activity after the snapshot is not a field: the payload describes a subscriber at the prediction time.
        var deployable = FeatureCatalog.Set(FeatureCatalog.Churn, manifest.FeatureSet!).Features.Select(f => f.Name).ToHashSet();
        var payload = rows.Select(row =>
        {
            var o = new JsonObject { ["reference"] = "case-" + row.UserId };
            foreach (var (name, value) in row.Numeric.Where(n => !double.IsNaN(n.Value) && deployable.Contains(n.Key)))
            {
                o[Camel(name)] = value;
            }

            foreach (var (name, value) in row.Categorical.Where(c => c.Value is not null))
            {
                o[Camel(name)] = value;
            }

            return o;
        }).ToList();
        var batch = await client.PostAsJsonAsync("/api/churn/predictions/batch", new { subscribers = payload });
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var predictions = (await batch.Content.ReadFromJsonAsync<JsonObject>())!["predictions"]!.AsArray();
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal("case-" + rows[i].UserId, predictions[i]!["reference"]!.GetValue<string>());
            Assert.Equal(expected[i], predictions[i]!["probability"]!.GetValue<double>(), 6);
        }

        var single = await client.PostAsJsonAsync("/api/churn/predictions", payload[0]);
        Assert.Equal(expected[0], (await single.Content.ReadFromJsonAsync<JsonObject>())!["probability"]!.GetValue<double>(), 6);
    }

    [Fact]
    public async Task Churn_for_a_subscriber_uses_the_snapshot_the_model_was_trained_at()
    {
        // A churn model trained a month earlier: its manifest (not hashed; its parameters are) says 2025-10-01.
        var models = fixture.CopyModels();
        var path = Path.Combine(models, "churn.zip");
        using (var zip = new System.IO.Compression.ZipArchive(File.Open(path, FileMode.Open), System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("manifest.json")!;
            JsonNode manifest;
            using (var read = entry.Open())
            {
                manifest = JsonNode.Parse(read)!;
            }

            manifest["properties"]!["snapshot"] = "2025-10-01";
            entry.Delete();
            using var write = zip.CreateEntry("manifest.json").Open();
            write.Write(System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        }

        var (model, _) = ModelFile.LoadBinaryClassifier(path);
        using var db = Features.Storage.SqliteDatabase.Open(fixture.Database, readOnly: true);
        var earlier = new DateTime(2025, 10, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var rows = ChurnFeatures.Compute(db, earlier).Take(5).ToList();
        var atDatabaseSnapshot = ChurnFeatures.Compute(db, ChurnFeatures.ResolveSnapshot(db)).ToDictionary(r => r.UserId);
        var expected = model.PredictProbabilities(ChurnFeatures.Build(rows, FeatureCatalog.Set(FeatureCatalog.Churn, "behaviour"), withLabels: false));
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();

        for (var i = 0; i < rows.Count; i++)
        {
            var body = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{rows[i].UserId}/churn"))!;
            Assert.Equal("2025-10-01", body["snapshot"]!.GetValue<string>());
            Assert.Equal(expected[i], body["probability"]!.GetValue<double>(), 6);
            Assert.NotEqual(rows[i].Numeric["sessions_30d"] + rows[i].Numeric["days_since_last_watch"], atDatabaseSnapshot[rows[i].UserId].Numeric["sessions_30d"] + atDatabaseSnapshot[rows[i].UserId].Numeric["days_since_last_watch"]);
        }
    }

    [Theory]
    [InlineData("/api/top10/predictions", "{\"genres\": [\"drama\", \" Thriller \"], \"certificate\": \"tv-ma\"}", "{\"genres\": [\"Drama\", \"Thriller\"], \"certificate\": \"TV-MA\"}", "{}")]
    [InlineData("/api/churn/predictions", "{\"subscriptionPlan\": \"basic \", \"country\": \"usa\", \"sessions30d\": 0}", "{\"subscriptionPlan\": \"Basic\", \"country\": \"USA\", \"sessions30d\": 0}", "{\"sessions30d\": 0}")]
    public async Task Category_values_match_the_model_whatever_their_case_or_surrounding_spaces(string path, string asTyped, string asTrained, string without)
    {
        // "basic" used to be scored as a plan the model never saw, which quietly gave another answer.
        var typed = await Predict(path, asTyped);
        var trained = await Predict(path, asTrained);
        var missing = await Predict(path, without);

        Assert.Equal(trained["probability"]!.GetValue<double>(), typed["probability"]!.GetValue<double>());
        Assert.NotEqual(missing["probability"]!.GetValue<double>(), trained["probability"]!.GetValue<double>());
        Assert.Empty(typed["inputsUnrecognised"]!.AsArray());
    }

    [Fact]
    public async Task A_title_scores_the_same_whatever_the_spacing_or_repeats_of_its_names_and_genres()
    {
        // " Retta Rippin " used to be a director with no titles behind them, and ["Drama", "drama"] a title with two
        // genres: the genre count is a feature, so both quietly moved the probability.
        var (director, released) = fixture.Rows("select director, max(release_date) from gold_titles where director is not null group by director order by count(*) desc limit 1")
            .Select(r => ((string)r[0], ((string)r[1])[..10])).Single();
        var actor = fixture.Strings("select \"cast\" from gold_titles where director = $d and \"cast\" <> '' limit 1", ("$d", director)).Single().Split(',')[0].Trim();
        string Body(string directorJson, string genres, string cast) =>
            $"{{\"releaseDate\": \"{released}\", \"director\": {directorJson}, \"genres\": {genres}, \"cast\": {cast}}}";

        var typed = await Predict("/api/top10/predictions", Body($"\" {director.ToUpperInvariant()} \"", "[\"drama\", \"Drama\", \" DRAMA\"]", $"[\" {actor} \", \"{actor.ToLowerInvariant()}\"]"));
        var trained = await Predict("/api/top10/predictions", Body($"\"{director}\"", "[\"Drama\"]", $"[\"{actor}\"]"));
        var unknownDirector = await Predict("/api/top10/predictions", Body("\"Nobody Known\"", "[\"Drama\"]", $"[\"{actor}\"]"));
        var twoGenres = await Predict("/api/top10/predictions", Body($"\"{director}\"", "[\"Drama\", \"Comedy\"]", $"[\"{actor}\"]"));

        Assert.Equal(trained["probability"]!.GetValue<double>(), typed["probability"]!.GetValue<double>());
        Assert.Equal(trained["explanation"]!.ToJsonString(), typed["explanation"]!.ToJsonString());
        Assert.Empty(typed["inputsUnrecognised"]!.AsArray());
        // The director's record and the genre count do move the score, so the equality above is not vacuous.
        Assert.NotEqual(trained["probability"]!.GetValue<double>(), unknownDirector["probability"]!.GetValue<double>());
        Assert.NotEqual(trained["probability"]!.GetValue<double>(), twoGenres["probability"]!.GetValue<double>());
    }

    [Fact]
    public async Task Without_a_release_date_a_title_is_judged_on_its_directors_whole_record()
    {
        // With no date no earlier title counted, so the most prolific director scored exactly as an unknown one.
        var director = fixture.Strings("select director from gold_titles where director is not null group by director order by count(*) desc limit 1").Single();

        var known = await Predict("/api/top10/predictions", $"{{\"director\": \"{director}\"}}");
        var unknown = await Predict("/api/top10/predictions", "{\"director\": \"Nobody Known\"}");

        Assert.NotEqual(unknown["probability"]!.GetValue<double>(), known["probability"]!.GetValue<double>());
        double Contribution(JsonObject body) => body["explanation"]!.AsArray().Single(e => e!["feature"]!.GetValue<string>() == "director_prior_titles")!["contribution"]!.GetValue<double>();
        Assert.True(Contribution(known) > Contribution(unknown), $"{Contribution(known)} vs {Contribution(unknown)}");
    }

    [Fact]
    public async Task Churn_payloads_are_transformed_as_training_computed_the_features()
    {
        // Training counts days since the last watch up to a year; 100,000 days used to push the probability to 1.
        var farAway = await Predict("/api/churn/predictions", "{\"daysSinceLastWatch\": 100000}");
        var aYear = await Predict("/api/churn/predictions", "{\"daysSinceLastWatch\": 365}");
        var aMonth = await Predict("/api/churn/predictions", "{\"daysSinceLastWatch\": 30}");
        Assert.Equal(aYear["probability"]!.GetValue<double>(), farAway["probability"]!.GetValue<double>());
        Assert.NotEqual(aMonth["probability"]!.GetValue<double>(), aYear["probability"]!.GetValue<double>());

        // The watch trend is a function of sessions30d and sessions90d; left out, it is computed, not scored as unknown.
        var computed = await Predict("/api/churn/predictions", "{\"sessions30d\": 1, \"sessions90d\": 9, \"completionRate90d\": 0.5}");
        var given = await Predict("/api/churn/predictions", $"{{\"sessions30d\": 1, \"sessions90d\": 9, \"completionRate90d\": 0.5, \"watchTrend\": {Math.Log(2) - Math.Log(5):R}}}");
        Assert.Equal(given["probability"]!.GetValue<double>(), computed["probability"]!.GetValue<double>());
        Assert.Contains(computed["topFactors"]!.AsArray(), f => f!["feature"]!.GetValue<string>() == "watch_trend");
    }

    [Fact]
    public async Task A_category_the_model_never_saw_is_scored_as_unseen_and_reported_with_the_values_it_knows()
    {
        var (top10, _) = ModelFile.LoadBinaryClassifier(Path.Combine(ScoringFixture.RepositoryModels, "top10.zip"));
        var (churn, _) = ModelFile.LoadBinaryClassifier(Path.Combine(ScoringFixture.RepositoryModels, "churn.zip"));

        var title = await Predict("/api/top10/predictions", "{\"genres\": [\"Drama\", \"Telenovela\"], \"certificate\": \"X-99\"}");
        var subscriber = await Predict("/api/churn/predictions", "{\"subscriptionPlan\": \"Gold\", \"country\": \"Narnia\", \"sessions30d\": 0}");

        Assert.Equal(
            [("genres[1]", "Telenovela", top10.Encoder.KnownCategories("genres").Order(StringComparer.Ordinal)), ("certificate", "X-99", top10.Encoder.KnownCategories("certificate").Order(StringComparer.Ordinal))],
            Unrecognised(title).OrderByDescending(u => u.Field, StringComparer.Ordinal));
        Assert.Equal(
            [("subscriptionPlan", "Gold", churn.Encoder.KnownCategories("subscription_plan").Order(StringComparer.Ordinal)), ("country", "Narnia", churn.Encoder.KnownCategories("country").Order(StringComparer.Ordinal))],
            Unrecognised(subscriber).OrderByDescending(u => u.Field, StringComparer.Ordinal));
        Assert.Contains("Premium+", Unrecognised(subscriber).First().Known);
        // Unseen in a small vocabulary sets no indicator: the same answer as leaving the field out.
        Assert.Equal((await Predict("/api/churn/predictions", "{\"sessions30d\": 0}"))["probability"]!.GetValue<double>(), subscriber["probability"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_value_outside_the_training_range_is_reported_with_that_range()
    {
        // 1,000 searches in 30 days scored a churn probability of 0 (searches_30d contributed -353 to the log-odds)
        // without a word that no subscriber in training searched anywhere near that much.
        var churn = ModelFile.ReadManifest(Path.Combine(ScoringFixture.RepositoryModels, "churn.zip")).Features.Single(f => f.Name == "searches_30d");
        var top10 = ModelFile.ReadManifest(Path.Combine(ScoringFixture.RepositoryModels, "top10.zip")).Features.Single(f => f.Name == "runtime_minutes");

        var far = await Predict("/api/churn/predictions", $"{{\"searches30d\": {churn.Max + 1000}, \"searches90d\": {churn.Max + 1000}}}");
        var inside = await Predict("/api/churn/predictions", $"{{\"searches30d\": {churn.Max}, \"searches90d\": {churn.Max}}}");
        var film = await Predict("/api/top10/predictions", $"{{\"runtimeMinutes\": {top10.Max + 100}, \"budgetUsd\": 1}}");

        var flagged = far["inputsOutsideTraining"]!.AsArray().Single(f => f!["feature"]!.GetValue<string>() == "searches_30d")!;
        Assert.Equal(churn.Max + 1000, flagged["value"]!.GetValue<double>());
        Assert.Equal(churn.Min, flagged["trainingMin"]!.GetValue<double>());
        Assert.Equal(churn.Max, flagged["trainingMax"]!.GetValue<double>());
        Assert.DoesNotContain(inside["inputsOutsideTraining"]!.AsArray(), f => f!["feature"]!.GetValue<string>() == "searches_30d");
        Assert.Empty((await Predict("/api/churn/predictions", "{}"))["inputsOutsideTraining"]!.AsArray()); // missing is not out of range
        Assert.Contains(film["inputsOutsideTraining"]!.AsArray(), f => f!["feature"]!.GetValue<string>() == "runtime_minutes" && f["value"]!.GetValue<double>() == top10.Max + 100);
        Assert.Contains(film["inputsOutsideTraining"]!.AsArray(), f => f!["feature"]!.GetValue<string>() == "log_budget"); // a budget of $1
    }

    [Fact]
    public async Task Churn_risk_follows_engagement()
    {
        // No watchTrend: it is computed from the sessions (the values these once gave contradicted them).
        var client = _factory.CreateClient();
        var engaged = new { subscriptionPlan = "Premium", tenureDays = 900, sessions7d = 6, sessions30d = 25, sessions90d = 70, sessionsTotal = 300, daysSinceLastWatch = 1, daysSinceLastActivity = 1, completionRate90d = 0.9, minutes30d = 1500, titles90d = 30, searches30d = 4, searches90d = 12, reviews90d = 2, meanReviewRating = 4.2, recommendationClicks30d = 5, recommendationClickRate90d = 0.3 };
        var lapsed = new { subscriptionPlan = "Basic", tenureDays = 40, sessions7d = 0, sessions30d = 0, sessions90d = 1, sessionsTotal = 2, daysSinceLastWatch = 80, daysSinceLastActivity = 80, completionRate90d = 0.1, minutes30d = 0, titles90d = 1, searches30d = 0, searches90d = 0, reviews90d = 0, recommendationClicks30d = 0, recommendationClickRate90d = 0.0 };

        var a = (await (await client.PostAsJsonAsync("/api/churn/predictions", engaged)).Content.ReadFromJsonAsync<JsonObject>())!;
        var b = (await (await client.PostAsJsonAsync("/api/churn/predictions", lapsed)).Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.True(b["probability"]!.GetValue<double>() > a["probability"]!.GetValue<double>(), $"lapsed {b["probability"]} vs engaged {a["probability"]}");
        Assert.Equal("low", a["riskBand"]!.GetValue<string>());
        Assert.Equal("high", b["riskBand"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recommendations_exclude_everything_the_subscriber_watched_and_honour_the_genre()
    {
        var client = _factory.CreateClient();
        var users = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id HAVING COUNT(DISTINCT movie_id) >= 5 ORDER BY user_id LIMIT 3");
        foreach (var user in users)
        {
            var watched = fixture.Strings("SELECT DISTINCT movie_id FROM gold_watch_events WHERE user_id = $u", ("$u", user)).ToHashSet();
            var body = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations"))!;
            var titles = body["titles"]!.AsArray();

            Assert.Equal(10, titles.Count);
            Assert.Equal("factor-model", body["source"]!.GetValue<string>());
            Assert.All(titles, t => Assert.DoesNotContain(t!["titleId"]!.GetValue<string>(), watched));
            Assert.Equal(10, titles.Select(t => t!["titleId"]!.GetValue<string>()).Distinct().Count());
            var scores = titles.Select(t => t!["score"]!.GetValue<double>()).ToList();
            Assert.Equal(scores.OrderDescending(), scores);
            Assert.All(titles, t => Assert.False(string.IsNullOrEmpty(t!["name"]!.GetValue<string>())));
            Assert.All(titles, t => Assert.Contains("factor model", t!["reason"]!.GetValue<string>()));

            var dramaBody = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations?count=5&genre=drama"))!;
            var padded = await client.GetStringAsync($"/api/users/{user}/recommendations?count=5&genre=%20DRAMA%20");
            Assert.Equal("Drama", dramaBody["genre"]!.GetValue<string>()); // the catalogue's spelling, as filtered
            Assert.Equal(dramaBody.ToJsonString(), JsonNode.Parse(padded)!.ToJsonString());
            var drama = dramaBody["titles"]!.AsArray();
            Assert.Equal(5, drama.Count);
            Assert.All(drama, t => Assert.Contains("Drama", Strings(t!["genres"])));
            Assert.All(drama, t => Assert.DoesNotContain(t!["titleId"]!.GetValue<string>(), watched));
        }
    }

    [Fact]
    public async Task Fewer_titles_than_asked_for_come_with_a_note_that_accounts_for_every_title_of_the_genre()
    {
        // Horror is the smallest genre: 100 Horror titles cannot be found for anyone.
        var horror = fixture.Strings("SELECT movie_id FROM gold_movies WHERE genre_primary = 'Horror' OR genre_secondary = 'Horror'").ToHashSet();
        var user = fixture.Strings("SELECT w.user_id FROM gold_watch_events w JOIN gold_movies m ON m.movie_id = w.movie_id WHERE m.genre_primary = 'Horror' OR m.genre_secondary = 'Horror' GROUP BY w.user_id ORDER BY COUNT(DISTINCT w.movie_id) DESC, w.user_id LIMIT 1")[0];
        var watched = fixture.Strings("SELECT DISTINCT movie_id FROM gold_watch_events WHERE user_id = $u", ("$u", user)).Where(horror.Contains).ToHashSet();
        var client = _factory.CreateClient();

        var body = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations?count=100&genre=horror"))!;
        var viewer = await Post(client, new JsonObject { ["watched"] = new JsonArray([.. watched.Take(2).Select(w => JsonValue.Create(w))]), ["count"] = 100, ["genre"] = "Horror" });
        var full = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations?count=5&genre=Horror"))!;

        Assert.True(watched.Count >= 5, $"{user} watched {watched.Count} Horror titles");
        Assert.Equal(horror.Count - watched.Count, body["titles"]!.AsArray().Count);
        Assert.Equal($"{horror.Count - watched.Count} of the 100 titles asked for: the model knows {horror.Count} Horror titles, and the subscriber has watched {watched.Count} of them.", body["note"]!.GetValue<string>());
        Assert.Equal($"{horror.Count - 2} of the 100 titles asked for: the model knows {horror.Count} Horror titles, and the viewer has watched 2 of them.", viewer["note"]!.GetValue<string>());
        Assert.Equal(5, full["titles"]!.AsArray().Count);
        Assert.Null(full["note"]);

        // Deep in the list the factor scores fall to zero and below: those titles do not "match your viewing".
        var reasons = body["titles"]!.AsArray().Select(t => (Score: t!["score"]!.GetValue<double>(), Reason: t["reason"]!.GetValue<string>())).ToList();
        Assert.Contains(reasons, r => r.Score <= 0);
        Assert.All(reasons, r => Assert.Equal(r.Score > 0 ? "matches your viewing (factor model)" : "a weak match for your viewing, listed to fill the count (factor model)", r.Reason));
    }

    [Fact]
    public async Task A_title_a_subscriber_clicked_but_never_watched_is_still_recommended_and_reasons_say_what_the_model_learned_from()
    {
        // The champion learned from clicked recommendations too, but only what was watched is excluded as seen. (With
        // five watches or more the hybrid leads with its factor part.)
        var clicked = fixture.Strings("""
            SELECT r.user_id || ' ' || r.movie_id FROM gold_recommendations r JOIN gold_movies m ON m.movie_id = r.movie_id
            WHERE r.was_clicked = 1 AND (m.genre_primary = 'Horror' OR m.genre_secondary = 'Horror')
              AND NOT EXISTS (SELECT 1 FROM gold_watch_events w WHERE w.user_id = r.user_id AND w.movie_id = r.movie_id)
              AND (SELECT COUNT(*) FROM gold_watch_events w WHERE w.user_id = r.user_id) >= 5
            ORDER BY r.user_id, r.movie_id LIMIT 3
            """);
        Assert.Equal(3, clicked.Count);
        var client = _factory.CreateClient();
        foreach (var pair in clicked)
        {
            var (user, title) = (pair.Split(' ')[0], pair.Split(' ')[1]);
            var body = (await client.GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations?count=100&genre=Horror"))!;
            Assert.Equal("factor-model", body["source"]!.GetValue<string>());
            Assert.Contains(title, body["titles"]!.AsArray().Select(t => t!["titleId"]!.GetValue<string>()));
        }

        var (champion, manifest) = RecommenderFile.Load(Path.Combine(ScoringFixture.RepositoryModels, "recommend.zip"));
        Assert.Contains(Features.Recommend.RecommendData.ClickedRecommendations, manifest.Properties!["learnedFrom"]!.AsArray().Select(s => s!.GetValue<string>()));
        var popular = fixture.Strings("SELECT movie_id FROM gold_watch_events GROUP BY movie_id ORDER BY COUNT(*) DESC, movie_id LIMIT 1")[0];
        var similar = (await client.GetFromJsonAsync<JsonObject>($"/api/titles/{popular}/similar?count=3"))!;
        Assert.StartsWith("watched or clicked by the same subscribers as ", similar["similar"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(champion.SimilarItems(popular, 3).Items.Select(i => i.ItemId), similar["similar"]!.AsArray().Select(s => s!["titleId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_note_counts_the_titles_a_factor_model_cannot_score()
    {
        var horror = fixture.Strings("SELECT movie_id FROM gold_movies WHERE genre_primary = 'Horror' OR genre_secondary = 'Horror' ORDER BY movie_id");
        var dropped = horror[0];
        var user = fixture.Strings("SELECT w.user_id FROM gold_watch_events w JOIN gold_movies m ON m.movie_id = w.movie_id WHERE (m.genre_primary = 'Horror' OR m.genre_secondary = 'Horror') AND NOT EXISTS (SELECT 1 FROM gold_watch_events d WHERE d.user_id = w.user_id AND d.movie_id = $d) GROUP BY w.user_id ORDER BY COUNT(DISTINCT w.movie_id) DESC, w.user_id LIMIT 1", ("$d", dropped))[0];
        var watched = fixture.Strings("SELECT COUNT(DISTINCT w.movie_id) FROM gold_watch_events w JOIN gold_movies m ON m.movie_id = w.movie_id WHERE w.user_id = $u AND (m.genre_primary = 'Horror' OR m.genre_secondary = 'Horror')", ("$u", user))[0];
        using var factory = fixture.Factory(ImplicitModelWithoutViewersOf(dropped));

        var body = (await factory.CreateClient().GetFromJsonAsync<JsonObject>($"/api/users/{user}/recommendations?count=100&genre=Horror"))!;

        Assert.Equal("factor-model", body["source"]!.GetValue<string>());
        var titles = body["titles"]!.AsArray().Select(t => t!["titleId"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain(dropped, titles);
        Assert.Equal(horror.Count - int.Parse(watched, System.Globalization.CultureInfo.InvariantCulture) - 1, titles.Count);
        Assert.Equal($"{titles.Count} of the 100 titles asked for: the model knows {horror.Count} Horror titles, and the subscriber has watched {watched} of them; it cannot score the other 1, which no one had watched when it was trained.", body["note"]!.GetValue<string>());
    }

    /// <summary>
    /// A copy of the committed models whose recommender is an implicit factor model trained on the committed one's
    /// history without <paramref name="title"/>'s viewers: a title in the catalogue that no one had watched.
    /// </summary>
    private string ImplicitModelWithoutViewersOf(string title)
    {
        var (champion, _) = RecommenderFile.Load(Path.Combine(ScoringFixture.RepositoryModels, "recommend.zip"));
        var history = champion.History;
        var interactions = new List<Learning.Recommendation.Interaction>();
        for (var u = 0; u < history.Users.Count; u++)
        {
            foreach (var item in history.ItemsOf(u))
            {
                if (champion.Catalog.Items[item] != title)
                {
                    interactions.Add(new(history.Users[u], champion.Catalog.Items[item], 1));
                }
            }
        }

        var matrix = Learning.Recommendation.InteractionMatrix.Build(interactions, champion.Catalog, sumDuplicates: true);
        var model = new Learning.Recommendation.ImplicitAlsTrainer(new() { Rank = 4, Iterations = 2 }).Fit(matrix, champion.Catalog);
        var models = fixture.CopyModels();
        RecommenderFile.Save(Path.Combine(models, "recommend.zip"), model, new ModelMetadata { Task = "recommend", CreatedAt = DateTimeOffset.UnixEpoch });
        return models;
    }

    [Fact]
    public async Task A_subscriber_with_no_history_gets_popular_titles_and_is_told_so()
    {
        var newcomer = fixture.Strings("SELECT u.user_id FROM gold_users u WHERE NOT EXISTS (SELECT 1 FROM gold_watch_events w WHERE w.user_id = u.user_id) ORDER BY u.user_id LIMIT 1");
        Assert.Single(newcomer);
        var mostWatched = fixture.Strings("SELECT movie_id FROM gold_watch_events GROUP BY movie_id ORDER BY COUNT(DISTINCT user_id) DESC LIMIT 30").ToHashSet();

        var body = (await _factory.CreateClient().GetFromJsonAsync<JsonObject>($"/api/users/{newcomer[0]}/recommendations"))!;

        Assert.Equal("popularity", body["source"]!.GetValue<string>());
        var titles = body["titles"]!.AsArray();
        Assert.Equal(10, titles.Count);
        Assert.All(titles, t => Assert.Contains("popular", t!["reason"]!.GetValue<string>()));
        Assert.True(titles.Count(t => mostWatched.Contains(t!["titleId"]!.GetValue<string>())) >= 7, "popular titles are among the most watched");
    }

    [Fact]
    public async Task A_viewer_outside_the_database_gets_what_the_champion_gives_for_the_titles_they_watched()
    {
        var (model, _) = RecommenderFile.Load(Path.Combine(ScoringFixture.RepositoryModels, "recommend.zip"));
        var watched = fixture.Strings("SELECT movie_id FROM gold_movies WHERE genre_primary = 'Horror' ORDER BY movie_id LIMIT 3");
        var client = _factory.CreateClient();

        var body = await Post(client, new JsonObject { ["watched"] = new JsonArray([.. watched.Select(w => JsonValue.Create(w))]), ["count"] = 12 });
        var comedy = await Post(client, new JsonObject { ["watched"] = new JsonArray([.. watched.Select(w => JsonValue.Create(w))]), ["count"] = 5, ["genre"] = "comedy" });
        var nothing = await Post(client, new JsonObject());

        var expected = model.Recommend(null, 12, recentItems: watched);
        Assert.Equal("content-and-popularity", body["source"]!.GetValue<string>());
        Assert.Null(body["userId"]);
        var titles = body["titles"]!.AsArray();
        Assert.Equal(expected.Items.Select(i => i.ItemId), titles.Select(t => t!["titleId"]!.GetValue<string>()));
        Assert.Equal(expected.Items.Select(i => Math.Round(i.Score, 6)), titles.Select(t => t!["score"]!.GetValue<double>()));
        Assert.DoesNotContain(titles, t => watched.Contains(t!["titleId"]!.GetValue<string>()));
        Assert.True(titles.Count(t => Strings(t!["genres"]).Contains("Horror")) >= 8, "content similarity to three Horror titles");
        // The champion, the hybrid, folds the viewer in, but three titles leave the lead to content and popularity, as
        // for a known subscriber with three, and it says so.
        Assert.True(model.FoldsInNewViewers && model.Name == "hybrid", model.Name);
        Assert.True(((HybridRecommender)model).FactorWeight(3) < 0.5);
        Assert.All(titles, t => Assert.Equal("similar to what you watched, and popular with subscribers (content similarity and popularity)", t!["reason"]!.GetValue<string>()));
        Assert.All(titles, t => Assert.NotEqual(t!["titleId"]!.GetValue<string>(), t["name"]!.GetValue<string>()));

        // Eight titles: the folded-in viewer's factors lead.
        var eight = fixture.Strings("SELECT movie_id FROM gold_movies WHERE genre_primary = 'Horror' ORDER BY movie_id LIMIT 8");
        var folded = await Post(client, new JsonObject { ["watched"] = new JsonArray([.. eight.Select(w => JsonValue.Create(w))]), ["count"] = 10 });
        var expectedFolded = model.Recommend(null, 10, recentItems: eight);
        Assert.Equal(RecommendationSource.FactorModelFoldIn, expectedFolded.Source);
        Assert.Equal("factor-model-fold-in", folded["source"]!.GetValue<string>());
        Assert.Equal(expectedFolded.Items.Select(i => i.ItemId), folded["titles"]!.AsArray().Select(t => t!["titleId"]!.GetValue<string>()));
        Assert.Equal(expectedFolded.Items.Select(i => Math.Round(i.Score, 6)), folded["titles"]!.AsArray().Select(t => t!["score"]!.GetValue<double>()));
        Assert.All(folded["titles"]!.AsArray(), t => Assert.Equal(
            t!["score"]!.GetValue<double>() > 0 ? "matches what you watched (factor model, fitted to those titles)" : "a weak match for your viewing, listed to fill the count (factor model)",
            t["reason"]!.GetValue<string>()));
        Assert.NotEqual(model.WithNewViewerFoldIn(false).Recommend(null, 10, recentItems: eight).Items.Select(i => i.ItemId), expectedFolded.Items.Select(i => i.ItemId));

        Assert.Equal("Comedy", comedy["genre"]!.GetValue<string>());
        Assert.Equal(5, comedy["titles"]!.AsArray().Count);
        Assert.All(comedy["titles"]!.AsArray(), t => Assert.Contains("Comedy", Strings(t!["genres"])));

        // No titles: the most popular ones, as for a subscriber with no history.
        Assert.Equal("popularity", nothing["source"]!.GetValue<string>());
        Assert.Equal(model.Recommend(null, 10).Items.Select(i => i.ItemId), nothing["titles"]!.AsArray().Select(t => t!["titleId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_subscriber_whose_viewing_all_came_after_training_is_folded_in_by_a_factor_model_or_gets_content_weighed_with_popularity()
    {
        // Implicit MF fitted before the cut-off, served as the champion: a subscriber who first watched after it is
        // new to the model, while the database holds what they watched.
        var (models, model, manifest) = ServingCandidate("recommend-implicit-mf-interactions");
        var newcomer = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id HAVING COUNT(DISTINCT movie_id) >= 3 ORDER BY user_id")
            .First(u => model.History.Users.IndexOf(u) < 0);
        var watched = fixture.Strings("SELECT DISTINCT movie_id FROM gold_watch_events WHERE user_id = $u", ("$u", newcomer));
        // Training chose to fold such viewers in: a vector fitted to what they watched.
        Assert.True(model.FoldsInNewViewers);
        var (folded, foldedIds) = await RecommendedFor(models, newcomer);
        Assert.Equal("factor-model-fold-in", folded["source"]!.GetValue<string>());
        Assert.Equal(model.Recommend(newcomer, 10, recentItems: watched).Items.Select(i => i.ItemId), foldedIds);
        Assert.DoesNotContain(foldedIds, watched.Contains);
        Assert.All(folded["titles"]!.AsArray(), t => Assert.Equal(
            t!["score"]!.GetValue<double>() > 0 ? "matches what you watched (factor model, fitted to those titles)" : "a weak match for your viewing, listed to fill the count (factor model)",
            t["reason"]!.GetValue<string>()));

        // The same model not folding in blends content and popularity by the share training chose, not content alone
        // as the factor models answered before.
        var unfolded = model.WithNewViewerFoldIn(false);
        var (body, ids) = await RecommendedFor(Serving(unfolded, manifest), newcomer);
        Assert.Equal("content-and-popularity", body["source"]!.GetValue<string>());
        Assert.Equal(unfolded.Recommend(newcomer, 10, recentItems: watched).Items.Select(i => i.ItemId), ids);
        Assert.DoesNotContain(ids, watched.Contains);
        Assert.NotEqual(foldedIds, ids);
        Assert.All(body["titles"]!.AsArray(), t => Assert.Equal("similar to what you watched, and popular with subscribers (content similarity and popularity)", t!["reason"]!.GetValue<string>()));
        var chosen = JsonNode.Parse(File.ReadAllText(Path.Combine(models, "leaderboard.json")))!["tasks"]!.AsArray()
            .Single(t => t!["task"]!.GetValue<string>() == "recommend")!["viewerTuning"]!["chosen"]!.GetValue<string>();
        Assert.StartsWith($"content {model.NewViewerContentWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)},", chosen, StringComparison.Ordinal);
        Assert.NotEqual(unfolded.WithNewViewerContentWeight(1).Recommend(newcomer, 10, recentItems: watched).Items.Select(i => i.ItemId), ids);
    }

    [Fact]
    public async Task A_known_subscriber_who_watched_more_since_training_is_updated_with_those_titles_by_a_model_that_updates()
    {
        // The hybrid fitted before the cut-off, served as the champion: a subscriber it knows has watched titles since.
        var (models, model, manifest) = ServingCandidate("recommend-hybrid-interactions");
        Assert.True(model.UpdatesKnownUsers);
        var subscriber = fixture.Strings("SELECT user_id FROM gold_watch_events GROUP BY user_id HAVING COUNT(DISTINCT movie_id) >= 3 ORDER BY user_id")
            .First(u => model.History.Users.IndexOf(u) >= 0
                && fixture.Strings("SELECT DISTINCT movie_id FROM gold_watch_events WHERE user_id = $u", ("$u", u)).Count(m => !model.History.ItemsOf(u).Contains(model.Catalog.Items.IndexOf(m))) >= 2);
        var watched = fixture.Strings("SELECT DISTINCT movie_id FROM gold_watch_events WHERE user_id = $u", ("$u", subscriber));
        var (updated, updatedIds) = await RecommendedFor(models, subscriber);
        Assert.Equal("factor-model-fold-in", updated["source"]!.GetValue<string>());
        Assert.Equal(model.Recommend(subscriber, 10, recentItems: watched).Items.Select(i => i.ItemId), updatedIds);
        Assert.DoesNotContain(updatedIds, watched.Contains);
        Assert.All(updated["titles"]!.AsArray(), t => Assert.Equal(
            t!["score"]!.GetValue<double>() > 0 ? "matches your viewing, with what you watched since the model was trained (factor model, updated with those titles)" : "a weak match for your viewing, listed to fill the count (factor model)",
            t["reason"]!.GetValue<string>()));

        // The same model keeping its trained vectors excludes those titles and ranks by the vector as it was.
        var stale = model.WithKnownUserUpdate(false);
        var (body, ids) = await RecommendedFor(Serving(stale, manifest), subscriber);
        Assert.Equal("factor-model", body["source"]!.GetValue<string>());
        Assert.Equal(stale.Recommend(subscriber, 10, recentItems: watched).Items.Select(i => i.ItemId), ids);
        Assert.DoesNotContain(ids, watched.Contains);
        Assert.NotEqual(updatedIds, ids);
    }

    [Fact]
    public async Task Similar_titles_share_viewers_or_content()
    {
        var client = _factory.CreateClient();
        var title = fixture.Strings("SELECT movie_id FROM gold_watch_events GROUP BY movie_id ORDER BY COUNT(*) DESC LIMIT 1")[0];
        var genres = fixture.Strings("SELECT genre_primary FROM gold_movies WHERE movie_id = $m", ("$m", title));

        var body = (await client.GetFromJsonAsync<JsonObject>($"/api/titles/{title}/similar?count=7"))!;

        Assert.Equal(title, body["titleId"]!.GetValue<string>());
        var similar = body["similar"]!.AsArray();
        Assert.Equal(7, similar.Count);
        Assert.DoesNotContain(similar, s => s!["titleId"]!.GetValue<string>() == title);
        var scores = similar.Select(s => s!["score"]!.GetValue<double>()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);

        // Content similarity is part of the hybrid champion: most neighbours share the title's primary genre.
        Assert.True(similar.Count(s => Strings(s!["genres"]).Contains(genres[0])) >= 4, $"neighbours of a {genres[0]} title");
        Assert.Equal("viewing-and-content", body["source"]!.GetValue<string>());
        var name = body["name"]!.GetValue<string>();
        Assert.All(similar, s => Assert.Equal($"watched or clicked by the same subscribers as {name}, and alike in genres and metadata", s!["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Titles_like_one_no_one_had_watched_are_alike_in_content_and_say_so()
    {
        var titles = fixture.Strings("SELECT movie_id FROM gold_watch_events GROUP BY movie_id ORDER BY COUNT(*) DESC, movie_id LIMIT 2");
        var (unwatched, watched) = (titles[0], titles[1]);
        var name = fixture.Strings("SELECT title FROM gold_movies WHERE movie_id = $m", ("$m", unwatched))[0];
        var models = ImplicitModelWithoutViewersOf(unwatched);
        var (model, _) = RecommenderFile.Load(Path.Combine(models, "recommend.zip"));
        var alike = new Learning.Recommendation.ContentRecommender(model.Catalog, model.History).SimilarItems(unwatched, 5).Items.Select(i => i.ItemId);
        using var factory = fixture.Factory(models);
        var client = factory.CreateClient();

        var content = (await client.GetFromJsonAsync<JsonObject>($"/api/titles/{unwatched}/similar?count=5"))!;
        var viewing = (await client.GetFromJsonAsync<JsonObject>($"/api/titles/{watched}/similar?count=5"))!;

        Assert.Equal("content", content["source"]!.GetValue<string>());
        Assert.All(content["similar"]!.AsArray(), s => Assert.Equal($"alike in genres and metadata to {name}", s!["reason"]!.GetValue<string>()));
        Assert.Equal(alike, content["similar"]!.AsArray().Select(s => s!["titleId"]!.GetValue<string>()));
        Assert.Equal("viewing", viewing["source"]!.GetValue<string>());
        Assert.StartsWith("watched by the same subscribers as ", viewing["similar"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(viewing["similar"]!.AsArray(), s => s!["titleId"]!.GetValue<string>() == unwatched);
    }

    // A copy of the models with a recommend candidate (fitted before the cut-off) served as the champion: the folder,
    // and the candidate as loaded.
    private (string Models, Recommender Model, ModelManifest Manifest) ServingCandidate(string name)
    {
        var models = fixture.CopyModels();
        var candidate = Path.Combine(models, "candidates", name + ".zip");
        File.Copy(candidate, Path.Combine(models, "recommend.zip"), overwrite: true);
        var (model, manifest) = RecommenderFile.Load(candidate);
        return (models, model, manifest);
    }

    // A copy of the models serving this recommender as the champion, saved with the metadata of the file it came from.
    private string Serving(Recommender model, ModelManifest from)
    {
        var models = fixture.CopyModels();
        RecommenderFile.Save(Path.Combine(models, "recommend.zip"), model, new ModelMetadata { Task = from.Task, FeatureSet = from.FeatureSet, CreatedAt = from.CreatedAt });
        return models;
    }

    // A subscriber's top 10 from the API serving the models in a folder: the response, and the titles' ids in order.
    private async Task<(JsonObject Body, List<string> Ids)> RecommendedFor(string models, string userId)
    {
        using var factory = fixture.Factory(models);
        var body = (await factory.CreateClient().GetFromJsonAsync<JsonObject>($"/api/users/{userId}/recommendations?count=10"))!;
        return (body, body["titles"]!.AsArray().Select(t => t!["titleId"]!.GetValue<string>()).ToList());
    }

    private async Task<JsonObject> Predict(string path, string body)
    {
        var response = await _factory.CreateClient().PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<JsonObject> Post(HttpClient client, JsonObject request)
    {
        var response = await client.PostAsJsonAsync("/api/recommendations", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static IEnumerable<(string Field, string Value, IEnumerable<string> Known)> Unrecognised(JsonObject prediction) =>
        prediction["inputsUnrecognised"]!.AsArray().Select(u => (u!["field"]!.GetValue<string>(), u["value"]!.GetValue<string>(), Strings(u["known"]).AsEnumerable()));

    private static JsonObject Request(TitleRecord t)
    {
        double? N(double v) => double.IsNaN(v) ? null : v;
        return new JsonObject
        {
            ["title"] = t.Title,
            ["releaseDate"] = t.ReleaseDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["genres"] = new JsonArray(t.Genres.Select(g => (JsonNode?)g).ToArray()),
            ["certificate"] = t.Certificate,
            ["runtimeMinutes"] = N(t.RuntimeMinutes),
            ["director"] = t.Director,
            ["cast"] = new JsonArray(t.Cast.Select(c => (JsonNode?)c).ToArray()),
            ["isOriginal"] = double.IsNaN(t.IsOriginal) ? null : t.IsOriginal == 1,
            ["budgetUsd"] = N(t.BudgetUsd),
            ["firstWeekHoursViewed"] = N(t.FirstWeekHoursViewed),
        };
    }

    internal static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    private static string Camel(string snake)
    {
        var parts = snake.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
