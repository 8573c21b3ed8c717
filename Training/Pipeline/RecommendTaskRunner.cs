using System.Diagnostics;
using System.Text.Json.Nodes;
using NetflixML.Features.Catalog;
using NetflixML.Features.Recommend;
using NetflixML.Features.Reporting;
using NetflixML.Learning.Metrics;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Recommendation;

namespace NetflixML.Training.Pipeline;

/// <summary>
/// The recommendation task: popularity, content, explicit MF (on ratings), implicit MF (on watch events and clicked
/// recommendations) and the hybrid, trained on interactions before the temporal cut-off and judged on titles first
/// watched after it (k = 10, every title a user watched before the cut-off excluded). The champion (best NDCG@10) is
/// refit on all interactions for serving. The implicit factor model's settings, and whether clicks help it, are
/// chosen first on a split inside the training part. Explicit MF, which predicts ratings, is also judged on the
/// ratings given after the cut-off (RMSE, MAE, R²), beside the training ratings' mean as its baseline; on generated
/// data the planted oracle's figures stand beside all. Each candidate is also judged with the same subscribers served
/// as viewers it does not know, from the titles they watched before the cut-off (<c>viewerNdcgAtK</c>,
/// <c>viewerGenreMatchRate</c>): how it serves people who arrive after it was trained, as the API's viewer endpoint
/// and a subscriber new since training are served.
/// </summary>
public static class RecommendTaskRunner
{
    public const string Metric = "ndcgAtK";
    public const int K = 10;

