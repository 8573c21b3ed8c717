using System.Text.Json;
using NetflixML.Features.Catalog;
using NetflixML.Features.Reporting;
using NetflixML.Features.Storage;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Recommendation;
using NetflixML.Training.Cli;
using NetflixML.Training.Pipeline;

namespace NetflixML.Training.Tests;

[Collection(TrainedModelsCollection.Name)]
public sealed class TrainCommandTests(TrainedModels trained)
{
    [Theory]
    [InlineData("churn", "behaviour")]
    [InlineData("top10", "prerelease")]
    public void Each_numeric_feature_in_a_manifest_records_the_range_of_the_rows_the_model_was_fitted_on(string task, string featureSet)
    {
        // The API flags a request value outside it (the model extrapolates there).
        var inputs = TrainingInputs.Resolve(trained.Database, null, null, null);
        var data = task == "churn" ? inputs.Churn(7) : inputs.Top10();
        var all = data.Build(FeatureCatalog.Set(task, featureSet));
        var candidate = ModelFile.ReadManifest(Path.Combine(trained.Models, "candidates", $"{task}-logisticregression-{featureSet}.zip"));
        var numeric = candidate.Features.Where(f => f.Type == "numeric").ToList();
        Assert.NotEmpty(numeric);
        foreach (var feature in numeric)
        {
            // A candidate is fitted on the training part only.
            var values = data.TrainRows.Select(i => all.Numeric(all.Schema.IndexOf(feature.Name))[i]).Where(v => !double.IsNaN(v)).ToList();
            Assert.Equal(values.Count == 0 ? null : values.Min(), feature.Min);
            Assert.Equal(values.Count == 0 ? null : values.Max(), feature.Max);
        }

        Assert.All(candidate.Features.Where(f => f.Type != "numeric"), f => Assert.Null(f.Min));
    }

