using System.Globalization;
using Bogus;
using NetflixML.Learning.Core;

namespace NetflixML.Features.Synthetic;

/// <summary>
/// The planted world behind the Top-10 tables. Each title has a latent appeal set only by pre-release facts
/// (genres, certificate, runtime, release month, originality, budget, its director's and cast's latent quality),
/// and enters the Top 10 with probability sigmoid(appeal). The weekly lists are then built from those outcomes,
/// and the title table carries the study's post-outcome columns zero-filled for titles that never charted.
/// </summary>
internal sealed class Top10World
{
    private const double PositiveRate = 0.27;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, double> GenreEffect = new()
    {
        ["Action"] = 0.45,
        ["Thriller"] = 0.4,
        ["Crime"] = 0.35,
        ["Sci-Fi"] = 0.25,
        ["Mystery"] = 0.25,
        ["Comedy"] = 0.1,
        ["Horror"] = 0.15,
        ["Romance"] = 0.05,
        ["Drama"] = 0,
        ["Fantasy"] = 0.1,
        ["Adventure"] = 0.1,
        ["Animation"] = -0.05,
        ["Family"] = -0.1,
        ["Biography"] = -0.3,
        ["Documentary"] = -0.6,
        ["History"] = -0.45,
        ["Music"] = -0.4,
        ["Sport"] = -0.3,
        ["War"] = -0.2,
        ["Western"] = -0.5,
    };

    private static readonly Dictionary<string, double> CertificateEffect = new()
    {
        ["G"] = -0.3,
        ["PG"] = -0.1,
        ["PG-13"] = 0.1,
        ["R"] = 0.15,
        ["TV-14"] = 0.05,
        ["TV-MA"] = 0.2,
        ["TV-PG"] = -0.15,
        ["TV-Y7"] = -0.35,
    };

    // Holiday and summer releases do better; January and February worse.
    private static readonly double[] MonthEffect = [-0.25, -0.2, 0, 0, 0.05, 0.15, 0.25, 0.15, 0, 0.05, 0.2, 0.35];

    private readonly Title[] _titles;
    private readonly List<WeeklyEntry> _weekly = [];

    public sealed class Title
    {
        public string Id { get; set; } = string.Empty;
        public required string Name { get; init; }
        public DateTime Release { get; init; }
        public required string[] Genres { get; init; }
        public required string Certificate { get; init; }
        public double Runtime { get; init; }
        public int Director { get; init; }
        public required int[] Cast { get; init; }
        public bool Original { get; init; }
        public double Budget { get; init; }
        public double Appeal { get; set; }
        public double Probability { get; set; }
        public bool InTop10 { get; set; }
        public double FirstWeekHours { get; set; }
        public double PeakWeeklyHours { get; set; }
        public int WeeksInTop10 { get; set; }
        public int DesiredRun { get; set; }
    }

    public readonly record struct WeeklyEntry(int Week, int Title, int Rank, double Hours, int CumulativeWeeks);