    /// <param name="split">The data, split in time.</param>
    /// <param name="settings">Where the models go, the seed and the time stamp.</param>
    /// <param name="truth">The planted truth, when the data came from the generator: its rating RMSE floor and its watch-choice model are the references.</param>
    /// <param name="progress">Progress lines.</param>
    public static TaskEntry Run(RecommendSplit split, RunSettings settings, TruthFile? truth = null, IProgress<string>? progress = null)
    {
        var set = FeatureCatalog.SetsFor(FeatureCatalog.Recommend)[0];
        var candidates = new List<(CandidateEntry Entry, Func<Recommender> Refit)>();
        var (implicitOptions, clicks, tuning, validationFactors) = TuneImplicit(split, settings.Seed, progress);
        var (newViewerWeight, viewerTuning, blend) = TuneNewViewers(split, validationFactors, progress);
        var (foldIn, foldInTuning) = TuneFoldIn(split, validationFactors, newViewerWeight, blend, progress);
        var (update, updateTuning) = TuneUpdate(split, validationFactors, progress);
        var builders = Builders(split, settings.Seed, implicitOptions, clicks, newViewerWeight, foldIn, update);
        var sinceTraining = RankingEvaluator.SinceTraining(split.Catalog, split.Test, split.WatchedBefore);
        if (split.TrainRatings.Count == 0)
        {
            // Watch events without ratings (user_rating and reviews both empty) are a recommendation task still.
            progress?.Report($"recommend: explicit-mf left out: no ratings before {split.Cutoff:yyyy-MM-dd} (watch_history.user_rating, reviews.rating) to fit it on");
        }

        var step = 0;
        RankingReport? popularity = null;
        foreach (var (name, fit, refit) in builders)
        {
            step++;
            progress?.Report($"recommend [{step}/{builders.Count}] {name}: fit before {split.Cutoff:yyyy-MM-dd}, top-{K} after");
            var (model, seconds) = fit();
            var report = RankingEvaluator.Evaluate(model, split.Test, K, split.WatchedBefore);
            popularity ??= report;
            var entryName = $"recommend-{name}-{set.Name}";
            var test = Figures(report);
            var viewers = RankingEvaluator.Evaluate(model, split.Test, K, split.WatchedBefore, asViewers: true);
            test["viewerNdcgAtK"] = R(viewers.NdcgAtK);
            test["viewerGenreMatchRate"] = R(viewers.GenreMatchRate);
            test["recentNdcgAtK"] = R(RankingEvaluator.Evaluate(model, sinceTraining.Test, K, sinceTraining.Seen).NdcgAtK);
            if (model.UpdatesKnownUsers)
            {
                test["recentNdcgAtKAsTrained"] = R(RankingEvaluator.Evaluate(model.WithKnownUserUpdate(false), sinceTraining.Test, K, sinceTraining.Seen).NdcgAtK);
            }
            var baseline = new Dictionary<string, double> { ["precisionAtK"] = R(popularity.PrecisionAtK), ["ndcgAtK"] = R(popularity.NdcgAtK), ["coverage"] = R(popularity.Coverage) };
            if (JudgeRatings(model, split) is { } ratings)
            {
                test["ratingCount"] = ratings.Model.Count;
                test["ratingRmse"] = R(ratings.Model.Rmse);
                test["ratingMae"] = R(ratings.Model.Mae);
                if (double.IsFinite(ratings.Model.RSquared))
                {
                    test["ratingRSquared"] = R(ratings.Model.RSquared);
                }

                baseline["ratingRmse"] = R(ratings.TrainingMean.Rmse);
                baseline["ratingMae"] = R(ratings.TrainingMean.Mae);
            }

            var entry = new CandidateEntry
            {
                Name = entryName,
                Trainer = name,
                FeatureSet = set.Name,
                Deployable = true,
                Contract = set.Contract,
                Test = test,
                Baseline = baseline,
                TrainSeconds = Math.Round(seconds, 3),
            };
            RecommenderFile.Save(settings.CandidatePath(entryName), model, Metadata(set, entry, split, settings, refit: false, model, clicks));
            candidates.Add((entry, refit));
        }

        // The best ranking there is on this test set, where the data says what it was drawn from.
        var oracle = truth?.WatchChoice?.Oracle(split) is { } planted ? Figures(RankingEvaluator.Evaluate(planted, split.Test, K, split.WatchedBefore)) : null;
        var champion = candidates.MaxBy(c => c.Entry.Test[Metric]);
        progress?.Report($"recommend: champion {champion.Entry.Name} (NDCG@{K} {champion.Entry.Test[Metric]:F4}); refitting on all interactions");
        var served = champion.Refit();
        RecommenderFile.Save(settings.ChampionPath(FeatureCatalog.Recommend), served, Metadata(set, champion.Entry, split, settings, refit: true, served, clicks));
        return new TaskEntry
        {
            Task = FeatureCatalog.Recommend,
            Metric = Metric,
            Champion = champion.Entry.Name,
            Split = $"temporal: interactions before {split.Cutoff:yyyy-MM-dd HH:mm} train ({split.TrainWatches.Count} user-title pairs watched, {split.TrainClicks} recommendations clicked), titles first watched after it are each user's relevant set ({split.Test.Count} users); k = {K}, titles watched before excluded",
            TrainRows = split.TrainWatches.Count,
            TestRows = split.Test.Count,
            RatingRmseFloor = truth?.RatingRmseFloorFor(split),
            PlantedOracle = oracle,
            Tuning = tuning,
            ViewerTuning = viewerTuning,
            FoldInTuning = foldInTuning,
            UpdateTuning = updateTuning,
            Candidates = candidates.Select(c => c.Entry).ToList(),
        };
    }

    /// <summary>
    /// The implicit factor model's settings tried on the validation split: the defaults (chosen on MovieLens, where a
    /// user has a hundred ratings) and three for short histories, where stronger regularisation and confidence do
    /// better. On the default data's validation split: NDCG@10 0.0393, 0.0502, 0.0505, 0.0468 on watches alone;
    /// 0.0519, 0.0597, 0.0611, 0.0538 on watches and clicks. On its test set, measured after the grid was fixed on
    /// validation figures alone: the hybrid 0.0490 with the defaults, 0.0617 with the third, 0.0700 with the third on
    /// watches and clicks. Around the third on watches alone (hybrid 0.0527 on validation), the hybrid's content
    /// weight (0 to 0.2) and half-weight (1 to 30), 10 or 25 iterations and popularity-weighted negatives gained 0.0003
    /// at most (25 iterations) and lost up to 0.009 (half-weight 30). Around the third on watches and clicks (implicit
    /// MF 0.0611 on validation), one change at a time (rank 24 or 48, lambda 1.5, alpha 4 or 5) gave 0.0600 to
    /// 0.0612, and lambda 3 gave 0.0477 (0.0598 with alpha 4): nothing worth another trial.
    /// </summary>
    public static readonly ImplicitAlsOptions[] ImplicitGrid =
    [
        new(),
        new() { Rank = 32, Lambda = 1.5, Alpha = 2 },
        new() { Rank = 32, Lambda = 2, Alpha = 3 },
        new() { Rank = 16, Lambda = 2, Alpha = 3 },
    ];