    [Fact]
    public void Leaderboard_has_every_task_with_cv_test_and_baseline_figures()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(trained.Models, Leaderboard.FileName)));
        var root = doc.RootElement;
        Assert.Equal(7, root.GetProperty("seed").GetInt32());
        Assert.Equal("2026-01-02T03:04:05+00:00", root.GetProperty("createdAt").GetString());
        var tasks = root.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(["top10", "churn", "recommend"], tasks.Select(t => t.GetProperty("task").GetString()));
        foreach (var task in tasks.Take(2))
        {
            Assert.Equal("auc", task.GetProperty("metric").GetString());
            var candidates = task.GetProperty("candidates").EnumerateArray().ToList();
            Assert.Equal(task.GetProperty("task").GetString() == "top10" ? 9 : 6, candidates.Count);
            foreach (var c in candidates)
            {
                foreach (var metric in new[] { "auc", "auprc", "accuracy", "f1", "precision", "recall", "logLoss", "brier" })
                {
                    var cv = c.GetProperty("cv").GetProperty(metric);
                    Assert.InRange(cv.GetProperty("mean").GetDouble(), 0, 10);
                    Assert.True(cv.GetProperty("std").GetDouble() >= 0);
                    Assert.InRange(c.GetProperty("test").GetProperty(metric).GetDouble(), 0, 10);
                }

                Assert.InRange(c.GetProperty("baseline").GetProperty("accuracy").GetDouble(), 0.5, 1);
                Assert.InRange(c.GetProperty("threshold").GetDouble(), 0, 1);
                Assert.Equal(c.GetProperty("featureSet").GetString() != "leaky", c.GetProperty("deployable").GetBoolean());
                Assert.True(File.Exists(Path.Combine(trained.Models, "candidates", c.GetProperty("name").GetString() + ".zip")));
            }

            Assert.InRange(task.GetProperty("bayesAuc").GetDouble(), 0.6, 0.95);
            ChampionRule.Holds(trained.Leaderboard.Task(task.GetProperty("task").GetString()!)!);
        }

        var recommend = tasks[2];
        Assert.Equal("ndcgAtK", recommend.GetProperty("metric").GetString());
        Assert.Equal(["popularity", "content", "explicit-mf", "implicit-mf", "hybrid"], recommend.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("trainer").GetString()));
        foreach (var metric in new[] { "precisionAtK", "recallAtK", "ndcgAtK", "coverage", "genreMatchRate" })
        {
            Assert.InRange(recommend.GetProperty("candidates")[0].GetProperty("test").GetProperty(metric).GetDouble(), 0, 1);
        }
    }

    [Fact]
    public void Explicit_mf_is_judged_on_the_ratings_after_the_cut_off_beside_their_mean_and_the_planted_floor()
    {
        var entry = trained.Leaderboard.Task(FeatureCatalog.Recommend)!;
        var explicitMf = entry.Candidates.Single(c => c.Trainer == "explicit-mf");
        Assert.All(entry.Candidates.Where(c => c != explicitMf), c => Assert.DoesNotContain("ratingRmse", c.Test.Keys));

        // The ratings the figures are over, read from the database: every rating dated on or after the cut-off.
        var cutoff = ModelFile.ReadManifest(Path.Combine(trained.Models, "candidates", explicitMf.Name + ".zip")).Properties!["cutoff"]!.GetValue<string>();
        using var db = SqliteDatabase.Open(trained.Database, readOnly: true, pooling: false);
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT rating FROM {Features.Ingestion.GoldTables.Ratings} WHERE rated_at >= $cutoff";
        command.Parameters.AddWithValue("$cutoff", cutoff);
        var ratings = new List<double>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                ratings.Add(reader.GetDouble(0));
            }
        }

        Assert.Equal(ratings.Count, explicitMf.Test["ratingCount"]);
        var mean = ratings.Average();
        var variance = ratings.Average(r => (r - mean) * (r - mean));
        var rmse = explicitMf.Test["ratingRmse"];
        Assert.Equal(1 - (rmse * rmse / variance), explicitMf.Test["ratingRSquared"], 3);

        // Better than predicting the training ratings' mean, and no better than the planted expected rating itself.
        Assert.True(rmse < explicitMf.Baseline["ratingRmse"], $"RMSE {rmse} vs the mean's {explicitMf.Baseline["ratingRmse"]}");
        Assert.True(explicitMf.Test["ratingMae"] < explicitMf.Baseline["ratingMae"]);
        using var truth = JsonDocument.Parse(File.ReadAllText(Path.Combine(trained.Raw, "truth.json")));
        Assert.Equal(truth.RootElement.GetProperty("ratings").GetProperty("rmseFloor").GetDouble(), entry.RatingRmseFloor);
        Assert.InRange(rmse, entry.RatingRmseFloor!.Value, entry.RatingRmseFloor.Value + 0.3);
    }

    [Fact]
    public void Implicit_settings_are_chosen_on_a_split_inside_the_training_part_and_used_by_its_candidates()
    {
        var split = TrainingInputs.Resolve(trained.Database, null, null, null).Recommend();
        var validation = split.Validation!;
        Assert.True(validation.Cutoff < split.Cutoff);
        // Nothing from the test period: the validation pairs, trained on and judged, all come from the training watches.
        bool InTraining(string user, string item) => split.TrainWatches.ItemsOf(user).Contains(split.Catalog.Items.IndexOf(item));
        Assert.All(validation.Test, h => Assert.All(h.Items.Keys, item => Assert.True(InTraining(h.User, item), $"{h.User} {item}")));
        Assert.All(validation.Train.Users.Ids, user => Assert.All(validation.WatchedBefore(user), item => Assert.True(InTraining(user, split.Catalog.Items[item]))));
        Assert.All(validation.Test, h => Assert.DoesNotContain(validation.WatchedBefore(h.User), item => h.Items.ContainsKey(split.Catalog.Items[item])));

        // The grid on watches and clicks, then its best on watches alone.
        var tuning = trained.Leaderboard.Task(FeatureCatalog.Recommend)!.Tuning!;
        var grid = tuning.Trials.Take(RecommendTaskRunner.ImplicitGrid.Length).ToList();
        Assert.Equal(RecommendTaskRunner.ImplicitGrid.Select(o => RecommendTaskRunner.Describe(o, clicks: true)), grid.Select(t => t.Setting));
        var bestOfGrid = grid.First(t => t.Value == grid.Max(x => x.Value)).Setting;
        Assert.Equal(bestOfGrid.Replace("watches and clicks", "watches only", StringComparison.Ordinal), tuning.Trials[^1].Setting);
        Assert.Equal(RecommendTaskRunner.ImplicitGrid.Length + 1, tuning.Trials.Count);
        // The planted clicks are drawn from each subscriber's taste, so learning from them ranks better.
        Assert.True(grid.Max(t => t.Value) > tuning.Trials[^1].Value + 0.005, string.Join("; ", tuning.Trials));
        Assert.Equal(tuning.Trials.First(t => t.Value == tuning.Trials.Max(x => x.Value)).Setting, tuning.Chosen);
        foreach (var trainer in new[] { "implicit-mf", "hybrid" })
        {
            var name = trained.Leaderboard.Task(FeatureCatalog.Recommend)!.Candidates.Single(c => c.Trainer == trainer).Name;
            var (model, manifest) = RecommenderFile.Load(Path.Combine(trained.Models, "candidates", name + ".zip"));
            var factors = model is HybridRecommender hybrid ? hybrid.Factors : (ImplicitFactorModel)model;
            var options = JsonSerializer.Deserialize<ImplicitAlsOptions>(factors.OptionsJson)!;
            var clicks = manifest.Properties!["learnedFrom"]!.AsArray().Select(s => s!.GetValue<string>()).Contains(Features.Recommend.RecommendData.ClickedRecommendations);
            Assert.Equal(tuning.Chosen, RecommendTaskRunner.Describe(options, clicks));
        }
    }

    [Fact]
    public void The_factor_models_may_learn_from_clicks_before_the_cut_off_and_keep_the_watches_as_what_was_seen()
    {
        var split = TrainingInputs.Resolve(trained.Database, null, null, null).Recommend();
        using var db = SqliteDatabase.Open(trained.Database, readOnly: true, pooling: false);

        // Per subscriber who watched before `until`: their watch events and their clicked recommendations before it.
        Dictionary<string, double> Expected(DateTime until)
        {
            using var command = db.CreateCommand();
            command.CommandText = $"""
                WITH watched AS (SELECT user_id FROM {Features.Ingestion.GoldTables.WatchEvents} WHERE watch_date < $until)
                SELECT user_id, count(*) FROM (
                    SELECT user_id FROM watched
                    UNION ALL
                    SELECT user_id FROM {Features.Ingestion.GoldTables.Recommendations}
                    WHERE was_clicked = 1 AND recommendation_date < $until AND user_id IN (SELECT user_id FROM watched))
                GROUP BY user_id
                """;
            command.Parameters.AddWithValue("$until", until.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
            using var reader = command.ExecuteReader();
            var counts = new Dictionary<string, double>();
            while (reader.Read())
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }

            return counts;
        }

        static Dictionary<string, double> Sums(InteractionMatrix m) =>
            m.Users.Ids.Select((user, u) => (user, Sum: m.UserValues[m.UserStart[u]..m.UserStart[u + 1]].Sum(v => (double)v))).ToDictionary(x => x.user, x => x.Sum);
        static int Total(InteractionMatrix m) => (int)m.Values.Sum(v => (double)v);

        Assert.Equal(split.TrainWatches.Users.Ids, split.TrainWatchesAndClicks.Users.Ids);
        Assert.Equal(Expected(split.Cutoff), Sums(split.TrainWatchesAndClicks));
        Assert.Equal(Total(split.TrainWatches) + split.TrainClicks, Total(split.TrainWatchesAndClicks));
        Assert.True(split.TrainClicks > 100, $"{split.TrainClicks} clicks");
        var validation = split.Validation!;
        Assert.Equal(validation.Train.Users.Ids, validation.TrainWithClicks.Users.Ids);
        Assert.Equal(Expected(validation.Cutoff), Sums(validation.TrainWithClicks));
        Assert.Equal(Total(validation.Train) + validation.Clicks, Total(validation.TrainWithClicks));
        Assert.Equal(split.AllWatches.Users.Ids, split.AllWatchesAndClicks.Users.Ids);
        Assert.Equal(Expected(DateTime.MaxValue), Sums(split.AllWatchesAndClicks));

        // Whatever they learned from, the factor models' history is what was watched, so a clicked title is not hidden as seen.
        foreach (var trainer in new[] { "implicit-mf", "hybrid" })
        {
            var name = trained.Leaderboard.Task(FeatureCatalog.Recommend)!.Candidates.Single(c => c.Trainer == trainer).Name;
            var (model, _) = RecommenderFile.Load(Path.Combine(trained.Models, "candidates", name + ".zip"));
            Assert.Equal(split.TrainWatches.Count, model.History.Count);
            Assert.Equal(split.TrainWatches.Users.Ids, model.History.Users.Ids);
        }
    }

    [Fact]
    public void Train_prints_the_oracle_row_the_tuning_and_the_rating_figures_under_the_recommend_table()
    {
        var output = new StringWriter();
        TrainCommand.Print(new ConsoleIo(output, new StringWriter()), trained.Leaderboard, [FeatureCatalog.Recommend], trained.Models);
        var text = output.ToString();
        // The console wraps long lines, leaving the space before each break: read them as one line, one space per gap.
        var unwrapped = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
        var entry = trained.Leaderboard.Task(FeatureCatalog.Recommend)!;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Contains($"│ planted oracle (the best ranking there is) │ {entry.PlantedOracle!["precisionAtK"].ToString("F4", inv)} │", text, StringComparison.Ordinal);
        Assert.Contains($"Chosen: {entry.Tuning!.Chosen}.", unwrapped, StringComparison.Ordinal);
        var explicitMf = entry.Candidates.Single(c => c.Trainer == "explicit-mf");
        Assert.Contains($"explicit-mf on the {explicitMf.Test["ratingCount"].ToString("N0", inv)} ratings given after the cut-off: RMSE {explicitMf.Test["ratingRmse"].ToString("F4", inv)}", unwrapped, StringComparison.Ordinal);
        var hybrid = entry.Candidates.Single(c => c.Trainer == "hybrid");
        Assert.Contains("served as viewers the model does not know", unwrapped, StringComparison.Ordinal);
        Assert.Contains($"Content's share (popularity has the rest) for viewers the factor models and the hybrid do not know, tried on the same validation split, NDCG@10 as such viewers: {entry.ViewerTuning!.Trials[0].Setting} {entry.ViewerTuning.Trials[0].Value.ToString("F4", inv)};", unwrapped, StringComparison.Ordinal);
        Assert.Contains($"Chosen: {entry.ViewerTuning.Chosen}.", unwrapped, StringComparison.Ordinal);
        var foldIn = entry.FoldInTuning!;
        Assert.Contains($"Folding such a viewer in (a vector fitted to the titles they watched, as training fits a subscriber's) against that blend, on the same split: {foldIn.Trials[0].Setting} {foldIn.Trials[0].Value.ToString("F4", inv)};", unwrapped, StringComparison.Ordinal);
        Assert.Contains($"Chosen: {foldIn.Chosen}.", unwrapped, StringComparison.Ordinal);
        Assert.Contains($"hybrid {hybrid.Test["viewerNdcgAtK"].ToString("F4", inv)}, {hybrid.Test["viewerGenreMatchRate"].ToString("F3", inv)}.", unwrapped, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0.03, 0.05, 0.04, 0.02 }, new[] { 0.5, 0.79, 0.85, 0.95 }, 2)] // the best NDCG misses 80 % of genres
    [InlineData(new[] { 0.03, 0.05, 0.05, 0.02 }, new[] { 0.9, 0.8, 0.85, 0.95 }, 1)]  // 0.8 reaches it; the first of equals
    [InlineData(new[] { 0.03, 0.05, 0.04 }, new[] { 0.5, 0.6, 0.7 }, 1)]              // none reaches it: the best of all
    public void New_viewer_shares_are_chosen_by_ndcg_among_those_matching_the_studys_80_percent_of_genres(double[] ndcg, double[] genres, int chosen) =>
        Assert.Equal(chosen, RecommendTaskRunner.ChooseWithinGenreTarget([.. ndcg.Zip(genres)]));

    [Fact]
    public void Every_recommender_is_also_judged_serving_its_test_subscribers_as_viewers_it_does_not_know()
    {
        var entry = trained.Leaderboard.Task(FeatureCatalog.Recommend)!;
        IReadOnlyDictionary<string, double> Of(string trainer) => entry.Candidates.Single(c => c.Trainer == trainer).Test;
        Assert.All(entry.Candidates, c => Assert.InRange(c.Test["viewerNdcgAtK"], 0, 1));

        // Popularity is the same for everyone, and content starts from the same watches either way.
        Assert.Equal(Of("popularity")["ndcgAtK"], Of("popularity")["viewerNdcgAtK"]);
        Assert.Equal(Of("content")["ndcgAtK"], Of("content")["viewerNdcgAtK"]);
        Assert.Equal(Of("content")["genreMatchRate"], Of("content")["viewerGenreMatchRate"]);

        // Explicit MF serves a viewer it does not know by content and popularity blended, better than either alone (with
        // the popularity of what was rated). Implicit MF and the hybrid fold the viewer in, as validation chose: near
        // what they reach for the same subscribers known, and above explicit MF's blend.
        var figures = $"hybrid {Of("hybrid")["viewerNdcgAtK"]} (known {Of("hybrid")["ndcgAtK"]}), implicit-mf {Of("implicit-mf")["viewerNdcgAtK"]} (known {Of("implicit-mf")["ndcgAtK"]}), "
            + $"explicit-mf {Of("explicit-mf")["viewerNdcgAtK"]}, content {Of("content")["viewerNdcgAtK"]}, popularity {Of("popularity")["viewerNdcgAtK"]}";
        Assert.True(Of("explicit-mf")["viewerNdcgAtK"] > 1.3 * Of("content")["viewerNdcgAtK"], figures);
        Assert.True(Of("explicit-mf")["viewerNdcgAtK"] >= Of("popularity")["viewerNdcgAtK"], figures);
        Assert.Equal("implicit-mf and hybrid fold viewers in", entry.FoldInTuning!.Chosen);
        foreach (var trainer in new[] { "implicit-mf", "hybrid" })
        {
            Assert.True(Of(trainer)["viewerNdcgAtK"] > 0.85 * Of(trainer)["ndcgAtK"], figures);
            Assert.True(Of(trainer)["viewerNdcgAtK"] > 1.1 * Of("explicit-mf")["viewerNdcgAtK"], figures);
        }

        // The fold-in trials are the validation figures of each model folding the viewer in, against the chosen share's,
        // and each model folds in by the rule the share was chosen by.
        double Genres(SettingTrial t) => double.Parse(System.Text.RegularExpressions.Regex.Match(t.Setting, @"genre match ([0-9.]+)\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var foldIn = entry.FoldInTuning.Trials;
        Assert.Equal("content and popularity: " + entry.ViewerTuning!.Chosen, foldIn[0].Setting);
        Assert.Equal(["implicit-mf folding the viewer in", "hybrid folding the viewer in"], foldIn.Skip(1).Select(t => t.Setting.Split(" (genre match")[0]));
        Assert.Equal(entry.ViewerTuning.Trials.Single(t => t.Setting == entry.ViewerTuning.Chosen).Value, foldIn[0].Value);
        Assert.All(foldIn.Skip(1), t => Assert.Equal(1, RecommendTaskRunner.ChooseWithinGenreTarget([(foldIn[0].Value, Genres(foldIn[0])), (t.Value, Genres(t))])));

        // The share for such viewers was chosen on the validation split: the best NDCG@10 among those matching the
        // study's 80 % of genres (or among all, when none does), and every factor model's file carries the choice.
        var tuning = entry.ViewerTuning!;
        Assert.Equal("viewerNdcgAtK", tuning.Metric);
        Assert.Equal(RecommendTaskRunner.NewViewerGrid.Length, tuning.Trials.Count);
        Assert.Equal(tuning.Trials[RecommendTaskRunner.ChooseWithinGenreTarget([.. tuning.Trials.Select(t => (t.Value, Genres(t)))])].Setting, tuning.Chosen);
        var chosen = RecommendTaskRunner.NewViewerGrid[tuning.Trials.ToList().FindIndex(t => t.Setting == tuning.Chosen)];
        var blending = entry.Candidates.Where(c => c.Trainer is "explicit-mf" or "implicit-mf" or "hybrid").Select(c => Path.Combine(trained.Models, "candidates", c.Name + ".zip"));
        foreach (var file in blending.Append(Path.Combine(trained.Models, "recommend.zip")))
        {
            var model = RecommenderFile.Load(file).Model;
            Assert.True(model.BlendsNewViewers, file);
            Assert.Equal(chosen, model.NewViewerContentWeight);
            Assert.Equal(model.Name is "implicit-mf" or "hybrid", model.FoldsInNewViewers);
        }

        // evaluate reports the same figures for a candidate file.
        var path = Path.Combine(trained.Models, "candidates", entry.Candidates.Single(c => c.Trainer == "hybrid").Name + ".zip");
        var (code, output, error) = CliRunner.Run("evaluate", "--model", path, "--db", trained.Database, "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(Of("hybrid")["viewerNdcgAtK"], doc.RootElement.GetProperty("viewers").GetProperty("ndcgAtK").GetDouble(), 5);
        Assert.Equal(Of("popularity")["viewerNdcgAtK"], doc.RootElement.GetProperty("baselineViewers").GetProperty("ndcgAtK").GetDouble(), 5);
    }

    [Fact]
    public void Subscribers_who_kept_watching_are_judged_and_known_ones_are_updated_as_validation_chose()
    {
        var entry = trained.Leaderboard.Task(FeatureCatalog.Recommend)!;
        var update = entry.UpdateTuning!;
        Assert.Equal("recentNdcgAtK", update.Metric);
        Assert.Equal(["implicit-mf as trained", "implicit-mf updated", "hybrid as trained", "hybrid updated"], update.Trials.Select(t => t.Setting));
        var chosen = new Dictionary<string, bool> { ["implicit-mf"] = update.Trials[1].Value > update.Trials[0].Value, ["hybrid"] = update.Trials[3].Value > update.Trials[2].Value };
        var split = TrainingInputs.Resolve(trained.Database, null, null, null).Recommend();
        var (test, seen) = RankingEvaluator.SinceTraining(split.Catalog, split.Test, split.WatchedBefore);
        Assert.NotEmpty(test);
        foreach (var candidate in entry.Candidates)
        {
            // Each candidate's figure is its file's, serving those subscribers with the first half of their titles given.
            var model = RecommenderFile.Load(Path.Combine(trained.Models, "candidates", candidate.Name + ".zip")).Model;
            var updates = chosen.GetValueOrDefault(candidate.Trainer);
            Assert.Equal(updates, model.UpdatesKnownUsers);
            Assert.Equal(candidate.Test["recentNdcgAtK"], RankingEvaluator.Evaluate(model, test, 10, seen).NdcgAtK, 5);
            Assert.Equal(updates, candidate.Test.ContainsKey("recentNdcgAtKAsTrained"));
            if (updates)
            {
                Assert.Equal(candidate.Test["recentNdcgAtKAsTrained"], RankingEvaluator.Evaluate(model.WithKnownUserUpdate(false), test, 10, seen).NdcgAtK, 5);
            }
        }

        var output = new StringWriter();
        TrainCommand.Print(new ConsoleIo(output, new StringWriter()), trained.Leaderboard, [FeatureCatalog.Recommend], trained.Models);
        var unwrapped = System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\s+", " ");
        Assert.Contains($"implicit-mf as trained {update.Trials[0].Value.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}; ", unwrapped, StringComparison.Ordinal);
        Assert.Contains($"Chosen: {update.Chosen}.", unwrapped, StringComparison.Ordinal);
        Assert.Contains("first half given as watched since training", unwrapped, StringComparison.Ordinal);

        // This data chooses neither, so the choice of true is checked where it is applied: each factor candidate is
        // built updating exactly as it is told, and serves a subscriber with titles since training accordingly.
        var small = new ImplicitAlsOptions { Rank = 4, Iterations = 2 };
        var subscriber = test.First(h => split.TrainWatches.ItemsOf(h.User).Length >= 10).User;
        foreach (var (implicitUpdates, hybridUpdates) in new[] { (true, false), (false, true) })
        {
            foreach (var (name, fit, refit) in RecommendTaskRunner.Builders(split, 7, small, clicks: false, 0.4, (true, true), (implicitUpdates, hybridUpdates)).Where(b => b.Name is "implicit-mf" or "hybrid"))
            {
                var expected = name == "implicit-mf" ? implicitUpdates : hybridUpdates;
                var model = fit().Model;
                Assert.Equal(expected, model.UpdatesKnownUsers);
                Assert.Equal(expected, refit().UpdatesKnownUsers);
                var served = model.Recommend(subscriber, 10, recentItems: [.. seen(subscriber).Select(i => split.Catalog.Items[i])]);
                Assert.Equal(expected ? RecommendationSource.FactorModelFoldIn : RecommendationSource.FactorModel, served.Source);
            }
        }

        // evaluate reports the same figure for a candidate file, with popularity's beside it.
        var hybrid = entry.Candidates.Single(c => c.Trainer == "hybrid");
        var (code, json, error) = CliRunner.Run("evaluate", "--model", Path.Combine(trained.Models, "candidates", hybrid.Name + ".zip"), "--db", trained.Database, "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(hybrid.Test["recentNdcgAtK"], doc.RootElement.GetProperty("recent").GetProperty("ndcgAtK").GetDouble(), 5);
        Assert.Equal(entry.Candidates.Single(c => c.Trainer == "popularity").Test["recentNdcgAtK"], doc.RootElement.GetProperty("baselineRecent").GetProperty("ndcgAtK").GetDouble(), 5);
    }

    [Fact]
    public void The_planted_oracle_ranks_above_every_candidate_and_the_champion_recovers_a_share_of_it()
    {
        // The recommendation task's counterpart of the Bayes AUC: ranking by the watch-choice logit the data was drawn from.
        var entry = trained.Leaderboard.Task(FeatureCatalog.Recommend)!;
        var best = entry.PlantedOracle!;
        Assert.All(entry.Candidates, c =>
        {
            Assert.True(best["ndcgAtK"] > c.Test["ndcgAtK"] + 0.05, $"{c.Name}: NDCG@10 {c.Test["ndcgAtK"]} vs the oracle's {best["ndcgAtK"]}");
            Assert.True(best["precisionAtK"] > c.Test["precisionAtK"], $"{c.Name}: P@10 {c.Test["precisionAtK"]} vs the oracle's {best["precisionAtK"]}");
        });
        var champion = entry.Candidates.Single(c => c.Name == entry.Champion);
        Assert.True(champion.Test["ndcgAtK"] >= 0.3 * best["ndcgAtK"], $"champion NDCG@10 {champion.Test["ndcgAtK"]} is under 30 % of the oracle's {best["ndcgAtK"]}");
    }

    [Fact]
    public void The_planted_oracle_ranks_unseen_titles_by_the_truths_logit_and_only_where_the_truth_covers_the_data()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("raw"));
        // Logits for u1: t1 1, t2 2, t3 2 (watched), t4 0.5; for u2 (no history at all): t4 9, t2 2, t1 0, t3 -1.
        File.WriteAllText(dir.File("raw/truth.json"), """
            {"ratings":{"rmseFloor":0.7},"churn":{"rows":[]},"top10":{"rows":[]},"watchChoice":{
              "users":[{"user_id":"u1","vector":[1,0]},{"user_id":"u2","vector":[0,1]}],
              "titles":[{"title_id":"t1","vector":[1,0],"bias":0},{"title_id":"t2","vector":[0,0],"bias":2},
                        {"title_id":"t3","vector":[3,0],"bias":-1},{"title_id":"t4","vector":[0.5,9],"bias":0}]}}
            """);
        var choice = TruthFile.TryRead(dir.File("raw"))!.WatchChoice!;
        var catalog = new ItemCatalog(new IdMap(["t1", "t2", "t3", "t4"]), [["Drama"], ["Drama"], ["Comedy"], ["Comedy"]]);
        var watched = InteractionMatrix.Build([new Interaction("u1", "t3", 1)], catalog, sumDuplicates: true);
        Features.Recommend.RecommendSplit Split(params string[] users) =>
            new(catalog, new DateTime(2025, 1, 1), watched, watched, [.. users.Select(u => new HeldOut(u, new Dictionary<string, int> { ["t1"] = 1 }))], [], watched, watched);

        var oracle = choice.Oracle(Split("u1", "u2"))!;
        Assert.Equal(["t2", "t1", "t4"], oracle.Recommend("u1", 3).Items.Select(i => i.ItemId)); // t3 watched
        Assert.Equal(["t4", "t2", "t1", "t3"], oracle.Recommend("u2", 4).Items.Select(i => i.ItemId));
        Assert.Null(choice.Oracle(Split("u1", "u3"))); // a test subscriber the truth does not describe
        var wider = new ItemCatalog(new IdMap(["t1", "t2", "t3", "t4", "t5"]), [["Drama"], ["Drama"], ["Comedy"], ["Comedy"], ["Drama"]]);
        var none = InteractionMatrix.Build([], wider, sumDuplicates: true);
        Assert.Null(choice.Oracle(new Features.Recommend.RecommendSplit(wider, new DateTime(2025, 1, 1), none, none, [new HeldOut("u1", new Dictionary<string, int> { ["t5"] = 1 })], [], none, none)));

        // A truth file from before the generator wrote the choice model has none.
        File.WriteAllText(dir.File("raw/truth.json"), """{"ratings":{"rmseFloor":0.7},"churn":{"rows":[]},"top10":{"rows":[]}}""");
        Assert.Null(TruthFile.TryRead(dir.File("raw"))!.WatchChoice);
    }

    [Fact]
    public void Binary_champions_carry_their_test_roc_curve_and_feature_importance()
    {
        foreach (var task in new[] { FeatureCatalog.Top10, FeatureCatalog.Churn })
        {
            var manifest = ModelFile.ReadManifest(Path.Combine(trained.Models, task + ".zip"));
            var metrics = manifest.Metrics!;
            var points = metrics["roc"]!["points"]!.AsArray().Select(p => (Fpr: p![0]!.GetValue<double>(), Tpr: p[1]!.GetValue<double>())).ToList();

            Assert.InRange(points.Count, 10, BinaryTaskRunner.RocPoints);
            Assert.Equal((0.0, 0.0), points[0]);
            Assert.Equal((1.0, 1.0), points[^1]);
            var area = points.Zip(points.Skip(1), (a, b) => (b.Fpr - a.Fpr) * (a.Tpr + b.Tpr) / 2).Sum();
            Assert.Equal(metrics["test"]!["auc"]!.GetValue<double>(), area, 2);

            // The operating point is the threshold's: its true-positive rate is the test recall.
            var operating = metrics["roc"]!["operatingPoint"]!;
            Assert.Equal(metrics["threshold"]!.GetValue<double>(), operating["threshold"]!.GetValue<double>());
            Assert.Equal(metrics["test"]!["recall"]!.GetValue<double>(), operating["truePositiveRate"]!.GetValue<double>(), 4);

            var importance = metrics["importance"]!.AsArray();
            Assert.Equal(manifest.Features.Select(f => f.Name).Order(), importance.Select(i => i!["feature"]!.GetValue<string>()).Order());
            var drops = importance.Select(i => i!["aucDrop"]!.GetValue<double>()).ToList();
            Assert.Equal(drops.OrderDescending(), drops);
            Assert.True(drops[0] > 0.01, $"{task}: the most important feature moves AUC by {drops[0]}");
        }
    }

    [Fact]
    public void Churn_models_record_the_snapshot_their_features_were_computed_at()
    {
        using var db = Features.Storage.SqliteDatabase.Open(trained.Database, readOnly: true);
        var snapshot = Features.Churn.ChurnFeatures.ResolveSnapshot(db).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var churn = ModelFile.ReadManifest(Path.Combine(trained.Models, "churn.zip"));
        var top10 = ModelFile.ReadManifest(Path.Combine(trained.Models, "top10.zip"));

        Assert.Equal(snapshot, churn.Properties!["snapshot"]!.GetValue<string>());
        Assert.False(top10.Properties!.ContainsKey("snapshot"));
    }

    [Fact]
    public void The_champion_is_never_leaky_even_when_the_leaks_score_best()
    {
        foreach (var task in trained.Leaderboard.Tasks.Where(t => t.Task != FeatureCatalog.Recommend))
        {
            var best = task.Candidates.MaxBy(c => c.Cv!["auc"].Mean)!;
            Assert.Equal("leaky", best.FeatureSet); // the leaks do look best ...
            var champion = task.Candidates.Single(c => c.Name == task.Champion);
            Assert.True(champion.Deployable);      // ... and are still not chosen
            Assert.Equal(task.Candidates.Where(c => c.Deployable).Max(c => c.Cv!["auc"].Mean), champion.Cv!["auc"].Mean);
        }
    }

    [Fact]
    public void Champion_files_carry_their_feature_contract_threshold_and_metrics()
    {
        foreach (var task in trained.Leaderboard.Tasks.Where(t => t.Task != FeatureCatalog.Recommend))
        {
            var entry = task.Candidates.Single(c => c.Name == task.Champion);
            var (model, manifest) = ModelFile.LoadBinaryClassifier(Path.Combine(trained.Models, task.Task + ".zip"));
            Assert.Equal(task.Task, manifest.Task);
            Assert.Equal(entry.FeatureSet, manifest.FeatureSet);
            Assert.Equal(FeatureCatalog.Set(task.Task, entry.FeatureSet).Features.Select(f => (f.Name, f.Availability.ToString())), manifest.Features.Select(f => (f.Name, f.Availability)));
            Assert.DoesNotContain(manifest.Features, f => f.Availability == "PostOutcome");
            Assert.Equal(entry.Threshold, model.Threshold);
            Assert.Equal(entry.Test["auc"], manifest.Metrics!["test"]!["auc"]!.GetValue<double>());
            Assert.Equal(TrainedModels.CreatedAt, manifest.CreatedAt);
            Assert.StartsWith("sha256:", manifest.TrainingDataFingerprint, StringComparison.Ordinal);
        }

        var (recommender, recommendManifest) = RecommenderFile.Load(Path.Combine(trained.Models, "recommend.zip"));
        Assert.Equal(trained.Leaderboard.Task("recommend")!.Champion, recommendManifest.Properties!["name"]!.GetValue<string>());
        Assert.Equal(10, recommender.Recommend("nobody", 10).Items.Count);
    }

    [Fact]
    public void The_same_seed_reproduces_the_leaderboard_and_the_models()
    {
        using var again = new TempDirectory();
        var io = new ConsoleIo(new StringWriter(), new StringWriter());
        var inputs = TrainingInputs.Resolve(trained.Database, null, null, null);
        TrainCommand.Run(io, [FeatureCatalog.Top10, FeatureCatalog.Churn], inputs, new RunSettings(again.Path, 7, TrainedModels.CreatedAt));
        var first = Leaderboard.FromJson(File.ReadAllText(Path.Combine(trained.Models, Leaderboard.FileName)));
        var second = Leaderboard.FromJson(File.ReadAllText(Path.Combine(again.Path, Leaderboard.FileName)));
        Assert.Equal(first.Tasks.Take(2).Select(t => JsonSerializer.Serialize(t, Leaderboard.JsonOptions)), second.Tasks.Select(t => JsonSerializer.Serialize(t, Leaderboard.JsonOptions)));
        foreach (var file in new[] { "top10.zip", "churn.zip" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(trained.Models, file)), File.ReadAllBytes(Path.Combine(again.Path, file)));
        }
    }

    [Fact]
    public void The_audit_flags_every_planted_leak_even_on_small_data()
    {
        // A tenth of the default data: every planted leak is caught. (Exactly the planted leaks and nothing else is
        // checked on the default data, in DefaultDataTests; with a hundred churners a strong honest count can look
        // structural by chance, and the report says why it flagged it.)
        var top10 = trained.Leakage.Tasks.Single(t => t.Task == "top10");
        Assert.Subset(top10.Flagged.Select(f => f.Feature).ToHashSet(), new HashSet<string> { "cumulative_weeks_in_top_10", "weekly_hours_viewed" });
        var churn = trained.Leakage.Tasks.Single(t => t.Task == "churn");
        Assert.Subset(churn.Flagged.Select(f => f.Feature).ToHashSet(), new HashSet<string> { "last_activity_days_after_snapshot", "searches_after_snapshot", "sessions_after_snapshot" });
        foreach (var task in trained.Leakage.Tasks)
        {
            Assert.True(task.WithLeaks.Auc > task.Honest.Auc + 0.1, $"{task.Task}: leaks {task.WithLeaks.Auc} vs honest {task.Honest.Auc}");
            Assert.All(task.Flagged, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));
        }

        Assert.True(File.Exists(Path.Combine(trained.Models, LeakageReport.FileName)));
    }

    [Fact]
    public void Training_one_task_keeps_the_other_tasks_in_the_leaderboard()
    {
        using var copy = new TempDirectory();
        File.Copy(Path.Combine(trained.Models, Leaderboard.FileName), Path.Combine(copy.Path, Leaderboard.FileName));
        var (code, output, _) = CliRunner.Run("train", "--task", "churn", "--db", trained.Database, "--models", copy.Path, "--seed", "7", "--json");
        Assert.Equal(0, code);
        var leaderboard = Leaderboard.FromJson(output);
        Assert.Equal(["top10", "churn", "recommend"], leaderboard.Tasks.Select(t => t.Task));
        Assert.Equal(output.Trim(), File.ReadAllText(Path.Combine(copy.Path, Leaderboard.FileName)).Trim());
    }

    [Fact]
    public void Data_whose_outcome_the_features_do_not_carry_promotes_no_champion_and_keeps_the_served_one()
    {
        // The public Netflix 2025 files: their is_active flag is unrelated to the other columns (CV AUC about 0.5).
        var real = Repository.SharedData("netflix-2025-user-behavior");
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("models"));
        var served = dir.File("models/churn.zip");
        File.Copy(Path.Combine(trained.Models, "churn.zip"), served);
        var before = File.ReadAllBytes(served);

        var (code, output, error) = CliRunner.Run("train", "--task", "churn", "--raw", real, "--db", dir.File("data/netflix.db"), "--models", dir.File("models"), "--json");

        Assert.True(code == 0, error);
        var churn = Leaderboard.FromJson(output).Task("churn")!;
        Assert.Null(churn.Champion);
        ChampionRule.Holds(churn);
        var best = churn.Candidates.Where(c => c.Deployable).MaxBy(c => c.Cv!["auc"].Mean)!;
        Assert.True(best.Cv!["auc"].Mean < 0.55, $"the real file's best CV AUC is {best.Cv!["auc"].Mean}");
        Assert.Contains($"No deployable candidate beats chance: the best, {best.Name}, has CV AUC", churn.NoChampion, StringComparison.Ordinal);
        Assert.Contains("churn.zip was not replaced; the model already there still serves.", churn.NoChampion, StringComparison.Ordinal);
        Assert.Contains("churn: no champion. No deployable candidate beats chance", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(served));
        Assert.Equal(6, Directory.GetFiles(dir.File("models/candidates"), "churn-*.zip").Length); // still kept for audit

        File.Delete(served);
        var table = CliRunner.Run("train", "--task", "churn", "--raw", real, "--db", dir.File("data/netflix.db"), "--models", dir.File("models"));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("churn: no champion", table.Output, StringComparison.Ordinal);
        Assert.All(churn.Candidates, c => Assert.Contains($"│ {c.Name} ", table.Output, StringComparison.Ordinal)); // names whole, never folded
        Assert.All(churn.Candidates, c => Assert.Contains($"{c.Cv!["auc"].Mean:F4} ± {c.Cv!["auc"].Std:F3}", table.Output, StringComparison.Ordinal));
        var text = System.Text.RegularExpressions.Regex.Replace(table.Output, @"\s+", " "); // the reason folds at the table's width
        Assert.Contains("promotion needs more than", text, StringComparison.Ordinal);
        Assert.Contains("churn.zip was not written, so the API answers 503 for churn.", text, StringComparison.Ordinal);
        // The footer names where this run wrote (it said models/ whatever --models was).
        Assert.Contains($"this table in {dir.File("models/leaderboard.json")}.", text, StringComparison.Ordinal);
        Assert.False(File.Exists(served));
    }

    [Theory]
    [InlineData(0.5200, 0.010, true)] // 0.02 above chance, standard error 0.0045
    [InlineData(0.5080, 0.010, false)] // within two standard errors (needs more than 0.5089)
    [InlineData(0.5000, 0.000, false)] // a constant: exactly chance
    [InlineData(0.4950, 0.016, false)]
    [InlineData(double.NaN, double.NaN, false)]
    public void A_champion_must_beat_chance_by_two_standard_errors_of_its_cv_auc(double mean, double std, bool promoted) =>
        Assert.Equal(promoted, BinaryTaskRunner.BeatsChance(new MetricStat(mean, std), 5));

    [Fact]
    public void A_leaderboard_that_cannot_be_read_is_said_to_be_so_by_leakage_and_by_train()
    {
        // leakage crashed with a JsonException and its stack trace (exit 134); train replaced the file without a word,
        // dropping the other tasks' entries.
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("models"));
        File.WriteAllText(dir.File("models/leaderboard.json"), "{\"tasks\":[{\"task\":\"top10\"");
        string[] common = ["--db", trained.Database, "--models", dir.File("models")];

        var audit = CliRunner.Run(["leakage", "--task", "churn", .. common]);
        var run = CliRunner.Run(["train", "--task", "top10", .. common]);

        Assert.True(audit.ExitCode == 0, audit.Error);
        Assert.Contains($"{dir.File("models/leaderboard.json")} cannot be read (Expected depth to be zero", audit.Error, StringComparison.Ordinal);
        Assert.Contains("); each task is audited against its first deployable feature set rather than its champion's", audit.Error, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("); it is written again with this run's entries alone (top10)", run.Error, StringComparison.Ordinal);
        Assert.Equal(["top10"], Leaderboard.FromJson(File.ReadAllText(dir.File("models/leaderboard.json"))).Tasks.Select(t => t.Task));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("leakage")]
    public void A_database_from_another_version_of_ingest_exits_2_naming_the_missing_column(string command)
    {
        // Both used to crash at their first query with "SQLite Error 1: 'no such column: country'" (exit 134).
        using var dir = new TempDirectory();
        File.Copy(trained.Database, dir.File("older.db"));
        using (var db = SqliteDatabase.Open(dir.File("older.db"), pooling: false))
        {
            db.Execute("ALTER TABLE gold_users DROP COLUMN country");
        }

        var (code, output, error) = CliRunner.Run(command, "--task", "churn", "--db", dir.File("older.db"), "--models", dir.File("m"));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith($"error: Database '{dir.File("older.db")}' cannot be read: it lacks gold_users.country, so another version of ingest built it", error.Trim().Split('\n')[^1], StringComparison.Ordinal);
    }
}