    public Top10World(GeneratorOptions options, Faker faker)
    {
        var rng = Rng.ForStream((ulong)options.Seed, 20);
        var count = options.TitleCount(2_000);
        var directors = Math.Max(10, count / 5);
        var actors = Math.Max(30, count * 3 / 4);
        DirectorNames = Enumerable.Range(0, directors).Select(_ => faker.Name.FullName()).ToArray();
        ActorNames = Enumerable.Range(0, actors).Select(_ => faker.Name.FullName()).ToArray();
        var directorQuality = Enumerable.Range(0, directors).Select(_ => rng.Gaussian(0, 0.3)).ToArray();
        var actorPower = Enumerable.Range(0, actors).Select(_ => rng.Gaussian(0, 0.25)).ToArray();
        // A few directors and actors work a lot (Zipf-like), so their track records are informative.
        var directorWeights = Enumerable.Range(0, directors).Select(d => 1 / Math.Pow(d + 1, 0.8)).ToArray();
        var actorWeights = Enumerable.Range(0, actors).Select(a => 1 / Math.Pow(a + 1, 0.7)).ToArray();

        var firstRelease = SyntheticCalendar.FirstWeek.AddDays(-56);
        var releaseSpan = SyntheticCalendar.Weeks * 7 - 21 + 56;
        var width = ViewingWorld.Width(count, 4);
        _titles = new Title[count];
        for (var t = 0; t < count; t++)
        {
            var genreCount = 1 + rng.Choose([0.35, 0.4, 0.25]);
            var genres = new List<string>();
            while (genres.Count < genreCount)
            {
                var g = rng.Pick(Vocabulary.Genres);
                if (!genres.Contains(g))
                {
                    genres.Add(g);
                }
            }

            var castSize = 2 + rng.NextInt(4);
            var cast = new List<int>();
            while (cast.Count < castSize)
            {
                var a = rng.Choose(actorWeights);
                if (!cast.Contains(a))
                {
                    cast.Add(a);
                }
            }

            var series = rng.Bernoulli(0.4);
            _titles[t] = new Title
            {
                Name = (rng.Bernoulli(0.3) ? "The " : string.Empty) + rng.Pick(Vocabulary.TitleWordsA) + " " + rng.Pick(Vocabulary.TitleWordsB),
                Release = firstRelease.AddDays(rng.NextInt(releaseSpan)),
                Genres = [.. genres],
                Certificate = Vocabulary.TitleCertificates[rng.Choose(Vocabulary.TitleCertificateWeights)],
                Runtime = series ? Math.Round(Math.Clamp(rng.Gaussian(50, 10), 20, 80)) : Math.Round(Math.Clamp(rng.Gaussian(112, 20), 75, 210)),
                Director = rng.Choose(directorWeights),
                Cast = [.. cast],
                Original = rng.Bernoulli(0.45),
                Budget = RoundTo(Math.Exp(rng.Gaussian(Math.Log(2e7), 0.9)), 1000),
            };
        }

        // Ids follow release order, as a catalogue would.
        Array.Sort(_titles, (a, b) => a.Release.CompareTo(b.Release));
        for (var t = 0; t < count; t++)
        {
            _titles[t].Id = "title_" + (t + 1).ToString(width, Inv);
        }

        var logits = _titles.Select(t =>
        {
            var genre = t.Genres.Sum(g => GenreEffect[g]) / Math.Sqrt(t.Genres.Length);
            var runtime = -0.006 * Math.Abs(t.Runtime - (t.Runtime < 85 ? 50 : 115));
            return 1.6 * genre + 1.3 * Math.Log(t.Budget / 2e7) + (t.Original ? 0.9 : 0) + 2.0 * MonthEffect[t.Release.Month - 1]
                + 2.0 * CertificateEffect[t.Certificate] + runtime + directorQuality[t.Director] + t.Cast.Average(a => actorPower[a]);
        }).ToArray();
        var intercept = Intercept(logits, PositiveRate);
        for (var t = 0; t < count; t++)
        {
            var title = _titles[t];
            title.Appeal = logits[t] + intercept;
            title.Probability = SpecialFunctions.Sigmoid(title.Appeal);
            title.InTop10 = rng.Bernoulli(title.Probability);
            title.FirstWeekHours = RoundTo(Math.Exp(14.8 + 0.8 * title.Appeal + rng.Gaussian(0, 0.7)), 100);
        }

        BuildWeeklyLists(rng);
    }

    public IReadOnlyList<Title> Titles => _titles;

    public string[] DirectorNames { get; }

    public string[] ActorNames { get; }

    private static double Intercept(double[] logits, double rate)
    {
        double lo = -10, hi = 10;
        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            var mean = logits.Average(l => SpecialFunctions.Sigmoid(l + mid));
            (lo, hi) = mean > rate ? (lo, mid) : (mid, hi);
        }