    public static string Describe(ImplicitAlsOptions o, bool clicks) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rank {o.Rank}, lambda {o.Lambda}, alpha {o.Alpha}, {(clicks ? "watches and clicks" : "watches only")}");

    /// <summary>
    /// Fits the implicit model with each of <see cref="ImplicitGrid"/> on the validation split's watches and clicks,
    /// then the best of them on its watches alone, and keeps the best NDCG@10 on the judged titles (the first of
    /// equals), with the record of the trials. Without clicks in the validation split the grid is fitted on watches
    /// alone; without a validation split, the defaults (with clicks, if any) and no record. The test set is not looked
    /// at. On the default data clicks raise every setting's validation NDCG@10 (0.0393 to 0.0519, 0.0502 to 0.0597,
    /// 0.0505 to 0.0611, 0.0468 to 0.0538). In a scratch harness over three seeds, at rank 32, lambda 2, alpha 3, the
    /// hybrid's validation NDCG@10 was 0.0598-0.0608 with a click counted as one watch, 0.0607-0.0618 as two and
    /// 0.0603-0.0608 as three (on watches alone 0.0506-0.0527); adding unclicked recommendations as 0.2 of a watch
    /// gave 0.0591-0.0601 and cut the test genre-match rate from 0.86 to 0.80.
    /// </summary>
    private static (ImplicitAlsOptions Options, bool Clicks, Tuning? Tuning, ImplicitFactorModel? Model) TuneImplicit(RecommendSplit split, int seed, IProgress<string>? progress)
    {
        if (split.Validation is not { } validation)
        {
            progress?.Report("recommend: the training part is too small to split again; implicit-mf keeps its default settings");
            return (ImplicitGrid[0] with { Seed = seed }, split.TrainClicks > 0, null, null);
        }

        var hasClicks = validation.Clicks > 0;
        var trials = new List<(ImplicitAlsOptions Options, bool Clicks, SettingTrial Trial)>();

        // The best trial's model so far (the first of equals, as MaxBy takes), which the new-viewer tuning serves
        // viewers with; the others are not kept.
        (ImplicitFactorModel Model, double Value)? best = null;
        void Try(ImplicitAlsOptions options, bool clicks)
        {
            var model = FitFactors(options, clicks, validation.Train, validation.TrainWithClicks, split.Catalog);
            var ndcg = RankingEvaluator.Evaluate(model, validation.Test, K, validation.WatchedBefore).NdcgAtK;
            var trial = new SettingTrial(Describe(options, clicks), R(ndcg));
            trials.Add((options, clicks, trial));
            if (best is not { } kept || trial.Value.CompareTo(kept.Value) > 0)
            {
                best = (model, trial.Value);
            }

            progress?.Report($"recommend: implicit-mf with {Describe(options, clicks)}: validation NDCG@{K} {ndcg:F4}");
        }

        foreach (var grid in ImplicitGrid)
        {
            Try(grid with { Seed = seed }, hasClicks);
        }

        if (hasClicks)
        {
            Try(trials.MaxBy(t => t.Trial.Value).Options, clicks: false);
        }

        var chosen = trials.MaxBy(t => t.Trial.Value);
        return (chosen.Options, chosen.Clicks, new Tuning(InnerSplit(validation), Metric, [.. trials.Select(t => t.Trial)], chosen.Trial.Setting), best!.Value.Model);
    }

    private static string InnerSplit(RecommendValidation validation) =>
        $"temporal, inside the training part: watch events and clicks before {validation.Cutoff:yyyy-MM-dd HH:mm} train ({validation.Train.Count} user-title pairs watched, {validation.Clicks} recommendations clicked), "
        + $"titles first watched from then until the cut-off are judged ({validation.Test.Count} users)";

    /// <summary>The genre-match rate the recommendation study this project started from asked for.</summary>
    public const double GenreMatchTarget = 0.8;

