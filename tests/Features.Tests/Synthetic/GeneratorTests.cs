using System.Text.Json;
using NetflixML.Features.Schema;
using NetflixML.Features.Synthetic;
using NetflixML.Features.Tests.Support;

namespace NetflixML.Features.Tests.Synthetic;

public sealed class GeneratorDeterminismTests
{
    [Fact]
    public void Same_seed_gives_byte_identical_files_and_another_seed_does_not()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        using var c = new TempDirectory();
        SyntheticGenerator.Generate(a.Path, new GeneratorOptions(7, 0.05));
        SyntheticGenerator.Generate(b.Path, new GeneratorOptions(7, 0.05));
        SyntheticGenerator.Generate(c.Path, new GeneratorOptions(8, 0.05));

        var names = Directory.GetFiles(a.Path).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(9, names.Count); // eight tables and truth.json
        foreach (var name in names)
        {
            Assert.Equal(File.ReadAllBytes(a.File(name!)), File.ReadAllBytes(b.File(name!)));
        }

        Assert.NotEqual(File.ReadAllBytes(a.File("watch_history.csv")), File.ReadAllBytes(c.File("watch_history.csv")));
        Assert.NotEqual(File.ReadAllBytes(a.File("users.csv")), File.ReadAllBytes(c.File("users.csv")));
    }

    [Fact]
    public void A_generation_that_fails_part_way_replaces_no_table_and_leaves_no_users_file()
    {
        // The pipeline generates only when users.csv is absent. A generation stopped after users.csv used to leave it
        // beside half the tables, so the next run ingested those instead of generating.
        using var empty = new TempDirectory();
        using var earlier = new TempDirectory();
        SyntheticGenerator.Generate(earlier.Path, new GeneratorOptions(3, 0.02));
        var before = Directory.GetFiles(earlier.Path).ToDictionary(f => f, File.ReadAllBytes);
        foreach (var dir in new[] { empty, earlier })
        {
            // A folder where the watch history's file goes: writing it fails, after users.csv and movies.csv were written.
            Directory.CreateDirectory(dir.File("watch_history.csv.tmp"));

            Assert.Throws<UnauthorizedAccessException>(() => SyntheticGenerator.Generate(dir.Path, new GeneratorOptions(4, 0.02)));
        }

        // Nor the half-written tables it had started (only the folder that stopped it is left).
        Assert.Equal(["watch_history.csv.tmp"], Directory.GetFileSystemEntries(empty.Path).Select(Path.GetFileName));
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
    }

    [Fact]
    public void Scale_a_tenth_gives_a_tenth_of_the_rows()
    {
        using var dir = new TempDirectory();
        var result = SyntheticGenerator.Generate(dir.Path, new GeneratorOptions(42, 0.1));
        var rows = result.Files.ToDictionary(f => f.Name, f => f.Rows);
        Assert.Equal(1_030, rows["users.csv"]);
        Assert.Equal(104, rows["movies.csv"]);
        Assert.Equal(10_500, rows["watch_history.csv"]);
        Assert.Equal(5_200, rows["recommendation_logs.csv"]);
        Assert.Equal(2_650, rows["search_logs.csv"]);
        Assert.Equal(1_545, rows["reviews.csv"]);
        Assert.Equal(200, rows["top10_titles.csv"]);
        // Two years of weekly lists: never more than ten a week; with only 200 titles the first weeks may have
        // fewer, but once titles have charted every week is full.
        var weeks = Csv.Read(dir.File("top10_weekly.csv")).GroupBy(w => w["week"]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Count()).ToList();
        Assert.Equal(104, weeks.Count);
        Assert.All(weeks, count => Assert.InRange(count, 1, 10));
        Assert.All(weeks.Skip(26), count => Assert.Equal(10, count));
        Assert.Equal(weeks.Sum(), rows["top10_weekly.csv"]);
    }

    [Fact]
    public void Invalid_scale_is_rejected()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticGenerator.Generate(dir.Path, new GeneratorOptions(1, 0)));
        Assert.Contains("--scale", error.Message, StringComparison.Ordinal);
    }
}