public sealed class TrainInputTests
{
    [Fact]
    public void Train_on_titles_in_the_studys_layout()
    {
        using var dir = new TempDirectory();
        var rng = new Random(3);
        var lines = new List<string> { "movie_name,rating,votes,meta_score,genre0,pr_rating,year,duration,cast0,director,netflix_top_10,weekly_hours_viewed,weekly_views,extra" };
        for (var i = 0; i < 120; i++)
        {
            var good = rng.NextDouble() < 0.3;
            var budgetLike = rng.NextDouble();
            var hit = rng.NextDouble() < (good ? 0.7 : 0.15);
            lines.Add(string.Join(",", $"Film {i}", (5 + rng.NextDouble() * 4).ToString("F1", System.Globalization.CultureInfo.InvariantCulture), "\"1,200\"", "60",
                good ? "\"Action, Thriller\"" : "Drama", "PG-13", (2018 + i % 5).ToString(System.Globalization.CultureInfo.InvariantCulture),
                (1.2 + budgetLike).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), $"\"Actor {i % 7}, Actor {i % 11}\"", $"Director {i % 13}",
                hit ? "1" : "0", hit ? "\"5,000,000\"" : "0", string.Empty, "x"));
        }

        File.WriteAllLines(dir.File("study.csv"), lines);
        var (code, output, error) = CliRunner.Run("train", "--task", "top10", "--titles", dir.File("study.csv"), "--db", dir.File("none.db"), "--models", dir.File("models"), "--json");
        Assert.True(code == 0, error);
        var top10 = Leaderboard.FromJson(output).Task("top10")!;
        Assert.Contains("temporal", top10.Split, StringComparison.Ordinal);
        Assert.Null(top10.BayesAuc); // no planted truth for a user's file
        Assert.True(File.Exists(dir.File("models/top10.zip")));