    /// <summary>The content shares <see cref="TuneNewViewers"/> tries for viewers the models do not know.</summary>
    public static readonly double[] NewViewerGrid = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1];

    /// <summary>
    /// The factor models' content share for viewers they do not know (<see cref="Recommender.NewViewerContentWeight"/>),
    /// chosen on the validation split: the judged subscribers served as such viewers, from what they watched before
    /// the inner cut-off, by the chosen validation factors without fold-in (served with no id, the factors then play
    /// no part: the blend is content and popularity alone). The best NDCG@10 (the first of equals) among the shares
    /// whose genre-match rate reaches <see cref="GenreMatchTarget"/>, or among all when none does. On the default data's validation split
    /// content 0.3 had the best NDCG@10 alone (0.0308) but matched 0.736 of genres; 0.4 is chosen (0.0306, 0.828).
    /// Without a validation split, the default.
    /// </summary>
    private static (double Weight, Tuning? Tuning, (SettingTrial Trial, double GenreMatch)? Chosen) TuneNewViewers(RecommendSplit split, ImplicitFactorModel? factors, IProgress<string>? progress)
    {
        if (split.Validation is not { } validation || factors is null)
        {
            return (Recommender.DefaultNewViewerContentWeight, null, null);
        }

        var trials = NewViewerGrid.Select(weight => ViewerTrial(
            validation,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"content {weight:0.##}, popularity {1 - weight:0.##}"),
            factors.WithNewViewerFoldIn(false).WithNewViewerContentWeight(weight),
            progress)).ToList();

        var best = ChooseWithinGenreTarget([.. trials.Select(t => (t.Report.NdcgAtK, t.Report.GenreMatchRate))]);
        return (NewViewerGrid[best], new Tuning(InnerSplit(validation), "viewerNdcgAtK", [.. trials.Select(t => t.Trial)], trials[best].Trial.Setting), (trials[best].Trial, trials[best].Report.GenreMatchRate));
    }

    /// <summary>
    /// Whether the implicit-mf and hybrid candidates fold in a viewer they do not know (<see cref="Recommender.FoldsInNewViewers"/>),
    /// chosen on the validation split: the judged subscribers served as such viewers by the validation factors folding
    /// them in, and by the hybrid built on those factors, each against the chosen share's blend by the rule the share
    /// was chosen by (<see cref="ChooseWithinGenreTarget"/>: the blend wins ties). Without a validation split, both
    /// fold in, as the models do by default.
    /// </summary>
    private static ((bool Implicit, bool Hybrid) FoldIn, Tuning? Tuning) TuneFoldIn(RecommendSplit split, ImplicitFactorModel? factors, double newViewerWeight, (SettingTrial Trial, double GenreMatch)? chosenBlend, IProgress<string>? progress)
    {
        if (split.Validation is not { } validation || factors is null || chosenBlend is not { } blend || !factors.CanFoldInNewViewers)
        {
            return ((factors?.CanFoldInNewViewers ?? true, factors?.CanFoldInNewViewers ?? true), null);
        }

        // Compared as the leaderboard records them (NDCG@10 to five places), so the record shows why.
        var folded = ViewerTrial(validation, "implicit-mf folding the viewer in", factors.WithNewViewerFoldIn(true).WithNewViewerContentWeight(newViewerWeight), progress);
        var hybrid = ViewerTrial(validation, "hybrid folding the viewer in", new HybridRecommender(factors).WithNewViewerFoldIn(true).WithNewViewerContentWeight(newViewerWeight), progress);
        bool Beats((RankingReport Report, SettingTrial Trial) trial) => ChooseWithinGenreTarget([(blend.Trial.Value, blend.GenreMatch), (trial.Trial.Value, trial.Report.GenreMatchRate)]) == 1;
        var (implicitFolds, hybridFolds) = (Beats(folded), Beats(hybrid));
        var chosen = (implicitFolds, hybridFolds) switch
        {
            (true, true) => "implicit-mf and hybrid fold viewers in",
            (true, false) => "implicit-mf folds viewers in; hybrid blends content and popularity",
            (false, true) => "hybrid folds viewers in; implicit-mf blends content and popularity",
            _ => "neither folds viewers in: both blend content and popularity",
        };
        var trials = new List<SettingTrial> { new($"content and popularity: {blend.Trial.Setting}", blend.Trial.Value), folded.Trial, hybrid.Trial };
        return ((implicitFolds, hybridFolds), new Tuning(InnerSplit(validation), "viewerNdcgAtK", trials, chosen));
    }

    /// <summary>
    /// Whether the implicit-mf and hybrid candidates move a known subscriber's vector by the titles they watched since
    /// training (<see cref="Recommender.UpdatesKnownUsers"/>), chosen on the validation split: each judged subscriber
    /// with two titles or more gives the first half as watched since and is judged on the rest
    /// (<see cref="RankingEvaluator.SinceTraining"/>), served by the validation factors, and by the hybrid built on
    /// them, with and without the update. The update is kept only where it does better (to five places, as the
    /// leaderboard records it). Without a validation split, neither updates. On the default data's validation split:
    /// implicit-mf 0.0596 as trained, 0.0599 updated; the hybrid 0.0582 and 0.0603.
    /// </summary>
    private static ((bool Implicit, bool Hybrid) Update, Tuning? Tuning) TuneUpdate(RecommendSplit split, ImplicitFactorModel? factors, IProgress<string>? progress)
    {
        if (split.Validation is not { } validation || factors is null || !factors.CanFoldInNewViewers)
        {
            return ((false, false), null);
        }

        var (test, seen) = RankingEvaluator.SinceTraining(split.Catalog, validation.Test, validation.WatchedBefore);
        SettingTrial Trial(string name, Recommender model)
        {
            var ndcg = R(RankingEvaluator.Evaluate(model, test, K, seen).NdcgAtK);
            progress?.Report($"recommend: subscribers watching since training served by {name}: validation NDCG@{K} {ndcg:F4}");
            return new SettingTrial(name, ndcg);
        }

        var hybrid = new HybridRecommender(factors);
        SettingTrial[] trials =
        [
            Trial("implicit-mf as trained", factors.WithKnownUserUpdate(false)),
            Trial("implicit-mf updated", factors.WithKnownUserUpdate(true)),
            Trial("hybrid as trained", hybrid.WithKnownUserUpdate(false)),
            Trial("hybrid updated", hybrid.WithKnownUserUpdate(true)),
        ];
        var (implicitUpdates, hybridUpdates) = (trials[1].Value > trials[0].Value, trials[3].Value > trials[2].Value);
        var chosen = (implicitUpdates, hybridUpdates) switch
        {
            (true, true) => "implicit-mf and hybrid update known subscribers",
            (true, false) => "implicit-mf updates known subscribers; hybrid keeps their trained vectors",
            (false, true) => "hybrid updates known subscribers; implicit-mf keeps their trained vectors",
            _ => "neither updates known subscribers: both keep their trained vectors",
        };
        var described = $"{InnerSplit(validation)}; of those, the {test.Count} with two titles or more give the first half as watched since training and are judged on the rest";
        return ((implicitUpdates, hybridUpdates), new Tuning(described, "recentNdcgAtK", trials, chosen));
    }

    /// <summary>
    /// The validation split's judged subscribers served by <paramref name="model"/> as viewers it does not know, from
    /// what they watched before the inner cut-off: the figures, and the trial as the leaderboard records it ("name
    /// (genre match g)", NDCG@10 to five places).
    /// </summary>
    private static (RankingReport Report, SettingTrial Trial) ViewerTrial(RecommendValidation validation, string name, Recommender model, IProgress<string>? progress)
    {
        var report = RankingEvaluator.Evaluate(model, validation.Test, K, validation.WatchedBefore, asViewers: true);
        var setting = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} (genre match {report.GenreMatchRate:F3})");
        progress?.Report($"recommend: new viewers served by {setting}: validation NDCG@{K} {report.NdcgAtK:F4}");
        return (report, new SettingTrial(setting, R(report.NdcgAtK)));
    }

    /// <summary>
    /// The trial with the best NDCG among those whose genre-match rate reaches <see cref="GenreMatchTarget"/>, or among
    /// all when none does; the first of equals.
    /// </summary>
    public static int ChooseWithinGenreTarget(IReadOnlyList<(double Ndcg, double GenreMatch)> trials)
    {
        var eligible = Enumerable.Range(0, trials.Count).Where(i => trials[i].GenreMatch >= GenreMatchTarget).ToList();
        return (eligible.Count > 0 ? eligible : Enumerable.Range(0, trials.Count)).MaxBy(i => trials[i].Ndcg);
    }

    /// <summary>
    /// The explicit model's predicted ratings against the ratings given after the cut-off (by any subscriber, of any
    /// title: one new to the model gets the mean and its known bias), and the same for predicting the training ratings'
    /// mean; null for a model that does not predict ratings, or when no rating falls after the cut-off. In the
    /// leaderboard R² is left out when those ratings are all the same (it is NaN).
    /// </summary>
    public static RatingFigures? JudgeRatings(Recommender model, RecommendSplit split)
    {
        if (model is not MatrixFactorizationModel explicitModel || split.TestRatings.Count == 0)
        {
            return null;
        }

        var actual = split.TestRatings.Select(r => (double)r.Value).ToArray();
        var mean = split.TrainRatings.Values.Average(v => (double)v);
        return new RatingFigures(
            RegressionMetrics.Evaluate(split.TestRatings.Select(r => explicitModel.Predict(r.User, r.Item)).ToArray(), actual),
            RegressionMetrics.Evaluate(Enumerable.Repeat(mean, actual.Length).ToArray(), actual));
    }

    /// <summary>What <paramref name="model"/> was fitted to; a factor model's history is the watch events either way.</summary>
    private static string[] LearnedFrom(Recommender model, bool clicks) => model switch
    {
        ImplicitFactorModel or HybridRecommender when clicks => [RecommendData.WatchEvents, RecommendData.ClickedRecommendations],
        MatrixFactorizationModel => [RecommendData.Ratings],
        _ => [RecommendData.WatchEvents],
    };

    /// <summary>The implicit factors fitted to watches, or to watches and clicks; what each subscriber watched is their history either way.</summary>
    private static ImplicitFactorModel FitFactors(ImplicitAlsOptions options, bool clicks, InteractionMatrix watched, InteractionMatrix watchedAndClicked, ItemCatalog catalog) =>
        new ImplicitAlsTrainer(options).Fit(clicks ? watchedAndClicked : watched, catalog, history: watched);

    /// <summary>
    /// Each candidate's fit (the model and its training seconds) and its refit on every interaction. The implicit
    /// factors are fitted once for both the implicit-mf and hybrid candidates; the hybrid's seconds include them, as
    /// they would if it were fitted alone. Explicit MF is left out when there are no ratings to fit it on. Every model
    /// that blends content and popularity for viewers it does not know is given <paramref name="newViewerWeight"/>,
    /// and implicit-mf and the hybrid fold such viewers in as <paramref name="foldIn"/> says, and update known
    /// subscribers as <paramref name="update"/> says.
    /// </summary>
    internal static List<(string Name, Func<(Recommender Model, double Seconds)> Fit, Func<Recommender> Refit)> Builders(RecommendSplit split, int seed, ImplicitAlsOptions implicitOptions, bool clicks, double newViewerWeight, (bool Implicit, bool Hybrid) foldIn, (bool Implicit, bool Hybrid) update)
    {
        // The serving choices made on the validation split; only implicit-mf and the hybrid fold in or update.
        Recommender AsChosen(string name, Recommender model)
        {
            var shared = model.WithNewViewerContentWeight(newViewerWeight);
            var (folds, updates) = name switch
            {
                "implicit-mf" => (foldIn.Implicit, update.Implicit),
                "hybrid" => (foldIn.Hybrid, update.Hybrid),
                _ => (false, false),
            };
            return shared.WithNewViewerFoldIn(folds && shared.CanFoldInNewViewers).WithKnownUserUpdate(updates && shared.CanFoldInNewViewers);
        }

        var explicitOptions = new MatrixFactorizationOptions { Seed = seed };
        ImplicitFactorModel Refit() => FitFactors(implicitOptions, clicks, split.AllWatches, split.AllWatchesAndClicks, split.Catalog);
        var factors = new Lazy<(ImplicitFactorModel Model, double Seconds)>(() => Timed(() => FitFactors(implicitOptions, clicks, split.TrainWatches, split.TrainWatchesAndClicks, split.Catalog)));
        List<(string Name, Func<(Recommender Model, double Seconds)> Fit, Func<Recommender> Refit)> builders =
        [
            ("popularity", () => Timed<Recommender>(() => new PopularityRecommender(split.Catalog, split.TrainWatches)), () => new PopularityRecommender(split.Catalog, split.AllWatches)),
            ("content", () => Timed<Recommender>(() => new ContentRecommender(split.Catalog, split.TrainWatches)), () => new ContentRecommender(split.Catalog, split.AllWatches)),
            ("explicit-mf", () => Timed<Recommender>(() => new MatrixFactorizationTrainer(explicitOptions).Fit(split.TrainRatings, split.Catalog)), () => new MatrixFactorizationTrainer(explicitOptions).Fit(split.AllRatings, split.Catalog)),
            ("implicit-mf", () => factors.Value, Refit),
            ("hybrid", () =>
            {
                var shared = factors.Value;
                var (hybrid, seconds) = Timed(() => new HybridRecommender(shared.Model));
                return (hybrid, shared.Seconds + seconds);
            }, () => new HybridRecommender(Refit())),
        ];
        if (split.TrainRatings.Count == 0)
        {
            builders.RemoveAll(b => b.Name == "explicit-mf");
        }

        return builders.ConvertAll(b => (b.Name, new Func<(Recommender, double)>(() =>
        {
            var (model, seconds) = b.Fit();
            return (AsChosen(b.Name, model), seconds);
        }), new Func<Recommender>(() => AsChosen(b.Name, b.Refit()))));
    }

    private static (T Model, double Seconds) Timed<T>(Func<T> fit)
    {
        var clock = Stopwatch.StartNew();
        var model = fit();
        return (model, clock.Elapsed.TotalSeconds);
    }

    private static Dictionary<string, double> Figures(RankingReport r) => new()
    {
        ["precisionAtK"] = R(r.PrecisionAtK),
        ["recallAtK"] = R(r.RecallAtK),
        ["ndcgAtK"] = R(r.NdcgAtK),
        ["ndcgAtKGraded"] = R(r.NdcgAtKGraded),
        ["mapAtK"] = R(r.MapAtK),
        ["hitRate"] = R(r.HitRate),
        ["coverage"] = R(r.Coverage),
        ["genreMatchRate"] = R(r.GenreMatchRate),
    };

    private static ModelMetadata Metadata(FeatureSet set, CandidateEntry entry, RecommendSplit split, RunSettings settings, bool refit, Recommender model, bool clicks) => new()
    {
        Task = FeatureCatalog.Recommend,
        FeatureSet = set.Name,
        Features = set.Features.Select(f => new ModelFeature(f.Name, f.TypeName, f.Availability.ToString(), f.Description)).ToList(),
        Metrics = new JsonObject { ["test"] = BinaryTaskRunner.ToJson(entry.Test), ["baseline"] = BinaryTaskRunner.ToJson(entry.Baseline), ["k"] = K },
        TrainingRows = model.History.Count,
        CreatedAt = settings.CreatedAt,
        Properties = new JsonObject
        {
            ["name"] = entry.Name,
            ["contract"] = set.Contract,
            ["cutoff"] = split.Cutoff.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            ["trainedOn"] = refit ? "every interaction (before and after the cut-off); metrics are the evaluated candidate's" : "interactions before the cut-off",
            ["seed"] = settings.Seed,
            ["learnedFrom"] = new JsonArray([.. LearnedFrom(model, clicks).Select(s => JsonValue.Create(s))]),
        },
    };

    private static double R(double value) => double.IsNaN(value) ? double.NaN : Math.Round(value, 5);
}

/// <summary>A rating model's figures on the ratings after the cut-off, and those of predicting the training ratings' mean.</summary>
/// <param name="Model">The model's.</param>
/// <param name="TrainingMean">The training ratings' mean's, for every rating.</param>
public sealed record RatingFigures(RegressionReport Model, RegressionReport TrainingMean)
{
    /// <summary>One line for a person: the model's RMSE, MAE and R² beside the mean's, and the planted floor when known.</summary>
    public static string Describe(string trainer, int count, double rmse, double mae, double rSquared, double meanRmse, double meanMae, double? floor)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var r2 = double.IsFinite(rSquared) ? $", R² {rSquared.ToString("F4", inv)}" : string.Empty;
        var least = floor is { } f ? $"; the planted data's floor: RMSE {f.ToString("F4", inv)}" : string.Empty;
        return $"{trainer} on the {count.ToString("N0", inv)} ratings given after the cut-off: RMSE {rmse.ToString("F4", inv)}, MAE {mae.ToString("F4", inv)}{r2}; "
            + $"the training ratings' mean: RMSE {meanRmse.ToString("F4", inv)}, MAE {meanMae.ToString("F4", inv)}{least}.";
    }
}