        return (lo + hi) / 2;
    }

    /// <summary>
    /// Ten titles a week for two years, from the titles whose outcome was a Top-10 entry: every such title charts
    /// at least once (from its release week), better titles stay longer, and each week is ranked by hours viewed.
    /// </summary>
    private void BuildWeeklyLists(Rng rng)
    {
        var positives = Enumerable.Range(0, _titles.Length).Where(t => _titles[t].InTop10).ToList();
        if (positives.Count == 0)
        {
            return;
        }

        var slots = 10.0 * SyntheticCalendar.Weeks;
        var meanAppeal = positives.Average(t => _titles[t].Appeal);
        var spread = positives.Sum(t => Math.Exp(0.6 * (_titles[t].Appeal - meanAppeal)));
        var extra = Math.Max(0, slots - positives.Count) / spread;
        foreach (var t in positives)
        {
            _titles[t].DesiredRun = 1 + rng.Poisson(extra * Math.Exp(0.6 * (_titles[t].Appeal - meanAppeal)));
        }

        int ReleaseWeek(int t) => Math.Max(0, (int)Math.Floor((_titles[t].Release - SyntheticCalendar.FirstWeek).TotalDays / 7));
        double Hours(int t, int week) => _titles[t].FirstWeekHours * Math.Pow(0.78, Math.Max(0, week - ReleaseWeek(t)));

        var started = new HashSet<int>();
        var pending = new List<int>(positives);
        for (var week = 0; week < SyntheticCalendar.Weeks; week++)
        {
            var newEntries = pending.Where(t => ReleaseWeek(t) <= week).OrderByDescending(t => _titles[t].Appeal).Take(10).ToList();
            var chosen = new List<int>(newEntries);
            var continuing = started.Where(t => _titles[t].WeeksInTop10 < _titles[t].DesiredRun)
                .OrderByDescending(t => Hours(t, week)).ThenBy(t => t).ToList();
            chosen.AddRange(continuing.Take(10 - chosen.Count));
            if (chosen.Count < 10)
            {
                // Too few planned runs (small scales): the strongest titles already seen stay on.
                chosen.AddRange(started.Where(t => !chosen.Contains(t))
                    .OrderByDescending(t => Hours(t, week)).ThenBy(t => t).Take(10 - chosen.Count));
            }

            var ranked = chosen.OrderByDescending(t => Hours(t, week) * (0.9 + 0.2 * Noise(t, week))).ThenBy(t => t).ToList();
            for (var r = 0; r < ranked.Count; r++)
            {
                var t = ranked[r];
                var title = _titles[t];
                title.WeeksInTop10++;
                var hours = RoundTo(Hours(t, week) * (0.9 + 0.2 * Noise(t, week)), 100);
                title.PeakWeeklyHours = Math.Max(title.PeakWeeklyHours, hours);
                _weekly.Add(new WeeklyEntry(week, t, r + 1, hours, title.WeeksInTop10));
                if (started.Add(t))
                {
                    pending.Remove(t);
                }
            }
        }

        // A title whose outcome was a Top-10 entry but found no free slot cannot stay positive without a chart
        // run; with releases ending three weeks early this does not happen, and we check it rather than hope.
        if (pending.Count > 0)
        {
            throw new InvalidOperationException($"{pending.Count} Top-10 titles found no weekly slot.");
        }
    }

    // Deterministic week-to-week wobble in hours, independent of the generator's stream order.
    private static double Noise(int title, int week)
    {
        var rng = Rng.ForStream((ulong)title, (ulong)week);
        return rng.NextDouble();
    }

    public void WriteTitles(string path, Rng rng)
    {
        using var output = new CsvOut(path, Schema.RawSchema.Top10TitlesTable.Header);
        foreach (var t in _titles)
        {
            var label = t.InTop10 ? 1 : 0;
            var meta = Math.Round(Math.Clamp(58 + 6 * t.Appeal + rng.Gaussian(0, 12), 0, 100));
            var imdb = Math.Round(Math.Clamp(6.3 + 0.45 * t.Appeal + rng.Gaussian(0, 0.9), 1, 10), 1);
            var votes = Math.Round(Math.Exp(9.5 + 0.5 * t.Appeal + 0.8 * label + rng.Gaussian(0, 0.9)));
            output.Add(t.Id)
                .Add(t.Name)
                .AddDate(t.Release)
                .Add(string.Join(", ", t.Genres))
                .Add(t.Certificate)
                .Add(t.Runtime)
                .Add(DirectorNames[t.Director])
                .Add(string.Join(", ", t.Cast.Select(a => ActorNames[a])))
                .Add(t.Original ? 1 : 0)
                .Add(rng.Bernoulli(0.08) ? double.NaN : t.Budget)
                .Add(rng.Bernoulli(0.10) ? double.NaN : meta)
                .Add(rng.Bernoulli(0.04) ? double.NaN : imdb)
                .Add(rng.Bernoulli(0.03) ? double.NaN : votes)
                .Add(t.FirstWeekHours)
                // The study's leak: zero for every title that never charted.
                .Add(t.InTop10 ? t.PeakWeeklyHours : 0)
                .Add(t.InTop10 ? t.WeeksInTop10 : 0)
                .Add(label);
            output.End();
        }
    }

    public void WriteWeekly(string path)
    {
        using var output = new CsvOut(path, Schema.RawSchema.Top10WeeklyTable.Header);
        foreach (var e in _weekly)
        {
            output.AddDate(SyntheticCalendar.FirstWeek.AddDays(7 * e.Week))
                .Add(_titles[e.Title].Id)
                .Add(e.Rank)
                .Add(e.Hours)
                .Add(e.CumulativeWeeks);
            output.End();
        }
    }

    public int WeeklyRows => _weekly.Count;

    private static double RoundTo(double value, double unit) => Math.Round(value / unit) * unit;
}