        // The audit on the same file: it died dividing by zero on release_month, which titles known only by year leave
        // empty, and now says which columns the file leaves empty instead of showing a measured-looking 0.5.
        var audit = CliRunner.Run("leakage", "--task", "top10", "--titles", dir.File("study.csv"), "--db", dir.File("none.db"), "--models", dir.File("models"), "--json");
        Assert.True(audit.ExitCode == 0, audit.Error);
        using var report = JsonDocument.Parse(audit.Output);
        var features = report.RootElement.GetProperty("tasks")[0].GetProperty("features").EnumerateArray()
            .ToDictionary(f => f.GetProperty("feature").GetString()!, f => f.TryGetProperty("note", out var note) ? note.GetString() : null);
        Assert.Equal(
            ["cumulative_weeks_in_top_10", "is_original", "log_budget", "log_first_week_hours", "release_month", "weekly_views"],
            features.Where(f => f.Value == LeakageRunner.NoValues).Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Null(features["imdb_rating"]);
        Assert.Contains("weekly_hours_viewed", report.RootElement.GetProperty("tasks")[0].GetProperty("flagged").EnumerateArray().Select(f => f.GetProperty("feature").GetString()));
    }

    [Fact]
    public void A_bad_titles_file_exits_2_and_says_what_layouts_are_expected()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("odd.csv"), "name,score\nA,1\n");
        var (code, _, error) = CliRunner.Run("train", "--task", "top10", "--titles", dir.File("odd.csv"), "--models", dir.File("m"));
        Assert.Equal(2, code);
        Assert.Contains("odd.csv: unknown column layout", error, StringComparison.Ordinal);
        Assert.Contains("movie_name, rating, votes", error, StringComparison.Ordinal);
        File.WriteAllText(dir.File("semi.csv"), "movie_name;rating;votes;meta_score\nA;7.1;100;60\n");
        var semicolons = CliRunner.Run("train", "--task", "top10", "--titles", dir.File("semi.csv"), "--models", dir.File("m"));
        Assert.Equal(2, semicolons.ExitCode);
        Assert.Contains("semi.csv: the header is one field separated by ';', not by commas", semicolons.Error, StringComparison.Ordinal);
        var missingDb = CliRunner.Run("train", "--task", "churn", "--db", dir.File("nope.db"), "--models", dir.File("m"));
        Assert.Equal(2, missingDb.ExitCode);
        Assert.Contains("does not exist", missingDb.Error, StringComparison.Ordinal);
        var badTask = CliRunner.Run("train", "--task", "ratings");
        Assert.Equal(2, badTask.ExitCode);
        Assert.Contains("--task must be top10, churn, recommend or all, not 'ratings'", badTask.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train", "top10", "not a database", "it is not a SQLite database")]
    [InlineData("train", "churn", "", "it has no 'meta' table, so ingest did not build it")]
    [InlineData("leakage", "churn", "not a database", "it is not a SQLite database")]
    public void A_database_ingest_did_not_build_exits_2_and_names_it(string command, string task, string content, string says)
    {
        // Each used to crash at its first query with SQLite's message and a stack trace (exit 134).
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("other.db"), content);
        var (code, output, error) = CliRunner.Run(command, "--task", task, "--db", dir.File("other.db"), "--models", dir.File("m"));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"error: Database '{dir.File("other.db")}' cannot be read: {says}. Build it with `dotnet run --project Training -- ingest --raw DIR --db {dir.File("other.db")}`.", error.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void Train_on_a_users_own_raw_folder_ingests_it_into_a_separate_database()
    {
        using var dir = new TempDirectory();
        Features.Synthetic.SyntheticGenerator.Generate(dir.File("mine"), new Features.Synthetic.GeneratorOptions(11, 0.05));
        File.Copy(dir.File("mine/reviews.csv"), dir.File("mine/review.csv")); // a file no table reads is named
        var (code, output, error) = CliRunner.Run("train", "--task", "churn", "--raw", dir.File("mine"), "--db", dir.File("data/netflix.db"), "--models", dir.File("models"), "--json");
        Assert.True(code == 0, error);
        Assert.False(File.Exists(dir.File("data/netflix.db")));
        Assert.Single(Directory.GetDirectories(dir.File("data"), "user-*"));
        Assert.Contains("ingesting", error, StringComparison.Ordinal);
        Assert.Contains("not read: review.csv: not a file of the schema; did you mean reviews.csv?", error, StringComparison.Ordinal);
        Assert.NotNull(Leaderboard.FromJson(output).Task("churn")!.BayesAuc); // truth.json beside the user's CSVs
    }

    [Fact]
    public void The_planted_rating_floor_is_given_only_for_the_subscribers_the_truth_describes()
    {
        // A database whose raters the generator did not write (another data set beside a generated raw folder) must
        // not be compared with the generator's floor.
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("raw"));
        File.WriteAllText(dir.File("raw/truth.json"), """
            {"ratings":{"rmseFloor":0.7123},"churn":{"rows":[{"user_id":"u1","p":0.2},{"user_id":"u2","p":0.4}]},"top10":{"rows":[]}}
            """);
        var truth = TruthFile.TryRead(dir.File("raw"))!;
        var catalog = new ItemCatalog(new IdMap(["t1"]), [["Drama"]]);
        var none = InteractionMatrix.Build([], catalog, sumDuplicates: false);
        Features.Recommend.RecommendSplit RatedBy(params string[] users) =>
            new(catalog, new DateTime(2025, 1, 1), none, none, [], [.. users.Select(u => new Interaction(u, "t1", 4))], none, none);
        Assert.Equal(0.7123, truth.RatingRmseFloorFor(RatedBy("u2", "u1", "u2")));
        Assert.Null(truth.RatingRmseFloorFor(RatedBy("u1", "u3")));
        Assert.Null(truth.RatingRmseFloorFor(RatedBy())); // no ratings after the cut-off, nothing to set the floor beside
    }

    [Fact]
    public void A_truth_json_that_is_not_the_generators_is_said_and_left_out()
    {
        // Another tool's truth.json beside a user's CSVs stopped train with a KeyNotFoundException (exit 134).
        using var dir = new TempDirectory();
        Features.Synthetic.SyntheticGenerator.Generate(dir.File("mine"), new Features.Synthetic.GeneratorOptions(11, 0.05));
        File.WriteAllText(dir.File("mine/truth.json"), "{\"hello\":1}");

        var (code, output, error) = CliRunner.Run("train", "--task", "churn", "--raw", dir.File("mine"), "--db", dir.File("data/netflix.db"), "--models", dir.File("models"), "--json");

        Assert.True(code == 0, error);
        Assert.Contains($"{dir.File("mine/truth.json")} is not the truth file the generator writes (", error, StringComparison.Ordinal);
        Assert.Null(Leaderboard.FromJson(output).Task("churn")!.BayesAuc);
    }

    [Fact]
    public void Train_for_every_task_skips_one_the_data_cannot_support_and_says_why()
    {
        // A raw folder without the Top-10 tables (as the real Netflix 2025 files) used to stop `train` at its
        // first task, so churn and recommend were never trained either.
        using var dir = new TempDirectory();
        Features.Synthetic.SyntheticGenerator.Generate(dir.File("mine"), new Features.Synthetic.GeneratorOptions(11, 0.05));
        File.Delete(dir.File("mine/top10_titles.csv"));
        File.Delete(dir.File("mine/top10_weekly.csv"));
        string[] common = ["--raw", dir.File("mine"), "--db", dir.File("data/netflix.db"), "--models", dir.File("models")];

        var (code, output, progress) = CliRunner.Run(["train", .. common]);

        Assert.Equal(0, code);
        // Each task that ran says how long it took; the skipped one does not.
        Assert.Matches(@"\[train\] churn: done in \d+\.\d s\n", progress);
        Assert.Matches(@"\[train\] recommend: done in \d+\.\d s\n", progress);
        Assert.DoesNotContain("top10: done", progress, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("models/recommend.zip")));
        Assert.False(File.Exists(dir.File("models/top10.zip")));
        var written = Leaderboard.FromJson(File.ReadAllText(dir.File("models/leaderboard.json")));
        Assert.Equal(["churn", "recommend"], written.Tasks.Select(t => t.Task));
        var skipped = Assert.Single(written.Skipped!);
        Assert.Equal("top10", skipped.Task);
        Assert.StartsWith("No titles in ", skipped.Reason, StringComparison.Ordinal);
        Assert.Contains("top10: skipped: No titles in ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("top10: champion", output, StringComparison.Ordinal);
        var leakage = CliRunner.Run(["leakage", .. common]);
        Assert.Equal(0, leakage.ExitCode);
        Assert.Matches(@"\] churn: done in \d+\.\d s\n", leakage.Error);
        Assert.Contains("churn: leakage audit", leakage.Output, StringComparison.Ordinal);
        Assert.Contains("top10: skipped: No titles in ", leakage.Output, StringComparison.Ordinal);
        var audit = LeakageReport.FromJson(File.ReadAllText(dir.File("models/leakage-report.json")));
        Assert.Equal(["churn"], audit.Tasks.Select(t => t.Task));
        Assert.Equal(skipped, Assert.Single(audit.Skipped!)); // the same task, for the same reason
        var leakageJson = CliRunner.Run(["leakage", "--json", .. common]);
        Assert.Equal(skipped, Assert.Single(LeakageReport.FromJson(leakageJson.Output).Skipped!));
        var named = CliRunner.Run(["train", "--task", "top10", .. common]);
        Assert.Equal(2, named.ExitCode);
        Assert.Contains("error: No titles in ", named.Error, StringComparison.Ordinal);
        var churnAlone = CliRunner.Run(["train", "--task", "churn", "--json", .. common]);
        Assert.Equal(0, churnAlone.ExitCode);
        Assert.Null(Leaderboard.FromJson(churnAlone.Output).Skipped); // a run's skips are its own
        Assert.DoesNotContain("\"skipped\"", File.ReadAllText(dir.File("models/leaderboard.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_for_every_task_on_data_that_supports_none_exits_2_with_every_reason()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("mine"));
        File.WriteAllLines(dir.File("mine/users.csv"), [
            "user_id,email,first_name,last_name,age,gender,country,state_province,city,subscription_plan,subscription_start_date,is_active,monthly_spend,primary_device,household_size,created_at",
            "user_00001,a@example.com,A,B,30,Male,USA,CA,LA,Basic,2024-01-01,True,9.99,Mobile,2,2024-01-01",
        ]);

        var (code, output, error) = CliRunner.Run("train", "--raw", dir.File("mine"), "--db", dir.File("data/netflix.db"), "--models", dir.File("models"));

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        var last = error.Trim().Split('\n')[^1];
        Assert.StartsWith("error: No task can be run on this data. top10: No titles in ", last, StringComparison.Ordinal);
        Assert.Contains(" churn: The database has no watch, search, review or recommendation events", last, StringComparison.Ordinal);
        Assert.EndsWith(" recommend: The database has no watch events; the recommendation task needs watch_history.csv.", last, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("models/candidates")) && Directory.EnumerateFiles(dir.File("models/candidates")).Any());
    }

    [Theory]
    [InlineData(30, 1, "error: The recommendation task needs at least 50 watch events; there are 30.")]
    [InlineData(60, 1, "error: The recommendation task trains on watch events before 2025-02-18 (the date before which 80 % fall) and judges titles first watched from then on, and needs both: 48 events fall before it and 0 subscribers watch a title new to them after it.")]
    [InlineData(60, 60, null)]
    public void Recommend_on_too_few_watch_events_to_split_in_time_exits_2_saying_what_it_needs(int events, int titles, string? says)
    {
        // One subscriber watching `titles` titles in turn, a day apart. With one title, everything after the cut-off is a
        // title watched before it. Each used to crash (exit 134): the split's index ran out, ALS got no interactions,
        // and explicit MF got no ratings.
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("mine"));
        File.WriteAllLines(dir.File("mine/users.csv"), [
            "user_id,email,first_name,last_name,age,gender,country,state_province,city,subscription_plan,subscription_start_date,is_active,monthly_spend,primary_device,household_size,created_at",
            "user_00001,a@example.com,A,B,30,Male,USA,CA,LA,Basic,2024-01-01,True,9.99,Mobile,2,2024-01-01",
        ]);
        File.WriteAllLines(dir.File("mine/movies.csv"), [
            "movie_id,title,content_type,genre_primary,genre_secondary,release_year,duration_minutes,rating,language,country_of_origin,imdb_rating,production_budget,box_office_revenue,number_of_seasons,number_of_episodes,is_netflix_original,added_to_platform,content_warning",
            .. Enumerable.Range(1, titles).Select(t => $"movie_{t:D4},Title {t},Movie,Drama,,2020,90,PG,English,USA,7.0,,,,,False,2021-01-01,False"),
        ]);
        File.WriteAllLines(dir.File("mine/watch_history.csv"), [
            "session_id,user_id,movie_id,watch_date,device_type,watch_duration_minutes,progress_percentage,action,quality,location_country,is_download,user_rating",
            .. Enumerable.Range(0, events).Select(i => $"session_{i:D6},user_00001,movie_{i % titles + 1:D4},{new DateTime(2025, 1, 1).AddDays(i):yyyy-MM-dd} 20:00:00,Mobile,50,90,completed,HD,USA,False,"),
        ]);

        var (code, _, error) = CliRunner.Run("train", "--task", "recommend", "--raw", dir.File("mine"), "--db", dir.File("data/netflix.db"), "--models", dir.File("models"));

        if (says is null)
        {
            // A title a day, each new: 48 to train on, 12 to judge by. No ratings: explicit MF is left out, and said to be.
            Assert.True(code == 0, error);
            Assert.Contains("recommend: explicit-mf left out: no ratings before 2025-02-18 (watch_history.user_rating, reviews.rating) to fit it on", error, StringComparison.Ordinal);
            var entry = Leaderboard.FromJson(File.ReadAllText(dir.File("models/leaderboard.json"))).Task("recommend")!;
            Assert.Equal(["popularity", "content", "implicit-mf", "hybrid"], entry.Candidates.Select(c => c.Trainer));
            // 48 events in the training part are too few to split again for choosing settings: the defaults, said so.
            Assert.Contains("recommend: the training part is too small to split again; implicit-mf keeps its default settings", error, StringComparison.Ordinal);
            Assert.Null(entry.Tuning);
            return;
        }

        Assert.Equal(2, code);
        Assert.Equal(says, error.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void Features_json_lists_every_feature_with_its_availability()
    {
        var (code, output, _) = CliRunner.Run("features", "--task", "churn", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var task = doc.RootElement.GetProperty("tasks").EnumerateArray().Single();
        var features = task.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal("Known", features["sessions_30d"].GetProperty("availability").GetString());
        Assert.Equal("PostOutcome", features["sessions_after_snapshot"].GetProperty("availability").GetString());
        Assert.Equal(["leaky"], features["sessions_after_snapshot"].GetProperty("sets").EnumerateArray().Select(s => s.GetString()));
        Assert.All(task.GetProperty("featureSets").EnumerateArray(), s => Assert.Equal(s.GetProperty("name").GetString() != "leaky", s.GetProperty("deployable").GetBoolean()));
    }
}

[Collection(TrainedModelsCollection.Name)]
public sealed class EvaluateCommandTests(TrainedModels trained)
{
    [Fact]
    public void Evaluate_reproduces_a_candidates_test_figures()
    {
        var entry = trained.Leaderboard.Task("churn")!.Candidates.First(c => c.FeatureSet == "behaviour");
        var (code, output, error) = CliRunner.Run("evaluate", "--model", Path.Combine(trained.Models, "candidates", entry.Name + ".zip"), "--db", trained.Database, "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(entry.Test["auc"], doc.RootElement.GetProperty("test").GetProperty("auc").GetDouble());
        Assert.Equal(entry.Test["accuracy"], doc.RootElement.GetProperty("test").GetProperty("accuracy").GetDouble());

        var path = Path.Combine(trained.Models, "candidates", entry.Name + ".zip");
        var table = CliRunner.Run("evaluate", "--model", path, "--db", trained.Database);
        Assert.Contains($"{path}: {entry.Trainer} on '{entry.FeatureSet}'", table.Output, StringComparison.Ordinal); // the whole path
        Assert.Contains($"│ AUC               │ {entry.Test["auc"]:F4} │ 0.5000   │", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_of_a_recommender_shows_the_popularity_baseline_beside_it()
    {
        // It printed the model's figures alone on one line; the leaderboard shows popularity beside every candidate.
        var entry = trained.Leaderboard.Task("recommend")!.Candidates.Single(c => c.Name.StartsWith("recommend-implicit-mf-", StringComparison.Ordinal));
        var path = Path.Combine(trained.Models, "candidates", entry.Name + ".zip");

        var (code, output, error) = CliRunner.Run("evaluate", "--model", path, "--db", trained.Database, "--json");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(entry.Baseline["ndcgAtK"], doc.RootElement.GetProperty("baseline").GetProperty("ndcgAtK").GetDouble(), 4);
        Assert.Equal(entry.Baseline["precisionAtK"], doc.RootElement.GetProperty("baseline").GetProperty("precisionAtK").GetDouble(), 4);
        var table = CliRunner.Run("evaluate", "--model", path, "--db", trained.Database).Output;
        Assert.Matches($"│ NDCG@10 +│ {entry.Test["ndcgAtK"]:F4} │ {entry.Baseline["ndcgAtK"]:F4} +│", table);
        var popularity = trained.Leaderboard.Task("recommend")!.Candidates.Single(c => c.Trainer == "popularity");
        Assert.Matches($"│ NDCG@10 as new viewers +│ {entry.Test["viewerNdcgAtK"]:F4} │ {popularity.Test["viewerNdcgAtK"]:F4} +│", table);
    }

    [Fact]
    public void Evaluate_of_explicit_mf_judges_its_ratings_as_training_did()
    {
        var task = trained.Leaderboard.Task("recommend")!;
        var entry = task.Candidates.Single(c => c.Trainer == "explicit-mf");
        var path = Path.Combine(trained.Models, "candidates", entry.Name + ".zip");

        var (code, output, error) = CliRunner.Run("evaluate", "--model", path, "--db", trained.Database, "--json");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var ratings = doc.RootElement.GetProperty("ratings");
        Assert.Equal(entry.Test["ratingCount"], ratings.GetProperty("model").GetProperty("count").GetInt32());
        Assert.Equal(entry.Test["ratingRmse"], ratings.GetProperty("model").GetProperty("rmse").GetDouble(), 5);
        Assert.Equal(entry.Test["ratingRSquared"], ratings.GetProperty("model").GetProperty("rSquared").GetDouble(), 5);
        Assert.Equal(entry.Baseline["ratingRmse"], ratings.GetProperty("trainingMean").GetProperty("rmse").GetDouble(), 5);
        Assert.Equal(task.RatingRmseFloor, doc.RootElement.GetProperty("ratingRmseFloor").GetDouble());
        var table = CliRunner.Run("evaluate", "--model", path, "--db", trained.Database).Output;
        Assert.Contains($"explicit-mf on the {entry.Test["ratingCount"]:N0} ratings given after the cut-off: RMSE {entry.Test["ratingRmse"]:F4}, MAE {entry.Test["ratingMae"]:F4}, R² {entry.Test["ratingRSquared"]:F4}", table, StringComparison.Ordinal);

        // A recommender that does not predict ratings has none to judge.
        var implicitMf = Path.Combine(trained.Models, "candidates", task.Candidates.Single(c => c.Trainer == "implicit-mf").Name + ".zip");
        using var other = JsonDocument.Parse(CliRunner.Run("evaluate", "--model", implicitMf, "--db", trained.Database, "--json").Output);
        Assert.False(other.RootElement.TryGetProperty("ratings", out _));
    }

    [Theory]
    [InlineData("top10", "it was fitted on exactly these")]
    [InlineData("churn", "it was fitted on exactly these")]
    [InlineData("recommend", "its own viewing history already holds")]
    public void Evaluate_refuses_a_champion_on_the_data_it_was_refit_on_and_names_its_candidate(string task, string evidence)
    {
        var champion = Path.Combine(trained.Models, task + ".zip");
        var name = trained.Leaderboard.Task(task)!.Champion!;

        var (code, _, error) = CliRunner.Run("evaluate", "--model", champion, "--db", trained.Database);

        Assert.Equal(2, code);
        Assert.True(error.Contains($"{champion} cannot be tested on this data: {evidence}", StringComparison.Ordinal), error);
        Assert.Contains("so its figures would be in-sample", error, StringComparison.Ordinal);
        var candidate = Path.Combine(trained.Models, "candidates", name + ".zip");
        Assert.True(error.Contains($"Evaluate {candidate} instead", StringComparison.Ordinal), error);

        // The file it points to is tested honestly: it reproduces the leaderboard's test figure.
        var honest = CliRunner.Run("evaluate", "--model", candidate, "--db", trained.Database, "--json");
        Assert.True(honest.ExitCode == 0, honest.Error);
        var metric = task == "recommend" ? "ndcgAtK" : "auc";
        using var doc = JsonDocument.Parse(honest.Output);
        var expected = trained.Leaderboard.Task(task)!.Candidates.Single(c => c.Name == name).Test[metric];
        Assert.Equal(expected, doc.RootElement.GetProperty("test").GetProperty(metric).GetDouble(), 4);

        // A champion copied away from its candidates: the refusal points at the candidates folder beside it.
        using var dir = new TempDirectory();
        var copy = dir.File(task + ".zip");
        File.Copy(champion, copy);
        var alone = CliRunner.Run("evaluate", "--model", copy, "--db", trained.Database);
        Assert.Equal(2, alone.ExitCode);
        Assert.True(alone.Error.Contains($"Evaluate a candidate from {dir.File("candidates")}{Path.DirectorySeparatorChar} instead", StringComparison.Ordinal), alone.Error);

        // A model in a candidates folder already (a candidate of a run on other data): no candidates/candidates/.
        Directory.CreateDirectory(dir.File("candidates"));
        File.Copy(champion, dir.File("candidates/" + task + ".zip"));
        var inCandidates = CliRunner.Run("evaluate", "--model", dir.File("candidates/" + task + ".zip"), "--db", trained.Database);
        Assert.Equal(2, inCandidates.ExitCode);
        Assert.True(inCandidates.Error.Contains("It is a candidate trained on other data than this; `train` on this data writes candidates trained without its test split.", StringComparison.Ordinal), inCandidates.Error);
        Assert.DoesNotContain("candidates" + Path.DirectorySeparatorChar + "candidates", inCandidates.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_tests_a_champion_on_data_it_was_not_fitted_on()
    {
        using var dir = new TempDirectory();
        Features.Synthetic.SyntheticGenerator.Generate(dir.File("raw"), new Features.Synthetic.GeneratorOptions(8, 0.1));
        Features.Ingestion.Ingestor.Ingest(dir.File("raw"), dir.File("other.db"));

        var (code, output, error) = CliRunner.Run("evaluate", "--model", Path.Combine(trained.Models, "churn.zip"), "--db", dir.File("other.db"), "--json");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.InRange(doc.RootElement.GetProperty("test").GetProperty("auc").GetDouble(), 0.6, 0.95); // planted churn signal, new subscribers
    }

    [Fact]
    public void Evaluate_refuses_a_damaged_model_file_with_exit_code_2()
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(Path.Combine(trained.Models, "churn.zip"));
        File.WriteAllBytes(dir.File("broken.zip"), bytes[..(bytes.Length / 3)]);
        var (code, _, error) = CliRunner.Run("evaluate", "--model", dir.File("broken.zip"), "--db", trained.Database);
        Assert.Equal(2, code);
        Assert.Contains("broken.zip: not a readable zip archive", error, StringComparison.Ordinal);
    }
}

/// <summary>How a binary task's champion is chosen, checked on a leaderboard entry.</summary>
internal static class ChampionRule
{
    /// <summary>The deployable candidate with the best CV AUC among those that beat chance; none, with the reason, when none does.</summary>
    public static void Holds(TaskEntry task)
    {
        var eligible = task.Candidates.Where(c => c.Deployable && BinaryTaskRunner.BeatsChance(c.Cv!["auc"], BinaryTaskData.CvFolds)).ToList();
        if (eligible.Count == 0)
        {
            Assert.Null(task.Champion);
            Assert.NotNull(task.NoChampion);
        }
        else
        {
            Assert.Equal(eligible.MaxBy(c => c.Cv!["auc"].Mean)!.Name, task.Champion);
            Assert.Null(task.NoChampion);
        }
    }
}