[Collection(GeneratedDataCollection.Name)]
public sealed class GeneratedDataShapeTests(GeneratedData data)
{
    private string Raw(string file) => Path.Combine(data.RawFolder, file);

    [Fact]
    public void Row_counts_at_scale_one_are_the_public_datasets()
    {
        var rows = data.Generation.Files.ToDictionary(f => f.Name, f => f.Rows);
        Assert.Equal(10_300, rows["users.csv"]);
        Assert.Equal(1_040, rows["movies.csv"]);
        Assert.Equal(105_000, rows["watch_history.csv"]);
        Assert.Equal(52_000, rows["recommendation_logs.csv"]);
        Assert.Equal(26_500, rows["search_logs.csv"]);
        Assert.Equal(15_450, rows["reviews.csv"]);
        Assert.Equal(2_000, rows["top10_titles.csv"]);
    }

    [Fact]
    public void Headers_are_exactly_the_public_datasets_columns()
    {
        // The four real files in ../shared define the column names and their order.
        var real = Repository.SharedData("netflix-2025-user-behavior");
        foreach (var file in new[] { "users.csv", "movies.csv", "reviews.csv", "search_logs.csv" })
        {
            Assert.Equal(Csv.Header(Path.Combine(real, file)), Csv.Header(Raw(file)));
        }

        // The two tables missing from ../shared follow the schema its SOURCE.md lists.
        Assert.Equal(
            "session_id,user_id,movie_id,watch_date,device_type,watch_duration_minutes,progress_percentage,action,quality,location_country,is_download,user_rating".Split(','),
            Csv.Header(Raw("watch_history.csv")));
        Assert.Equal(
            "recommendation_id,user_id,movie_id,recommendation_date,recommendation_type,recommendation_score,was_clicked,position_in_list,device_type,time_of_day,algorithm_version".Split(','),
            Csv.Header(Raw("recommendation_logs.csv")));
    }

    [Fact]
    public void Value_sets_match_the_real_files()
    {
        var real = Repository.SharedData("netflix-2025-user-behavior");
        var realUsers = Csv.Read(Path.Combine(real, "users.csv"));
        var ours = Csv.Read(Raw("users.csv"));
        foreach (var column in new[] { "subscription_plan", "country", "primary_device", "is_active", "state_province" })
        {
            Assert.Equal(realUsers.Select(r => r[column]).ToHashSet().Order(), ours.Select(r => r[column]).ToHashSet().Order());
        }

        var realMovies = Csv.Read(Path.Combine(real, "movies.csv"));
        var movies = Csv.Read(Raw("movies.csv"));
        foreach (var column in new[] { "content_type", "genre_primary", "rating", "language", "country_of_origin" })
        {
            Assert.Equal(realMovies.Select(r => r[column]).ToHashSet().Order(), movies.Select(r => r[column]).ToHashSet().Order());
        }

        // Churn rate close to the real share of inactive users (1,524 of 10,300).
        var inactive = ours.Count(r => r["is_active"] == "False") / (double)ours.Count;
        Assert.InRange(inactive, 0.12, 0.18);
    }

    [Theory]
    [InlineData("users.csv", "age", 0.12)]
    [InlineData("users.csv", "gender", 0.08)]
    [InlineData("users.csv", "monthly_spend", 0.10)]
    [InlineData("users.csv", "household_size", 0.15)]
    [InlineData("movies.csv", "imdb_rating", 0.15)]
    [InlineData("watch_history.csv", "watch_duration_minutes", 0.08)]
    [InlineData("watch_history.csv", "progress_percentage", 0.12)]
    [InlineData("watch_history.csv", "quality", 0.05)]
    [InlineData("watch_history.csv", "user_rating", 0.85)]
    public void Missing_rates_follow_the_datasets_readme(string file, string column, double expected)
    {
        var rows = Csv.Read(Raw(file));
        var rate = rows.Count(r => r[column].Length == 0) / (double)rows.Count;
        Assert.InRange(rate, expected - 0.02, expected + 0.02);
    }

