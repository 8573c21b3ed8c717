using Bogus;
using NetflixML.Learning.Core;

namespace NetflixML.Features.Synthetic;

/// <summary>
/// The planted world behind the six behaviour tables. Subscribers have latent tastes (genre affinities and rank-K
/// factors) that drive what they watch and how they rate; some lose interest before the snapshot, and churn is
/// drawn from what their pre-snapshot behaviour shows (recency, falling watch counts, clicks, plan, tenure).
/// Churners leave no activity on or after the snapshot date: that is the planted post-outcome leak.
/// </summary>
internal sealed class ViewingWorld
{
    public const int Rank = 8;
    private const double ChurnRate = 0.148;
    private const double RatingMean = 3.3;
    public const double RatingNoiseSd = 0.8;

    /// <summary>Weight of taste in a watch choice's logit (<see cref="SimulateUser"/>).</summary>
    public const double ChoiceTasteWeight = 1.4;

    /// <summary>Weight of a title's popularity in a watch choice's logit.</summary>
    public const double ChoicePopularityWeight = 0.6;

    /// <summary>Weight of a title's secondary genre, beside 1 for its primary, in a subscriber's affinity for it.</summary>
    private const float SecondaryGenreWeight = 0.5f;

    private readonly GeneratorOptions _options;
    private readonly int _users;
    private readonly int _movies;
    private readonly double _snapshot = SyntheticCalendar.SnapshotDay;
    private readonly double _end = SyntheticCalendar.EndDay;

    // Subscriber latents.
    private readonly float[] _userFactors;
    private readonly float[] _userGenre;
    private readonly double[] _userRatingBias;
    private readonly double[] _userRate;
    private readonly double[] _declineStart;
    private readonly double[] _declineKappa;
    private readonly double[] _activeFrom;
    private readonly DateTime[] _subscriptionStart;
    private readonly int[] _plan;
    private readonly bool[] _canadian;
    private readonly int[] _primaryDevice;

    // Title latents.
    private readonly float[] _movieFactors;
    private readonly int[] _genrePrimary;
    private readonly int[] _genreSecondary;
    private readonly double[] _moviePopularity;
    private readonly double[] _movieRatingBias;
    private readonly double[] _movieDuration;
    private readonly int[] _contentType;

    public ViewingWorld(GeneratorOptions options)
    {
        _options = options;
        _users = options.Count(10_000);
        _movies = options.Count(1_000);
        var rng = Rng.ForStream((ulong)options.Seed, 1);

        _userFactors = new float[_users * Rank];
        _userGenre = new float[_users * Vocabulary.Genres.Length];
        _userRatingBias = new double[_users];
        _userRate = new double[_users];
        _declineStart = new double[_users];
        _declineKappa = new double[_users];
        _activeFrom = new double[_users];
        _subscriptionStart = new DateTime[_users];
        _plan = new int[_users];
        _canadian = new bool[_users];
        _primaryDevice = new int[_users];
        var firstStart = new DateTime(2022, 8, 2, 0, 0, 0, DateTimeKind.Unspecified);
        var startSpan = (new DateTime(2025, 8, 1, 0, 0, 0, DateTimeKind.Unspecified) - firstStart).Days + 1;
        for (var u = 0; u < _users; u++)
        {
            for (var k = 0; k < Rank; k++)
            {
                _userFactors[u * Rank + k] = (float)rng.Gaussian(0, 0.55);
            }

            var g = Vocabulary.Genres.Length;
            for (var j = 0; j < g; j++)
            {
                _userGenre[u * g + j] = (float)rng.Gaussian(0, 0.3);
            }

            var favourites = 1 + rng.NextInt(3);
            for (var f = 0; f < favourites; f++)
            {
                _userGenre[u * g + rng.NextInt(g)] += 1.3f;
            }

            _userRatingBias[u] = rng.Gaussian(0, 0.3);
            _userRate[u] = Math.Exp(rng.Gaussian(0, 0.75));
            // A third of subscribers lose interest at some point in the months before the snapshot.
            if (rng.Bernoulli(0.35))
            {
                _declineStart[u] = _snapshot - rng.Uniform(20, 150);
                _declineKappa[u] = rng.Uniform(0.3, 2.0);
            }
            else
            {
                _declineStart[u] = double.PositiveInfinity;
            }

            _subscriptionStart[u] = firstStart.AddDays(rng.NextInt(startSpan));
            _activeFrom[u] = Math.Max(0, (_subscriptionStart[u] - SyntheticCalendar.Start).TotalDays);
            _plan[u] = rng.Choose(Vocabulary.PlanWeights);
            _canadian[u] = rng.Bernoulli(0.30);
            _primaryDevice[u] = rng.NextInt(Vocabulary.PrimaryDevices.Length);
        }

        _movieFactors = new float[_movies * Rank];
        _genrePrimary = new int[_movies];
        _genreSecondary = new int[_movies];
        _moviePopularity = new double[_movies];
        _movieRatingBias = new double[_movies];
        _movieDuration = new double[_movies];
        _contentType = new int[_movies];
        for (var i = 0; i < _movies; i++)
        {
            for (var k = 0; k < Rank; k++)
            {
                _movieFactors[i * Rank + k] = (float)rng.Gaussian(0, 0.55);
            }

            _genrePrimary[i] = rng.NextInt(Vocabulary.Genres.Length);
            _genreSecondary[i] = -1;
            if (rng.Bernoulli(0.36))
            {
                var second = rng.NextInt(Vocabulary.Genres.Length - 1);
                _genreSecondary[i] = second >= _genrePrimary[i] ? second + 1 : second;
            }

            _moviePopularity[i] = rng.Gaussian(0, 1.0);
            _movieRatingBias[i] = rng.Gaussian(0, 0.35);
            _contentType[i] = rng.Choose(Vocabulary.ContentTypeWeights);
            _movieDuration[i] = _contentType[i] switch
            {
                0 => Math.Round(Math.Clamp(rng.Gaussian(112, 22), 70, 200)),
                1 or 4 => Math.Round(Math.Clamp(rng.Gaussian(50, 12), 20, 90)),
                2 => Math.Round(Math.Clamp(rng.Gaussian(85, 30), 25, 180)),
                _ => Math.Round(Math.Clamp(rng.Gaussian(60, 20), 20, 120)),
            };
        }
    }