    [Theory]
    [InlineData("users.csv", "user_id")]
    [InlineData("movies.csv", "movie_id")]
    [InlineData("watch_history.csv", "session_id")]
    [InlineData("recommendation_logs.csv", "recommendation_id")]
    [InlineData("search_logs.csv", "search_id")]
    [InlineData("reviews.csv", "review_id")]
    public void Duplicates_are_exact_copies_at_three_to_six_percent(string file, string key)
    {
        var lines = File.ReadAllLines(Raw(file)).Skip(1).ToList();
        var rows = Csv.Read(Raw(file));
        var duplicateKeys = rows.Count - rows.Select(r => r[key]).Distinct().Count();
        var duplicateLines = lines.Count - lines.Distinct().Count();
        Assert.Equal(duplicateKeys, duplicateLines); // every repeated key is a whole repeated row
        Assert.InRange(duplicateKeys / (double)rows.Count, 0.029, 0.061);
    }

    [Fact]
    public void Ages_and_spends_include_out_of_range_values()
    {
        var users = Csv.Read(Raw("users.csv"));
        var ages = users.Where(r => r["age"].Length > 0).Select(r => double.Parse(r["age"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(ages, a => a < 5);
        Assert.Contains(ages, a => a > 110);
        Assert.InRange(ages.Count(a => a is < 5 or > 110) / (double)ages.Count, 0.002, 0.02);
        var spends = users.Where(r => r["monthly_spend"].Length > 0).Select(r => double.Parse(r["monthly_spend"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(spends, s => s < 0);
        Assert.InRange(spends.Count(s => s >= 200) / (double)spends.Count, 0.005, 0.02);
    }

    [Fact]
    public void Top10_leak_columns_are_zero_for_every_title_that_never_charted()
    {
        var titles = Csv.Read(Raw("top10_titles.csv"));
        var weekly = Csv.Read(Raw("top10_weekly.csv"));
        var charted = weekly.Select(w => w["title_id"]).ToHashSet();
        Assert.InRange(titles.Count(t => t["netflix_top_10"] == "1") / (double)titles.Count, 0.2, 0.35);
        foreach (var t in titles)
        {
            var positive = t["netflix_top_10"] == "1";
            Assert.Equal(positive, charted.Contains(t["title_id"]));
            Assert.Equal(positive, double.Parse(t["weekly_hours_viewed"], System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Equal(positive, int.Parse(t["cumulative_weeks_in_top_10"], System.Globalization.CultureInfo.InvariantCulture) > 0);
            if (positive)
            {
                Assert.Equal(weekly.Count(w => w["title_id"] == t["title_id"]), int.Parse(t["cumulative_weeks_in_top_10"], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        // Ten ranked titles every week, none before its release.
        var release = titles.ToDictionary(t => t["title_id"], t => DateTime.Parse(t["release_date"], System.Globalization.CultureInfo.InvariantCulture));
        foreach (var week in weekly.GroupBy(w => w["week"]))
        {
            Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), week.Select(w => w["weekly_rank"]).Order(StringComparer.Ordinal).OrderBy(int.Parse));
            var monday = DateTime.Parse(week.Key, System.Globalization.CultureInfo.InvariantCulture);
            Assert.All(week, w => Assert.True(release[w["title_id"]] < monday.AddDays(7)));
        }
    }

    [Fact]
    public void Truth_names_the_planted_leaks_snapshot_and_rating_floor()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Raw(SyntheticGenerator.TruthFileName)));
        var root = doc.RootElement;
        Assert.Equal("2025-11-01", root.GetProperty("snapshotDate").GetString());
        var leaks = root.GetProperty("leaks").EnumerateArray().ToList();
        var top10 = leaks.Single(l => l.GetProperty("task").GetString() == "top10");
        Assert.Equal(["weekly_hours_viewed", "cumulative_weeks_in_top_10"], top10.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!));
        Assert.Contains(leaks, l => l.GetProperty("task").GetString() == "churn");
        var floor = root.GetProperty("ratings").GetProperty("rmseFloor").GetDouble();
        Assert.InRange(floor, 0.5, ViewingWorld.RatingNoiseSd + 0.1);
        Assert.Equal(10_000, root.GetProperty("churn").GetProperty("rows").GetArrayLength());
        Assert.Equal(2_000, root.GetProperty("top10").GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public void Truth_watch_choice_gives_the_logit_every_watch_is_drawn_from()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Raw(SyntheticGenerator.TruthFileName)));
        var choice = doc.RootElement.GetProperty("watchChoice");
        static double[] Vector(JsonElement row) => [.. row.GetProperty("vector").EnumerateArray().Select(v => v.GetDouble())];
        var users = choice.GetProperty("users").EnumerateArray().ToDictionary(r => r.GetProperty("user_id").GetString()!, Vector);
        var titles = choice.GetProperty("titles").EnumerateArray().ToDictionary(r => r.GetProperty("title_id").GetString()!, r => (Vector: Vector(r), Bias: r.GetProperty("bias").GetDouble()));
        double Logit(string user, string title) => users[user].Zip(titles[title].Vector, (a, b) => a * b).Sum() + titles[title].Bias;

        // The vectors decompose the simulation's logit, taste weight x (factors . factors + genre affinity) + popularity.
        var world = new ViewingWorld(new GeneratorOptions(42, 1.0));
        Assert.Equal(world.Users, users.Count);
        Assert.Equal(world.Movies, titles.Count);
        for (var u = 0; u < world.Users; u += 997)
        {
            for (var i = 0; i < world.Movies; i++)
            {
                var expected = (ViewingWorld.ChoiceTasteWeight * world.Affinity(u, i)) + world.ChoiceTitleBias(i);
                Assert.Equal(expected, Logit(ViewingWorld.UserId(u, world.Users), ViewingWorld.MovieId(i, world.Movies)), tolerance: 0.002);
            }
        }

        // And the watches written follow it: most land on titles in the top half of their subscriber's logits.
        var median = new Dictionary<string, double>();
        var above = 0;
        var watches = 0;
        foreach (var watch in Csv.Read(Raw("watch_history.csv")).Where(w => users.ContainsKey(w["user_id"]) && titles.ContainsKey(w["movie_id"])))
        {
            if (!median.TryGetValue(watch["user_id"], out var middle))
            {
                var all = titles.Keys.Select(t => Logit(watch["user_id"], t)).Order().ToArray();
                median[watch["user_id"]] = middle = all[all.Length / 2];
            }

            above += Logit(watch["user_id"], watch["movie_id"]) > middle ? 1 : 0;
            watches++;
        }

        Assert.InRange(above / (double)watches, 0.85, 1);
    }

    [Fact]
    public void Churners_have_no_activity_on_or_after_the_snapshot_and_stayers_mostly_do()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Raw(SyntheticGenerator.TruthFileName)));
        var churned = doc.RootElement.GetProperty("churn").GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("user_id").GetString()!, r => r.GetProperty("churned").GetBoolean());
        var users = Csv.Read(Raw("users.csv")).GroupBy(u => u["user_id"]).ToDictionary(g => g.Key, g => g.First()["is_active"]);
        Assert.All(churned, c => Assert.Equal(c.Value ? "False" : "True", users[c.Key]));

        var active = new HashSet<string>();
        foreach (var (file, column) in new[] { ("watch_history.csv", "watch_date"), ("search_logs.csv", "search_date"), ("recommendation_logs.csv", "recommendation_date"), ("reviews.csv", "review_date") })
        {
            foreach (var row in Csv.Read(Raw(file)).Where(r => string.CompareOrdinal(r[column], "2025-11-01") >= 0))
            {
                active.Add(row["user_id"]);
            }
        }

        Assert.DoesNotContain(churned, c => c.Value && active.Contains(c.Key));
        var stayers = churned.Where(c => !c.Value).ToList();
        Assert.InRange(stayers.Count(s => active.Contains(s.Key)) / (double)stayers.Count, 0.5, 1.0);
    }

    [Fact]
    public void Schema_lists_every_generated_file()
    {
        var files = Directory.GetFiles(data.RawFolder, "*.csv").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(RawSchema.Tables.Select(t => t.FileName).Order(), files);
    }
}