    public int Users => _users;

    public int Movies => _movies;

    public static string UserId(int u, int count) => "user_" + (u + 1).ToString(Width(count, 5), System.Globalization.CultureInfo.InvariantCulture);

    public static string MovieId(int i, int count) => "movie_" + (i + 1).ToString(Width(count, 4), System.Globalization.CultureInfo.InvariantCulture);

    public static string Width(int count, int minimum) => new('0', Math.Max(minimum, count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length));

    /// <summary>Everything the event simulation produced, before formatting.</summary>
    public sealed class Events
    {
        public List<(int User, int Movie, double Day)> Watches { get; } = [];
        public List<(int User, int Movie, double Day, bool Clicked, double Affinity)> Recommendations { get; } = [];
        public List<(int User, double Day)> Searches { get; } = [];
        public List<(int User, int Movie, double Day, bool Verified)> Reviews { get; } = [];
        public double[] ChurnProbability { get; set; } = [];
        public bool[] Churned { get; set; } = [];
    }

    /// <summary>Simulates all activity: the months before the snapshot, the churn draw, then the rest.</summary>
    public Events Simulate()
    {
        var events = new Events();
        var counts = new TableCounts(
            _options.Count(100_000), _options.Count(50_000), _options.Count(25_000), _options.Count(15_000));

        // Share of activity before the snapshot: its share of the expected intensity, churners included.
        var preWeight = new double[_users];
        var postWeight = new double[_users];
        double preTotal = 0, postTotal = 0;
        for (var u = 0; u < _users; u++)
        {
            preWeight[u] = _userRate[u] * IntensityIntegral(u, _activeFrom[u], _snapshot);
            postWeight[u] = _userRate[u] * PostRate(u) * (_end - _snapshot);
            preTotal += preWeight[u];
            postTotal += postWeight[u] * (1 - ChurnRate);
        }

        var preShare = preTotal / (preTotal + postTotal);
        var pre = counts.Scale(preShare);
        var phaseRng = Rng.ForStream((ulong)_options.Seed, 2);
        var preAlloc = Allocate(phaseRng, preWeight, pre);
        var preEvents = SimulatePhase(preAlloc, before: true, phaseSeed: 3);

        // Churn: drawn from what the pre-snapshot behaviour shows.
        var (probability, churned) = DrawChurn(preEvents, Rng.ForStream((ulong)_options.Seed, 4));
        for (var u = 0; u < _users; u++)
        {
            if (churned[u])
            {
                postWeight[u] = 0;
            }
        }

        var post = counts.Minus(pre);
        var postAlloc = Allocate(phaseRng, postWeight, post);
        var postEvents = SimulatePhase(postAlloc, before: false, phaseSeed: 5);

        foreach (var phase in new[] { preEvents, postEvents })
        {
            foreach (var userEvents in phase)
            {
                events.Watches.AddRange(userEvents.Watches);
                events.Recommendations.AddRange(userEvents.Recommendations);
                events.Searches.AddRange(userEvents.Searches);
                events.Reviews.AddRange(userEvents.Reviews);
            }
        }

        var shuffle = Rng.ForStream((ulong)_options.Seed, 6);
        shuffle.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events.Watches));
        shuffle.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events.Recommendations));
        shuffle.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events.Searches));
        shuffle.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events.Reviews));
        events.ChurnProbability = probability;
        events.Churned = churned;
        return events;
    }

    private readonly record struct TableCounts(int Watches, int Recommendations, int Searches, int Reviews)
    {
        public TableCounts Scale(double share) => new(
            (int)Math.Round(Watches * share), (int)Math.Round(Recommendations * share),
            (int)Math.Round(Searches * share), (int)Math.Round(Reviews * share));

        public TableCounts Minus(TableCounts other) => new(
            Watches - other.Watches, Recommendations - other.Recommendations,
            Searches - other.Searches, Reviews - other.Reviews);
    }

    private sealed class UserEvents
    {
        public List<(int User, int Movie, double Day)> Watches { get; } = [];
        public List<(int User, int Movie, double Day, bool Clicked, double Affinity)> Recommendations { get; } = [];
        public List<(int User, double Day)> Searches { get; } = [];
        public List<(int User, int Movie, double Day, bool Verified)> Reviews { get; } = [];
    }

    /// <summary>Exactly <paramref name="counts"/> events per table, spread over subscribers in proportion to weight.</summary>
    private static TableCounts[] Allocate(Rng rng, double[] weight, TableCounts counts)
    {
        var cumulative = new double[weight.Length];
        double total = 0;
        for (var u = 0; u < weight.Length; u++)
        {
            total += weight[u];
            cumulative[u] = total;
        }

        var watches = new int[weight.Length];
        var recs = new int[weight.Length];
        var searches = new int[weight.Length];
        var reviews = new int[weight.Length];
        Draw(watches, counts.Watches);
        Draw(recs, counts.Recommendations);
        Draw(searches, counts.Searches);
        Draw(reviews, counts.Reviews);
        var result = new TableCounts[weight.Length];
        for (var u = 0; u < weight.Length; u++)
        {
            result[u] = new TableCounts(watches[u], recs[u], searches[u], reviews[u]);
        }

        return result;

        void Draw(int[] into, int n)
        {
            for (var e = 0; e < n; e++)
            {
                var target = rng.NextDouble() * total;
                var index = Array.BinarySearch(cumulative, target);
                index = index < 0 ? ~index : index + 1;
                into[Math.Min(index, weight.Length - 1)]++;
            }
        }
    }

    private UserEvents[] SimulatePhase(TableCounts[] allocation, bool before, ulong phaseSeed)
    {
        var result = new UserEvents[_users];
        Parallel.For(0, _users, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new double[_movies], (u, _, weights) =>
        {
            var rng = Rng.ForStream((ulong)_options.Seed * 1_000_003UL + phaseSeed, (ulong)u);
            result[u] = SimulateUser(u, allocation[u], before, rng, weights);
            return weights;
        }, _ => { });
        return result;
    }

    private UserEvents SimulateUser(int u, TableCounts n, bool before, Rng rng, double[] weights)
    {
        var events = new UserEvents();
        if (n.Watches + n.Recommendations + n.Reviews + n.Searches == 0)
        {
            return events;
        }

        // Choice weights: taste (factors), genre affinity, and how popular the title is.
        double total = 0;
        for (var i = 0; i < _movies; i++)
        {
            var logit = (ChoiceTasteWeight * Affinity(u, i)) + ChoiceTitleBias(i);
            total += Math.Exp(logit);
            weights[i] = total;
        }

        int PickMovie()
        {
            var target = rng.NextDouble() * total;
            var index = Array.BinarySearch(weights, 0, _movies, target);
            index = index < 0 ? ~index : index + 1;
            return Math.Min(index, _movies - 1);
        }

        for (var e = 0; e < n.Watches; e++)
        {
            events.Watches.Add((u, PickMovie(), SampleDay(u, before, rng)));
        }

        for (var e = 0; e < n.Recommendations; e++)
        {
            // The recommender mostly shows titles close to the subscriber's taste, sometimes trending ones.
            var movie = rng.Bernoulli(0.7) ? PickMovie() : rng.NextInt(_movies);
            var affinity = Affinity(u, movie);
            var clicked = rng.Bernoulli(Sigmoid(-1.7 + 0.8 * affinity));
            events.Recommendations.Add((u, movie, SampleDay(u, before, rng), clicked, affinity));
        }

        for (var e = 0; e < n.Searches; e++)
        {
            events.Searches.Add((u, SampleDay(u, before, rng)));
        }

        var phaseEnd = before ? _snapshot : _end;
        for (var e = 0; e < n.Reviews; e++)
        {
            if (events.Watches.Count > 0 && rng.Bernoulli(0.8))
            {
                var watched = events.Watches[rng.NextInt(events.Watches.Count)];
                var day = Math.Min(watched.Day + rng.Exponential(1 / 3.0), phaseEnd - 1e-3);
                events.Reviews.Add((u, watched.Movie, day, true));
            }
            else
            {
                events.Reviews.Add((u, PickMovie(), SampleDay(u, before, rng), false));
            }
        }

        return events;
    }

    /// <summary>Dimensions of <see cref="ChoiceUserVector"/> and <see cref="ChoiceTitleVector"/>: the factors, then one per genre.</summary>
    public static int ChoiceDimensions => Rank + Vocabulary.Genres.Length;

    /// <summary>
    /// Subscriber u's side of the watch-choice logit: its factors, then its affinity for each genre. With
    /// <see cref="ChoiceTitleVector"/> and <see cref="ChoiceTitleBias"/>, logit = user . title + bias, exactly what
    /// <see cref="SimulateUser"/> draws every watch from (in proportion to exp(logit), before and after the snapshot).
    /// </summary>
    public void ChoiceUserVector(int u, Span<double> vector)
    {
        var g = Vocabulary.Genres.Length;
        for (var k = 0; k < Rank; k++)
        {
            vector[k] = _userFactors[u * Rank + k];
        }

        for (var j = 0; j < g; j++)
        {
            vector[Rank + j] = _userGenre[u * g + j];
        }
    }

    /// <summary>Title i's side of the watch-choice logit: the taste weight times its factors, then times its genre weights (1 primary, <see cref="SecondaryGenreWeight"/> secondary, as in <see cref="Affinity"/>).</summary>
    public void ChoiceTitleVector(int i, Span<double> vector)
    {
        vector.Clear();
        for (var k = 0; k < Rank; k++)
        {
            vector[k] = ChoiceTasteWeight * _movieFactors[i * Rank + k];
        }

        vector[Rank + _genrePrimary[i]] = ChoiceTasteWeight;
        if (_genreSecondary[i] >= 0)
        {
            vector[Rank + _genreSecondary[i]] = ChoiceTasteWeight * SecondaryGenreWeight;
        }
    }

    /// <summary>Title i's bias in the watch-choice logit: the popularity weight times its popularity.</summary>
    public double ChoiceTitleBias(int i) => ChoicePopularityWeight * _moviePopularity[i];

    /// <summary>Taste match of subscriber u for title i (in logit units).</summary>
    public double Affinity(int u, int i)
    {
        double dot = 0;
        for (var k = 0; k < Rank; k++)
        {
            dot += _userFactors[u * Rank + k] * _movieFactors[i * Rank + k];
        }

        var g = Vocabulary.Genres.Length;
        var genre = _userGenre[u * g + _genrePrimary[i]];
        if (_genreSecondary[i] >= 0)
        {
            genre += SecondaryGenreWeight * _userGenre[u * g + _genreSecondary[i]];
        }

        return dot + genre;
    }

    /// <summary>The expected rating before noise: global mean, biases and the taste interaction.</summary>
    public double ExpectedRatingLatent(int u, int i)
    {
        double dot = 0;
        for (var k = 0; k < Rank; k++)
        {
            dot += _userFactors[u * Rank + k] * _movieFactors[i * Rank + k];
        }

        var g = Vocabulary.Genres.Length;
        return RatingMean + _userRatingBias[u] + _movieRatingBias[i] + 0.6 * dot + 0.25 * _userGenre[u * g + _genrePrimary[i]];
    }

    /// <summary>A rating on the 1-5 scale: latent plus Gaussian noise, rounded and clipped.</summary>
    public int DrawRating(int u, int i, Rng rng) =>
        (int)Math.Clamp(Math.Round(ExpectedRatingLatent(u, i) + rng.Gaussian(0, RatingNoiseSd)), 1, 5);

    /// <summary>E[rating] under the rounding and clipping: the best any model can predict (the RMSE floor's centre).</summary>
    public double ExpectedRating(int u, int i)
    {
        var mean = ExpectedRatingLatent(u, i);
        double expected = 0;
        for (var r = 1; r <= 5; r++)
        {
            var lo = r == 1 ? double.NegativeInfinity : r - 0.5;
            var hi = r == 5 ? double.PositiveInfinity : r + 0.5;
            expected += r * (SpecialFunctions.NormalCdf((hi - mean) / RatingNoiseSd) - SpecialFunctions.NormalCdf((lo - mean) / RatingNoiseSd));
        }

        return expected;
    }

    /// <summary>Engagement shape: 1, then exponential decay from the decline start for subscribers losing interest.</summary>
    private double Shape(int u, double day) =>
        day <= _declineStart[u] ? 1 : Math.Exp(-_declineKappa[u] * (day - _declineStart[u]) / 30);

    /// <summary>Activity after the snapshot for subscribers who stay: partly recovered from any decline.</summary>
    private double PostRate(int u) => Math.Max(Shape(u, _snapshot), 0.6);

    private double IntensityIntegral(int u, double from, double to)
    {
        if (to <= from)
        {
            return 0;
        }

        var ds = _declineStart[u];
        var flat = Math.Max(0, Math.Min(ds, to) - from);
        var lo = Math.Max(from, ds);
        var decay = lo < to ? 30 / _declineKappa[u] * (Math.Exp(-_declineKappa[u] * (lo - ds) / 30) - Math.Exp(-_declineKappa[u] * (to - ds) / 30)) : 0;
        return flat + decay;
    }

    /// <summary>A day drawn from the subscriber's activity shape within the phase (inverse CDF, closed form).</summary>
    private double SampleDay(int u, bool before, Rng rng)
    {
        if (!before)
        {
            return rng.Uniform(_snapshot, _end - 1e-3);
        }

        var from = _activeFrom[u];
        var to = _snapshot;
        var ds = _declineStart[u];
        var flat = Math.Max(0, Math.Min(ds, to) - from);
        var total = IntensityIntegral(u, from, to);
        var x = rng.NextDouble() * total;
        if (x < flat || total <= 0)
        {
            return from + Math.Min(x, flat);
        }

        var lo = Math.Max(from, ds);
        var kappa = _declineKappa[u];
        var start = Math.Exp(-kappa * (lo - ds) / 30);
        var remaining = x - flat;
        var value = start - remaining * kappa / 30;
        var day = ds - 30 / kappa * Math.Log(Math.Max(value, 1e-300));
        return Math.Min(day, to - 1e-3);
    }

    /// <summary>
    /// The planted churn model: a logistic function of what the data shows before the snapshot. Its intercept is
    /// set so that about 14.8 % of subscribers churn, the inactive share of the public users table.
    /// </summary>
    private (double[] Probability, bool[] Churned) DrawChurn(UserEvents[] pre, Rng rng)
    {
        var logits = new double[_users];
        for (var u = 0; u < _users; u++)
        {
            var signals = ChurnSignals.From(pre[u], _snapshot, _activeFrom[u]);
            var tenureDays = (SyntheticCalendar.Snapshot - _subscriptionStart[u]).TotalDays;
            logits[u] = ChurnSignals.Logit(signals, _plan[u], tenureDays);
        }

        // Intercept by bisection on the mean probability.
        double lo = -10, hi = 10;
        for (var iter = 0; iter < 60; iter++)
        {
            var mid = (lo + hi) / 2;
            double mean = 0;
            foreach (var l in logits)
            {
                mean += Sigmoid(l + mid);
            }

            if (mean / _users > ChurnRate)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        var probability = new double[_users];
        var churned = new bool[_users];
        for (var u = 0; u < _users; u++)
        {
            probability[u] = Sigmoid(logits[u] + (lo + hi) / 2);
            churned[u] = rng.Bernoulli(probability[u]);
        }

        return (probability, churned);
    }

    private readonly record struct ChurnSignals(double RecencyDays, int Watches30, int Watches31To90, int Clicks30, int Searches30)
    {
        public static ChurnSignals From(UserEvents e, double snapshot, double activeFrom)
        {
            var last = double.NegativeInfinity;
            int w30 = 0, w90 = 0, c30 = 0, s30 = 0;
            foreach (var w in e.Watches)
            {
                last = Math.Max(last, w.Day);
                if (w.Day >= snapshot - 30)
                {
                    w30++;
                }
                else if (w.Day >= snapshot - 90)
                {
                    w90++;
                }
            }

            foreach (var r in e.Recommendations)
            {
                if (r.Clicked && r.Day >= snapshot - 30)
                {
                    c30++;
                }
            }

            foreach (var s in e.Searches)
            {
                if (s.Day >= snapshot - 30)
                {
                    s30++;
                }
            }

            var recency = double.IsNegativeInfinity(last) ? snapshot - activeFrom : snapshot - last;
            return new ChurnSignals(Math.Min(recency, 120), w30, w90, c30, s30);
        }

        public static double Logit(ChurnSignals s, int plan, double tenureDays)
        {
            var trend = Math.Log(1 + s.Watches30) - Math.Log(1 + s.Watches31To90 / 2.0);
            double[] planEffect = [0.35, 0, -0.15, -0.3];
            var tenure = tenureDays < 90 ? 0.6 : tenureDays < 365 ? 0.2 : 0;
            return 1.5 * (0.02 * s.RecencyDays - 0.8 * trend - 0.5 * Math.Log(1 + s.Watches30)
                - 0.4 * Math.Log(1 + s.Clicks30) - 0.25 * Math.Log(1 + s.Searches30) + planEffect[plan] + tenure);
        }
    }

    private static double Sigmoid(double x) => SpecialFunctions.Sigmoid(x);

    // ---- Writing the tables ----

    public void WriteUsers(string path, Events events, Rng rng, Faker faker)
    {
        var table = Schema.RawSchema.UsersTable;
        using var output = new CsvOut(path, table.Header);
        var dups = new DuplicatePlanter(rng.Fork(), _users, _options.Count(300));
        string[] providers = ["example.com", "example.org", "example.net"];
        for (var u = 0; u < _users; u++)
        {
            var first = faker.Name.FirstName();
            var last = faker.Name.LastName();
            var email = faker.Internet.Email(first, last, providers[rng.NextInt(3)]).ToLowerInvariant();
            var age = Math.Round(Math.Clamp(rng.Gaussian(35, 11), 13, 90));
            var roll = rng.NextDouble();
            if (roll < 0.005)
            {
                age = rng.NextInt(-10, 5);
            }
            else if (roll < 0.006)
            {
                age = rng.NextInt(111, 131);
            }

            var spend = Math.Round(Math.Exp(rng.Gaussian(Math.Log(13.5), 0.72)) * (1 + 0.05 * _plan[u]), 2);
            var spendRoll = rng.NextDouble();
            if (spendRoll < 0.01)
            {
                spend = Math.Round(rng.Uniform(200, 1000), 2);
            }
            else if (spendRoll < 0.012)
            {
                spend = -Math.Round(rng.Uniform(1, 50), 2);
            }

            var created = _subscriptionStart[u].AddDays(-rng.Uniform(0, 400));
            var household = 1 + Math.Min(7, rng.Poisson(1.6));
            var state = _canadian[u] ? rng.Pick(Vocabulary.CanadianProvinces) : rng.Pick(Vocabulary.UsStates);
            output.Add(UserId(u, _users))
                .Add(email).Add(first).Add(last)
                .Add(Missing(rng, 0.12) ? double.NaN : age)
                .Add(Missing(rng, 0.08) ? null : Vocabulary.Genders[rng.Choose(Vocabulary.GenderWeights)])
                .Add(_canadian[u] ? "Canada" : "USA")
                .Add(state)
                .Add(faker.Address.City())
                .Add(Vocabulary.Plans[_plan[u]])
                .AddDate(_subscriptionStart[u])
                .Add(!events.Churned[u])
                .Add(Missing(rng, 0.10) ? double.NaN : spend)
                .Add(Vocabulary.PrimaryDevices[_primaryDevice[u]])
                .Add(Missing(rng, 0.15) ? double.NaN : household)
                .Add(created.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "." + rng.NextInt(1_000_000).ToString("000000", System.Globalization.CultureInfo.InvariantCulture));
            dups.AfterRow(output, output.End());
        }

        dups.Flush(output);
    }

    public void WriteMovies(string path, Rng rng)
    {
        var table = Schema.RawSchema.MoviesTable;
        using var output = new CsvOut(path, table.Header);
        var dups = new DuplicatePlanter(rng.Fork(), _movies, _options.Count(40));
        for (var i = 0; i < _movies; i++)
        {
            var type = _contentType[i];
            var isSeries = type is 1 or 4;
            var year = Math.Clamp((int)Math.Round(2024 - Math.Abs(rng.Gaussian(0, 14))), 1953, 2024);
            var duration = rng.Bernoulli(0.005) ? 0 : _movieDuration[i];
            var quality = _movieRatingBias[i] / 0.35;
            var imdb = Math.Round(Math.Clamp(rng.Gaussian(6.3 + 0.9 * quality, 1.2), 0.5, 10), 1);
            var hasBudget = type == 0 && rng.Bernoulli(0.8);
            var budget = hasBudget ? Math.Round(Math.Exp(rng.Gaussian(Math.Log(1.5e7), 1.2))) : double.NaN;
            var revenue = hasBudget && rng.Bernoulli(0.9) ? Math.Round(budget * Math.Exp(rng.Gaussian(0.3 + 0.4 * _moviePopularity[i], 0.8))) : double.NaN;
            var seasons = isSeries && rng.Bernoulli(0.93) ? (type == 4 ? 1 : 1 + rng.NextInt(14)) : double.NaN;
            var episodes = double.IsNaN(seasons) ? double.NaN : seasons * (4 + rng.NextInt(20));
            var added = new DateTime(2020, 8, 2, 0, 0, 0, DateTimeKind.Unspecified).AddDays(rng.NextInt(1826));
            output.Add(MovieId(i, _movies))
                .Add(rng.Pick(Vocabulary.TitleWordsA) + " " + rng.Pick(Vocabulary.TitleWordsB))
                .Add(Vocabulary.ContentTypes[type])
                .Add(Vocabulary.Genres[_genrePrimary[i]])
                .Add(_genreSecondary[i] >= 0 ? Vocabulary.Genres[_genreSecondary[i]] : null)
                .Add(year)
                .Add(duration)
                .Add(Vocabulary.Certificates[rng.Choose(Vocabulary.CertificateWeights)])
                .Add(Vocabulary.Languages[rng.Choose(Vocabulary.LanguageWeights)])
                .Add(Vocabulary.Countries[rng.Choose(Vocabulary.CountryWeights)])
                .Add(Missing(rng, 0.144) ? double.NaN : imdb)
                .Add(budget)
                .Add(revenue)
                .Add(seasons)
                .Add(episodes)
                .Add(rng.Bernoulli(0.306))
                .AddDate(added)
                .Add(rng.Bernoulli(0.193));
            dups.AfterRow(output, output.End());
        }

        dups.Flush(output);
    }

    /// <summary>Writes watch_history.csv; returns the squared error of E[rating] on the ratings written (the floor).</summary>
    public (double SquaredError, int Ratings) WriteWatchHistory(string path, Events events, Rng rng)
    {
        var table = Schema.RawSchema.WatchHistoryTable;
        using var output = new CsvOut(path, table.Header);
        var n = events.Watches.Count;
        var dups = new DuplicatePlanter(rng.Fork(), n, _options.Count(5_000));
        var width = Width(n, 6);
        double squaredError = 0;
        var ratings = 0;
        for (var e = 0; e < n; e++)
        {
            var (u, i, day) = events.Watches[e];
            var affinity = Affinity(u, i);
            var action = rng.Choose(Vocabulary.WatchActionWeights);
            // Titles that match a subscriber's taste are more often finished.
            if (action != 1 && rng.Bernoulli(Sigmoid(affinity - 1.5) * 0.5))
            {
                action = 1;
            }

            var progress = action switch
            {
                1 => rng.Uniform(90, 100),
                0 => rng.Uniform(0, 20),
                _ => rng.Uniform(10, 90),
            };
            progress = Math.Round(progress, 1);
            var minutes = Math.Round(_movieDuration[i] * progress / 100 * rng.Uniform(0.9, 1.1), 1);
            if (rng.Bernoulli(0.005))
            {
                minutes = Math.Round(rng.Uniform(300, 780), 1); // binge sessions, 5-13 hours
            }

            var device = rng.Bernoulli(0.6) ? _primaryDevice[u] : rng.NextInt(Vocabulary.PrimaryDevices.Length);
            var rated = rng.Bernoulli(0.15);
            var rating = double.NaN;
            if (rated)
            {
                rating = DrawRating(u, i, rng);
                var expected = ExpectedRating(u, i);
                squaredError += (rating - expected) * (rating - expected);
                ratings++;
            }

            output.Add("session_" + (e + 1).ToString(width, System.Globalization.CultureInfo.InvariantCulture))
                .Add(UserId(u, _users))
                .Add(MovieId(i, _movies))
                .AddDateTime(SyntheticCalendar.At(day))
                .Add(Vocabulary.PrimaryDevices[device])
                .Add(Missing(rng, 0.08) ? double.NaN : minutes)
                .Add(Missing(rng, 0.12) ? double.NaN : progress)
                .Add(Vocabulary.WatchActions[action])
                .Add(Missing(rng, 0.05) ? null : Vocabulary.Qualities[rng.Choose(Vocabulary.QualityWeights)])
                .Add(Country(u, rng))
                .Add(rng.Bernoulli(0.12))
                .Add(rating);
            dups.AfterRow(output, output.End());
        }

        dups.Flush(output);
        return (squaredError, ratings);
    }

    public void WriteRecommendationLogs(string path, Events events, Rng rng)
    {
        var table = Schema.RawSchema.RecommendationLogsTable;
        using var output = new CsvOut(path, table.Header);
        var n = events.Recommendations.Count;
        var dups = new DuplicatePlanter(rng.Fork(), n, _options.Count(2_000));
        var width = Width(n, 6);
        for (var e = 0; e < n; e++)
        {
            var (u, i, day, clicked, affinity) = events.Recommendations[e];
            var score = Math.Round(Math.Clamp(Sigmoid(0.8 * affinity + rng.Gaussian(0, 0.5)), 0, 1), 3);
            output.Add("rec_" + (e + 1).ToString(width, System.Globalization.CultureInfo.InvariantCulture))
                .Add(UserId(u, _users))
                .Add(MovieId(i, _movies))
                .AddDateTime(SyntheticCalendar.At(day))
                .Add(Vocabulary.RecommendationTypes[rng.Choose(Vocabulary.RecommendationTypeWeights)])
                .Add(score)
                .Add(clicked)
                .Add(1 + rng.NextInt(20))
                .Add(Vocabulary.EventDevices[rng.NextInt(Vocabulary.EventDevices.Length)])
                .Add(Vocabulary.TimesOfDay[rng.Choose(Vocabulary.TimeOfDayWeights)])
                .Add(rng.Pick(Vocabulary.AlgorithmVersions));
            dups.AfterRow(output, output.End());
        }

        dups.Flush(output);
    }

    public void WriteSearchLogs(string path, Events events, Rng rng)
    {
        var table = Schema.RawSchema.SearchLogsTable;
        using var output = new CsvOut(path, table.Header);
        var n = events.Searches.Count;
        var dups = new DuplicatePlanter(rng.Fork(), n, _options.Count(1_500));
        var width = Width(n, 6);
        for (var e = 0; e < n; e++)
        {
            var (u, day) = events.Searches[e];
            var clicked = rng.Bernoulli(0.49);
            output.Add("search_" + (e + 1).ToString(width, System.Globalization.CultureInfo.InvariantCulture))
                .Add(UserId(u, _users))
                .Add(Vocabulary.SearchQueries[rng.Choose(Vocabulary.SearchQueryWeights)])
                .AddDate(SyntheticCalendar.At(day))
                .Add(rng.NextInt(101))
                .Add(clicked ? (1 + rng.NextInt(10)).ToString(System.Globalization.CultureInfo.InvariantCulture) : null)
                .Add(Vocabulary.EventDevices[rng.NextInt(Vocabulary.EventDevices.Length)])
                .Add(Missing(rng, 0.048) ? double.NaN : Math.Round(Math.Min(Math.Exp(rng.Gaussian(Math.Log(16), 0.75)), 180), 1))
                .Add(rng.Bernoulli(0.151))
                .Add(rng.Bernoulli(0.255))
                .Add(Country(u, rng));
            dups.AfterRow(output, output.End());
        }

        dups.Flush(output);
    }

    public (double SquaredError, int Ratings) WriteReviews(string path, Events events, Rng rng)
    {
        var table = Schema.RawSchema.ReviewsTable;
        using var output = new CsvOut(path, table.Header);
        var n = events.Reviews.Count;
        var dups = new DuplicatePlanter(rng.Fork(), n, _options.Count(450));
        var width = Width(n, 6);
        double squaredError = 0;
        for (var e = 0; e < n; e++)
        {
            var (u, i, day, verified) = events.Reviews[e];
            var rating = DrawRating(u, i, rng);
            var expected = ExpectedRating(u, i);
            squaredError += (rating - expected) * (rating - expected);
            var (sentiment, text, score) = rating switch
            {
                >= 4 => ("positive", rng.Pick(Vocabulary.PositiveReviews), rng.Uniform(0.55, 1.0)),
                3 => ("neutral", rng.Pick(Vocabulary.NeutralReviews), rng.Uniform(0.35, 0.7)),
                _ => ("negative", rng.Pick(Vocabulary.NegativeReviews), rng.Uniform(0.0, 0.4)),
            };
            var total = Math.Min(16, rng.Poisson(5.2));
            var helpful = Math.Min(total, rng.Poisson(3.0));
            var votesMissing = Missing(rng, 0.117);
            output.Add("review_" + (e + 1).ToString(width, System.Globalization.CultureInfo.InvariantCulture))
                .Add(UserId(u, _users))
                .Add(MovieId(i, _movies))
                .Add(rating)
                .AddDate(SyntheticCalendar.At(day))
                .Add(Vocabulary.EventDevices[rng.NextInt(Vocabulary.EventDevices.Length)])
                .Add(verified)
                .Add(votesMissing ? double.NaN : helpful)
                .Add(votesMissing ? double.NaN : total)
                .Add(Missing(rng, 0.051) ? null : text)
                .Add(sentiment)
                .Add(Missing(rng, 0.078) ? double.NaN : Math.Round(score, 3));
            dups.AfterRow(output, output.End());
        }

        dups.Flush(output);
        return (squaredError, n);
    }

    private string Country(int u, Rng rng)
    {
        var home = !rng.Bernoulli(0.05);
        return _canadian[u] == home ? "Canada" : "USA";
    }

    private static bool Missing(Rng rng, double rate) => rng.Bernoulli(rate);
}
